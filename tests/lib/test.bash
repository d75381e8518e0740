# What every kernel test file loads at its top level: the test bed, the
# assertions and the AF_XDP socket helpers, and a teardown_file that
# removes the bed.  A file builds its bed in its own setup_file.
_xw_lib=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=tests/lib/bed.bash
source "$_xw_lib/bed.bash"
# shellcheck source=tests/lib/assert.bash
source "$_xw_lib/assert.bash"
# shellcheck source=tests/lib/xsk.bash
source "$_xw_lib/xsk.bash"

bats_require_minimum_version 1.5.0

teardown_file() {
	bed_teardown
}
