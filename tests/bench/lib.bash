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

# bench_mac NS DEV: DEV's MAC address, for the generator's frames.
bench_mac() {
	ipn "$1" -j link show dev "$2" | jq -r '.[0].address'
}

# bench_forward_bed P OUT SBX: the kernel-forwarding twin of tunnel_bed,
# the anchor of the throughput sections: namespaces Pout, Ph and Psbx,
# Pout's Po0 - Ph's Ph0 on OUT.0/24, Ph's Pv0 - Psbx's Ps0 on SBX.0/24
# (OUT and SBX are three octets), Ph routing between them, its neighbours
# fixed so that no resolution runs in the measured path.
bench_forward_bed() {
	local p=$1 out=$2 sbx=$3 dev
	bed_ns "${p}out" "${p}h" "${p}sbx" || return
	bed_veth "${p}out" "${p}o0" "${p}h" "${p}h0" &&
		bed_veth "${p}h" "${p}v0" "${p}sbx" "${p}s0" || return
	for dev in out:o0 h:h0 h:v0 sbx:s0; do
		in_ns "$p${dev%:*}" sysctl -qw \
			"net.ipv6.conf.$p${dev#*:}.disable_ipv6=1" || return
	done
	in_ns "${p}h" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.send_redirects=0 || return
	ipn "${p}out" addr add "$out.2/24" dev "${p}o0" &&
		ipn "${p}h" addr add "$out.1/24" dev "${p}h0" &&
		ipn "${p}h" addr add "$sbx.1/24" dev "${p}v0" &&
		ipn "${p}sbx" addr add "$sbx.2/24" dev "${p}s0" &&
		ipn "${p}sbx" route add default via "$sbx.1" &&
		ipn "${p}h" neigh replace "$sbx.2" nud permanent dev "${p}v0" \
			lladdr "$(bench_mac "${p}sbx" "${p}s0")" &&
		ipn "${p}h" neigh replace "$out.2" nud permanent dev "${p}h0" \
			lladdr "$(bench_mac "${p}out" "${p}o0")" || return
	# A veth takes frames its peer's XDP sends only with NAPI on: GRO
	# gives it NAPI without an XDP program of ours on the host.
	in_ns "${p}h" ethtool -K "${p}h0" gro on >/dev/null
}
