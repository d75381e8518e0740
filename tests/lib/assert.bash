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
