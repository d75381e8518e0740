# Assertions for the bats files.  Each prints what it expected and what it
# got, so a failure explains itself without a rerun.

assert_eq() {
	local got=$1 want=$2 what=${3:-value}
	if [[ $got != "$want" ]]; then
		printf '%s:\n  want: %q\n  got:  %q\n' "$what" "$want" "$got" >&2
		return 1
	fi
}

# assert_json FILTER [WHAT]: jq -e FILTER over $output (captured by run).
assert_json() {
	if ! jq -e "$1" >/dev/null <<<"$output"; then
		printf 'jq -e %s failed on:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

# json FILTER: the value of FILTER in $output.
json() {
	jq -r "$1" <<<"$output"
}

# expect_refused RC LINE CMD...: CMD exits RC with exactly LINE on stderr,
# nothing on stdout, and nothing changed in the bpffs or in the XDP state
# of the namespaces in $STATE_NS.
expect_refused() {
	local rc=$1 line=$2 before after
	shift 2
	before=$(bed_state ${STATE_NS:-})
	run -"$rc" --separate-stderr "$@"
	after=$(bed_state ${STATE_NS:-})
	assert_eq "$stderr" "$line" "stderr of $*" &&
		assert_eq "$output" "" "stdout of $*" &&
		assert_eq "$after" "$before" "state after $*"
}

# expect_refused_json RC CMD...: with -j, the same refusal is one JSON
# document on stdout carrying the exit code.
expect_refused_json() {
	local rc=$1
	shift
	run -"$rc" --separate-stderr "$@" -j
	assert_json ".version == 1 and .exit_code == $rc and (.error | length > 0)" &&
		assert_eq "$(wc -l <<<"$stderr")" 1 "stderr lines of $*"
}

# status_schema_check JSON: JSON is a document of
# man/xdpwire-status.schema.json (what is wrong, on stderr, if not).
status_schema_check() {
	/usr/bin/python3 "$XW_ROOT/tests/lib/schema_check.py" \
		"$XW_ROOT/man/xdpwire-status.schema.json" "$1"
}

# json_asked ARGS...: whether ARGS ask for a JSON document (-j, -p, or
# either among bundled short options).
json_asked() {
	local arg
	for arg in "$@"; do
		[[ $arg == --json || $arg == --pretty || $arg =~ ^-[a-zA-Z]*[jp] ]] && return 0
	done
	return 1
}

# status_checked CMD...: runs CMD, a status run, passing its stdout and
# exit status on; when it printed a result document (-j, exit 0 or 1 for
# --check), that document must also match the status schema, or the exit
# status is 99.  An error document (any other exit) is not a status one.
status_checked() {
	local out rc=0
	out=$("$@") || rc=$?
	printf '%s\n' "$out"
	if json_asked "$@" && ((rc <= 1)) && ! status_schema_check "$out"; then
		printf 'status -j output does not match the status schema: %s\n' "$*" >&2
		return 99
	fi
	return "$rc"
}
