#!/usr/bin/env bats
# Kill anywhere, the commands that only read: status, plain scrape and
# pin-gc --dry-run, each killed with a real SIGKILL at every call of an
# undisturbed run that touches shared state (every call under XW_LONG=1;
# tests/lib/kill.bash), over a redirect install with the runtime's socket
# in queue 0 and a wired tunnel.  After each kill nothing changed (the pin
# tree, every device's XDP program, the addresses, the socket's slot) and
# nothing of the run is left behind (no lock, no temporary pin), and the
# re-run prints what the undisturbed run printed.

load lib/test
load lib/xsk
load lib/kill

setup_file() {
	bed_setup
	bed_ns node peer
	bed_veth node a0 peer pa0 numrxqueues 2
	bed_veth node probe0 peer pprobe0 numrxqueues 2
	bed_veth node n0 peer pn0
	bed_veth node h0 peer ph0
	ipn node addr add 10.67.0.1/24 dev a0
	in_ns node "$XW" redirect-install --device a0 -q
	in_ns node "$XW" tunnel-install --device n0 -q
	in_ns node "$XW" tunnel-install --device n0 --veth h0 -q
	xsk_hold node a0 0
	in_ns node "$XW" sockmap-insert --device a0 --queue 0 \
		--pid "$XSK_PID" --target-fd "$(xsk_target_fd)" -q
}

# All a reader could change, or leave behind.
state() {
	bed_state node
	ipn node -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[].local]}]'
	if xsk_slot_taken node probe0 a0 0; then
		echo "slot 0: taken"
	else
		echo "slot 0: free"
	fi
}

# same: the document on stdin without the traffic counters, which the
# veths' own traffic moves between two runs.
same() {
	jq -cS 'del(.. | .counters?)'
}

# killed_everywhere CMD...: CMD killed at each point of its undisturbed
# run; after each, state is unchanged and the re-run prints the same.
killed_everywhere() {
	local trace=$BED_DIR/trace before want got name n rc points=0
	before=$(state)
	kill_trace "$trace" nsenter --net="$(ns_path node)" "$XW" "$@" >"$BED_DIR/want"
	want=$(same <"$BED_DIR/want")
	[[ -n $want ]] || { echo "no output from $*" >&2; return 1; }
	while read -r name n; do
		rc=0
		kill_at "$name" "$n" nsenter --net="$(ns_path node)" "$XW" "$@" \
			>/dev/null 2>&1 || rc=$?
		((rc == 137)) || { echo "$* at $name $n: exit $rc, not killed" >&2; return 1; }
		got=$(state)
		[[ $got == "$before" ]] ||
			{ diff <(echo "$before") <(echo "$got") >&2; echo "$* killed at $name $n changed the state" >&2; return 1; }
		got=$(in_ns node "$XW" "$@" | same) ||
			{ echo "$*: re-run after a kill at $name $n failed" >&2; return 1; }
		[[ $got == "$want" ]] ||
			{ diff <(echo "$want") <(echo "$got") >&2; echo "$*: re-run after a kill at $name $n differs" >&2; return 1; }
		points=$((points + 1))
	done < <(kill_points "$trace")
	((points > 10)) || { echo "$*: only $points kill points" >&2; return 1; }
	echo "# $*: $points kills of $(wc -l <"$trace") calls" >&3
}

@test "status killed at every call changes nothing; its re-run reports the same" {
	killed_everywhere status -j
}

@test "scrape killed at every call changes nothing; its re-run reports the same" {
	killed_everywhere scrape -j
}

@test "pin-gc --dry-run killed at every call changes nothing; its re-run reports the same" {
	killed_everywhere pin-gc --dry-run -j
}
