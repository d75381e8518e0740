# Shared by make bench's sections (tests/bench/NN-*.bash), on top of
# tests/lib/bed.bash: every section runs on its own test bed (namespaces,
# veth pairs, private bpffs), and reports raw samples; tests/bench/report.py
# turns them into medians, spreads, ratios and verdicts.

XW_BENCH=$XW_ROOT/build/tests/bench
XW_TIMEIT=$XW_BENCH/xw-timeit

bench_log() {
	printf '  %s\n' "$*" >&2
}

# bench_row SECTION CASE UNIT ANCHOR GOAL "SAMPLES" "ANCHOR_SAMPLES" [NOTE]
#
# One row of the table.  SAMPLES and ANCHOR_SAMPLES are space-separated
# numbers measured side by side (sample i of each in the same round, so a
# noisy moment hits both); the ratio is SAMPLES/ANCHOR_SAMPLES.  GOAL is
# empty or one of "ratio<=X", "ratio>=X", "value<=X" (X in UNIT).
bench_row() {
	local section=$1 case=$2 unit=$3 anchor=$4 goal=$5 ours=$6 theirs=$7
	local note=${8:-}
	jq -cn --arg section "$section" --arg case "$case" --arg unit "$unit" \
		--arg anchor "$anchor" --arg goal "$goal" --arg note "$note" \
		--arg ours "$ours" --arg theirs "$theirs" '
		def nums: [splits(" +") | select(length > 0) | tonumber];
		{section: $section, case: $case, unit: $unit, anchor: $anchor,
		 goal: $goal, note: $note, samples: ($ours | nums),
		 anchor_samples: ($theirs | nums)}' >>"$XW_BENCH_ROWS"
}

# bench_time [--netns NS] CMD... [--- CMD...]: one sample, "WALL_NS RSS_KIB",
# of the sequence run in bed namespace NS (see xw-timeit).  Fails, loudly,
# when a command fails: a benchmark of a failing command measures nothing.
bench_time() {
	local args=()
	if [[ $1 == --netns ]]; then
		args=(--netns "$(ns_path "$2")")
		shift 2
	fi
	"$XW_TIMEIT" "${args[@]}" "$@"
}

# Samples by key, filled by bench_sample: wall time in ms, peak RSS in KiB.
declare -gA WALL RSS

# bench_sample KEY [--netns NS] CMD... [--- CMD...]: one bench_time run,
# appended to KEY's samples.  A failing command ends the section (exit: the
# callers' "|| return" chains cannot be trusted to be complete, and set -e
# does not reach into a function called from a condition).
bench_sample() {
	local key=$1 out us
	shift
	out=$(bench_time "$@") || {
		bed_fail "$key: a command failed"
		exit 1
	}
	us=$((${out% *} / 1000))
	WALL[$key]+=" $((us / 1000)).$(printf %03d $((us % 1000)))"
	RSS[$key]+=" ${out#* }"
}

# bench_per KEY N: KEY's wall-time samples divided by N (per route, per
# install), with four decimals.
bench_per() {
	local s out=
	for s in ${WALL[$1]}; do
		out+=" $(awk -v v="$s" -v n="$2" 'BEGIN { printf "%.4f", v / n }')"
	done
	echo "$out"
}
