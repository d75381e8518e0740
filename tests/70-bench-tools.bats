#!/usr/bin/env bats
# make bench's measuring tools, which make check does not run as a whole
# (minutes long): the timer must time and read the kernel's peak RSS, fail
# on a failing command, and the report must judge goals without rounding.

bats_require_minimum_version 1.5.0

setup() {
	load lib/bed
	load lib/assert
	TIMEIT=$XW_ROOT/${XW_BUILD:-build}/tests/bench/xw-timeit
	REPORT=$XW_ROOT/tests/bench/report.py
	ROWS=$BATS_TEST_TMPDIR/rows
}

@test "xw-timeit: one line, wall ns and peak RSS in KiB from the finished process" {
	run -0 --separate-stderr "$TIMEIT" true
	[[ $output =~ ^[0-9]+\ [0-9]+$ ]] || { echo "got '$output'" >&2; false; }
	# 64 MiB touched by the child must show in its peak, not in ours.
	run -0 --separate-stderr "$TIMEIT" python3 -c 'b = bytearray(64 << 20)'
	((${output#* } > 64 * 1024)) || { echo "RSS ${output#* } KiB" >&2; false; }
	run -0 --separate-stderr "$TIMEIT" sleep 0.2
	((${output% *} >= 200000000)) || { echo "wall ${output% *} ns" >&2; false; }
}

@test "xw-timeit: a sequence runs in order, stdout discarded, and a failure prints no sample" {
	local f=$BATS_TEST_TMPDIR/seq
	run -0 --separate-stderr "$TIMEIT" sh -c "echo a >>$f; echo out" --- \
		sh -c "echo b >>$f"
	assert_eq "$(cat "$f")" $'a\nb' "order"
	[[ $output =~ ^[0-9]+\ [0-9]+$ ]] || { echo "stdout leaked: '$output'" >&2; false; }
	run -1 --separate-stderr "$TIMEIT" true --- false --- sh -c "echo c >>$f"
	assert_eq "$output" "" "no sample of a failed sequence"
	assert_eq "$stderr" "xw-timeit: false exited with status 1" "stderr"
	assert_eq "$(cat "$f")" $'a\nb' "stopped at the failure"
	run -2 --separate-stderr "$TIMEIT" --nope true
	run -1 --separate-stderr "$TIMEIT" /nonexistent/cmd
}

row() {
	jq -cn --arg goal "$1" --argjson s "$2" --argjson a "$3" \
		'{section: "t", case: "c", unit: "ms", anchor: "a", goal: $goal,
		  note: "", samples: $s, anchor_samples: $a}' >>"$ROWS"
}

@test "report: paired ratios, goals judged without rounding, results.json" {
	row "ratio<=1.5" "[151, 151, 151]" "[100, 100, 100]"
	row "ratio<=1.5" "[150, 150, 150]" "[100, 100, 100]"
	row "ratio>=3" "[300, 310, 290]" "[100, 100, 100]"
	row "value<=8192" "[8000, 8193, 8000]" "[1, 1, 1]"
	row "" "[1, 2, 3]" "[1, 1, 1]"
	run -0 --separate-stderr python3 "$REPORT" --rows "$ROWS" \
		--json "$BATS_TEST_TMPDIR/r.json" --seconds 1
	[[ $output == *"| 1.51x (1.51-1.51) | ratio <= 1.5 | **no** |"* ]]
	[[ $output == *"| 1.50x (1.50-1.50) | ratio <= 1.5 | yes |"* ]]
	[[ $output == *"Goals: 2 met, 2 missed."* ]]
	run -0 jq -c '[.rows[].met]' "$BATS_TEST_TMPDIR/r.json"
	assert_eq "$output" '[false,true,true,false,null]' "verdicts"
	run -0 jq -c '.rows[0].ratio.median, .goals' "$BATS_TEST_TMPDIR/r.json"
	assert_eq "$output" $'1.51\n{"met":2,"missed":2}' "ratio and tally"
}

@test "report: unpaired samples are refused, not averaged" {
	row "" "[1, 2, 3]" "[1, 1]"
	run -1 --separate-stderr python3 "$REPORT" --rows "$ROWS"
	[[ $stderr == *"samples not paired"* ]]
}

@test "report: --readme replaces only the marked table and names every missed goal" {
	local md=$BATS_TEST_TMPDIR/README.md
	printf '%s\n' "# t" "before" \
		"<!-- bench:begin (tests/bench/report.py writes this part) -->" \
		"old table" "<!-- bench:end -->" "after" >"$md"
	row "ratio<=1.0" "[2, 2, 2]" "[1, 1, 1]"
	row "ratio<=1.0" "[1, 1, 1]" "[2, 2, 2]"
	run -0 --separate-stderr python3 "$REPORT" --rows "$ROWS" --readme "$md"
	run -0 cat "$md"
	[[ $output == "# t"$'\n'"before"$'\n'"<!-- bench:begin"* ]]
	[[ $output == *"<!-- bench:end -->"$'\n'"after" ]]
	[[ $output != *"old table"* ]]
	[[ $output == *"- t, c against a: 2.00x, goal ratio <= 1.0"* ]]
	[[ $(grep -c '^- t, c against' "$md") == 1 ]]
}
