#!/usr/bin/env bats
# tunnel-install killed by SIGKILL before each of its system calls that
# changes the system (kill_points_changing of tests/lib/kill.bash; XW_LONG=1: before every
# call), for each scenario from
# its own starting state: right after the kill no XDP program runs without
# its link pin, and the re-run of the same command exits 0 and leaves the
# state of an undisturbed run (pins, kept object ids, slots, attachments,
# status); for the node's --unpin, pin-gc run first leaves only ok
# installs.  Then kills at random moments.  The bounded default kills at
# a sample of the points (seed 66, in the test names) and at two random
# moments per scenario; XW_LONG=1 kills before every call.
#
# Namespaces: "host" holds the NIC n0 (its other end in "outside") and the
# host sides ha, hb of two sandboxes' pairs (their other ends in "sandbox").

load lib/test
load lib/kill

setup_file() {
	bed_setup
	bed_ns host outside sandbox
	bed_veth host n0 outside on0
	bed_veth host ha sandbox sa
	bed_veth host hb sandbox sb
}

setup() {
	STATE_NS="host"
}

xw() {
	in_ns host "$XW" "$@"
}

# fresh: nothing of ours, nothing attached.
fresh() {
	find "${BPFFS:?}" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
	poll_until 5000 no_xdp
}

# no_xdp: no XDP program on any device of host.
no_xdp() {
	ipn host -j -d link show | jq -e 'all(.[]; .xdp == null)' >/dev/null
}

# The scenarios' starting states.
start_nothing() {
	fresh
}

start_node() {
	fresh && xw tunnel-install --device n0 -q
}

start_one() {
	start_node && xw tunnel-install --device n0 --veth ha -q
}

# The node with two wired sandboxes: ha wired, then its NIC slot cleared
# as a per-sandbox --unpin killed half-way leaves it, and hb wired.
start_two() {
	start_one &&
		in_ns host bpftool map delete pinned "$BPFFS/n0/tunnel_host_map" key 0 0 0 0 &&
		xw tunnel-install --device n0 --veth hb -q
}

# state: what an undisturbed run must leave, without the ids a new run
# changes: the pin tree, each DEVMAP's slot 0 (a device name), each
# device's XDP program (by name) and mode, and status's health words.
state() {
	local pin
	(cd "$BPFFS" && find . -printf '%y %m %p\n' | sort)
	for pin in "$BPFFS"/*/tunnel_*_map; do
		[[ -e $pin ]] && echo "${pin#"$BPFFS"/} -> $(bed_devmap_slot0 "$pin")"
	done
	ipn host -j -d link show |
		jq -c '.[] | select(.ifname != "lo") | {ifname, ifindex, xdp: (.xdp.prog.name // null), mode: (.xdp.mode // null)}'
	xw status -j | jq -c '[.directories[] | {device, installs: [.installs[] | {kind, health}]}]'
}

# kept: the ids of the node's link, program and map, which wiring and
# unwiring a sandbox keep.
kept() {
	bpftool link show pinned "$BPFFS/n0/tunnel_host_link" -j | jq -c '{id, prog_id}'
	bpftool map show pinned "$BPFFS/n0/tunnel_host_map" -j | jq -c '{id}'
}

# linked: every XDP program attached in host runs through a link pinned
# in the directory of its device.
linked() {
	local dev prog pin
	while read -r dev prog; do
		for pin in "$BPFFS/$dev"/*_link; do
			[[ -e $pin ]] &&
				[[ $(bpftool link show pinned "$pin" -j | jq -r .prog_id) == "$prog" ]] &&
				continue 2
		done
		echo "$dev runs program $prog without its link pin" >&2
		return 1
	done < <(ipn host -j -d link show | jq -r '.[] | select(.xdp.prog.id) | "\(.ifname) \(.xdp.prog.id)"')
}

# all_ok: status finds nothing but ok installs.
all_ok() {
	xw status -j | jq -e '[.directories[].installs[].health] | all(. == "ok")' >/dev/null
}

# after_kill WHAT CMD...: the checks after a kill (WHAT says where): no
# program without its link pin; with GC=1, pin-gc first leaves only ok
# installs; the re-run of CMD exits 0, quietly, and leaves $want (and,
# with KEEP=1, the node's objects $ids).
after_kill() {
	local what=$1
	shift
	poll_until 2000 linked || { echo "after a kill $what" >&2; return 1; }
	if [[ ${GC:-0} == 1 ]]; then
		run -0 --separate-stderr xw pin-gc -q
		poll_until 2000 linked || { echo "after pin-gc, killed $what" >&2; return 1; }
		poll_until 2000 all_ok || { echo "after pin-gc, killed $what: $(xw status)" >&2; return 1; }
	fi
	run -0 --separate-stderr xw "$@" -q ||
		{ echo "re-run after a kill $what: $stderr" >&2; return 1; }
	assert_eq "$stderr" "" "stderr of the re-run after a kill $what" || return
	poll_until 2000 linked || { echo "after the re-run, killed $what" >&2; return 1; }
	assert_eq "$(state)" "$want" "state after a kill $what and a re-run" || return
	[[ ${KEEP:-0} == 0 ]] ||
		assert_eq "$(kept)" "$ids" "the node's objects after a kill $what and a re-run"
}

# sample FILE: its lines to kill at: all under XW_LONG=1, else 3 chosen
# with the fixed seed 66.
sample() {
	kill_points_changing "$1" | kill_sample 3 66
}

# matrix START CMD...: CMD killed at each point (sample) of its undisturbed
# run from the state START makes, then at two random moments.  EMPTY=1:
# the undisturbed run leaves no directory.
matrix() {
	local start=$1 trace=$BED_DIR/trace want ids name n rc pid k points=0
	shift
	$start
	kill_trace "$trace" nsenter --net="$(ns_path host)" "$XW" "$@" -q
	want=$(state)
	# An --unpin of the node leaves nothing of ours, undisturbed.
	[[ ${EMPTY:-0} == 0 ]] ||
		assert_eq "$(find "$BPFFS" -mindepth 1 -type d)" "" "directories left by an undisturbed run"
	while read -r name n; do
		$start
		[[ ${KEEP:-0} == 0 ]] || ids=$(kept)
		rc=0
		kill_at "$name" "$n" nsenter --net="$(ns_path host)" "$XW" "$@" -q || rc=$?
		((rc == 137 || rc == 0)) || { echo "killed at $name $n: exit $rc" >&2; return 1; }
		after_kill "at $name $n" "$@" || return
		points=$((points + 1))
	done < <(sample "$trace")
	RANDOM=66
	for k in 1 2; do
		$start
		[[ ${KEEP:-0} == 0 ]] || ids=$(kept)
		nsenter --net="$(ns_path host)" "$XW" "$@" -q &
		pid=$!
		# A moment, not a wait for state: anywhere in the run, or after.
		sleep "0.$(printf %03d $((RANDOM % 400)))"
		kill -KILL "$pid" 2>/dev/null || :
		wait "$pid" || :
		after_kill "at a random moment ($k)" "$@" || return
		points=$((points + 1))
	done
	echo "# $points kills of $(wc -l <"$trace") points" >&3
}

@test "tunnel-install --device from nothing, killed anywhere (seed 66): the re-run finishes it" {
	matrix start_nothing tunnel-install --device n0
}

@test "tunnel-install --veth, killed anywhere (seed 66): the re-run wires it, the node's objects kept" {
	KEEP=1 matrix start_node tunnel-install --device n0 --veth ha
}

@test "tunnel-install --veth --unpin, killed anywhere (seed 66): the re-run unwires it, the node's objects kept" {
	KEEP=1 matrix start_one tunnel-install --device n0 --veth ha --unpin
}

@test "tunnel-install --device --unpin with two wired sandboxes, killed anywhere (seed 66): pin-gc leaves only ok installs, the re-run removes all" {
	GC=1 EMPTY=1 matrix start_two tunnel-install --device n0 --unpin
}
