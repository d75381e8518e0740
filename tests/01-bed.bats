#!/usr/bin/env bats
# The test bed itself: what every kernel test relies on to leave the
# machine as it found it.

load lib/test

@test "bed_teardown unmounts every bpffs under the bed, also one a failed test left mounted, and removes the bed" {
	bed_setup
	local dir=$BED_DIR
	mkdir "$BED_DIR/extra"
	mount -t bpf bpf "$BED_DIR/extra"
	bed_teardown
	run -1 grep -F "$dir" /proc/self/mounts
	[[ ! -e $dir ]]
}
