#!/usr/bin/env bats
# Kill anywhere: redirect-install (from nothing, a mode change each way and
# a pass-port change with the runtime's sockets in queues 0 and 1,
# --unpin), sockmap-insert and its --delete, pin-gc --repair of a lost link
# pin and plain pin-gc of a stale install, each killed with a real SIGKILL
# at every call of an undisturbed run that changes what outlives the
# process (every call under XW_LONG=1; tests/lib/kill.bash).  After each
# kill: no XDP attachment without its link pin, status never calls the live
# device deleted, the sockets are still in the map, and plain pin-gc
# removes nothing a re-run could finish.  Then the re-run of the same
# command exits 0 and leaves what the undisturbed run left: the same pins,
# the kept maps' ids, the sockets in their slots, the mode, status ok, and
# a further run finds nothing to change.

load lib/test
load lib/xsk
load lib/kill

setup_file() {
	bed_setup
	bed_ns node peer
	bed_veth node a0 peer pa0 numrxqueues 2
	bed_veth node probe0 peer pprobe0 numrxqueues 2
}

xw() {
	in_ns node "$XW" "$@"
}

setup() {
	SOCK0=() SOCK1=() MAP_ID=
}

# The sockets go with their test: a queue takes one socket at a time.
teardown() {
	local pid
	for pid in "${SOCK0[0]:-}" "${SOCK1[0]:-}"; do
		[[ -n $pid ]] || continue
		kill "$pid" 2>/dev/null
		poll_until 5000 bed_gone "$pid"
	done
}

# Two runtime sockets, bound to a0's queues 0 and 1 and held open.
hold_sockets() {
	xsk_hold node a0 0
	SOCK0=("$XSK_PID" "$(xsk_target_fd)")
	xsk_hold node a0 1
	SOCK1=("$XSK_PID" "$(xsk_target_fd)")
}

insert() {
	local -n s=SOCK$1
	xw sockmap-insert --device a0 --queue "$1" --pid "${s[0]}" \
		--target-fd "${s[1]}" -q
}

# slots: whether a0's slots 0 and 1 hold a socket, or that there is no map.
slots() {
	local q
	[[ -e $BPFFS/a0/redirect_ip_map ]] || {
		echo "slots: no map"
		return
	}
	for q in 0 1; do
		if xsk_slot_taken node probe0 a0 "$q"; then
			echo "slot $q: taken"
		else
			echo "slot $q: free"
		fi
	done
}

# The XDP program on a0, empty if none.
xdp_prog() {
	bed_prog_id node a0
}

# unpinned_gone: whatever runs on a0 runs through a link pinned in its
# directory (its own pin or the temporary one a killed swap leaves).
pinned_or_none() {
	local prog pin id
	prog=$(xdp_prog)
	[[ -z $prog ]] && return 0
	for pin in "$BPFFS"/a0/redirect_link "$BPFFS"/a0/xw_tmp_redirect_link; do
		[[ -e $pin ]] || continue
		id=$(bpftool link show pinned "$pin" -j | jq '.prog_id')
		[[ $id == "$prog" ]] && return 0
	done
	return 1
}

# snap: everything an undisturbed run decides, to compare a re-run's with.
# The maps' ids count where the scenario keeps its maps (KEEP_MAPS=1).
snap() {
	(cd "$BPFFS" && find . -printf '%y %m %p\n' | sort)
	xw status -j | jq -c --argjson ids "${KEEP_MAPS:-0}" '[.directories[] |
		{device, temporary, foreign, installs: [.installs[] |
			{kind, health, why, mode, pins, pin_gc, repair,
			 maps: (.maps | map_values({entries} +
				(if $ids == 1 then {id} else {} end)))}]}]'
	ipn node -j -d link show a0 | jq -c '.[0].xdp.mode // "none"'
	[[ -z ${SOCK0[0]:-} ]] || slots
}

# map_kept: the socket map the scenario started with is still pinned (its
# slots are compared after the re-run: nothing but a run empties them).
map_kept() {
	local id
	id=$(bpftool map show pinned "$BPFFS/a0/redirect_ip_map" -j | jq .id) &&
		assert_eq "$id" "$MAP_ID" "socket map id"
}

# after_kill AT: what must hold right after a kill, and after plain pin-gc.
after_kill() {
	local at=$1
	poll_until 2000 pinned_or_none ||
		bed_fail "killed at $at: program $(xdp_prog) on a0 without its link pin" ||
		return
	run -0 --separate-stderr xw status -j
	if jq -e '[.directories[] | select((.ifindex // 0) > 0) |
		.installs[].why // ""] | any(test("deleted"))' <<<"$output" >/dev/null; then
		bed_fail "killed at $at: status calls a live device deleted: $output"
		return
	fi
	# A lost link pin is what --repair restores and plain pin-gc
	# collects, killed or not: there, only what pin-gc would do.
	run -0 --separate-stderr xw pin-gc ${GC_DRY:+--dry-run}
	if [[ ${KEEP_SOCKETS:-0} == 1 ]]; then
		map_kept ||
			bed_fail "killed at $at: the socket map is lost (pin-gc: $output)" ||
			return
	fi
}

# matrix RESET CMD...: the kill matrix of CMD from the state RESET makes:
# every point that changes what outlives the run, or a sample of SAMPLE of
# them chosen by SAMPLE_SEED (all under XW_LONG=1).
matrix() {
	local reset=$1 trace=$BED_DIR/trace want name n rc count=0
	shift
	$reset || return
	# strace runs nsenter, which execs xdpwire in place.
	kill_trace "$trace" nsenter --net="$(ns_path node)" "$XW" "$@" >/dev/null ||
		bed_fail "the undisturbed run of $* failed" || return
	want=$(snap)
	while read -r name n; do
		$reset || return
		rc=0
		kill_at "$name" "$n" nsenter --net="$(ns_path node)" "$XW" "$@" \
			>/dev/null 2>&1 || rc=$?
		((rc == 137 || rc == 0)) ||
			bed_fail "killed at $name $n: exit $rc" || return
		after_kill "$name $n" || return
		run -0 --separate-stderr xw "$@"
		assert_eq "$(snap)" "$want" "state after a kill at $name $n and a re-run" ||
			return
		run -0 --separate-stderr xw "$@" -j
		assert_json '.changed == false' || return
		count=$((count + 1))
	done < <(kill_points_changing "$trace" |
		if [[ -n ${SAMPLE:-} ]]; then
			kill_sample "$SAMPLE" "$SAMPLE_SEED"
		else
			cat
		fi)
	echo "# $count kill points" >&3
	((count >= 3)) || bed_fail "only $count kill points in $*"
}

# The starting states.

from_nothing() {
	xw redirect-install --device a0 --unpin -q &&
		{ [[ ! -d $BPFFS/a0 ]] || rmdir "$BPFFS/a0"; } &&
		poll_until 2000 no_xdp
}

no_xdp() {
	[[ -z $(xdp_prog) ]]
}

# installed MODE [OPTION...]: the install in MODE with both sockets in.
# Each point ends with both sockets in their slots, so only the first
# reset inserts them.
installed() {
	local mode=$1
	shift
	xw redirect-install --device a0 --mode "$mode" "$@" -q || return
	[[ -n ${MAP_ID:-} ]] || { insert 0 && insert 1; }
}

native() {
	installed native
}

generic() {
	installed generic
}

# Slot 1 empty (sockmap-insert), or filled (its --delete); no BTF cache,
# so that its writing is killed too.
slot1_empty() {
	native && insert 0 && xw sockmap-insert --device a0 --queue 1 --delete -q &&
		rm -rf "$XDPWIRE_CACHE_DIR"
}

slot1_full() {
	native && insert 0 && insert 1 && rm -rf "$XDPWIRE_CACHE_DIR"
}

link_pin_lost() {
	native || return
	[[ ! -e $BPFFS/a0/redirect_link ]] || rm "$BPFFS/a0/redirect_link"
	poll_until 2000 no_xdp
}

start_sockets() {
	MAP_ID=
	hold_sockets && native &&
		MAP_ID=$(bpftool map show pinned "$BPFFS/a0/redirect_ip_map" -j | jq .id)
}

# Each test runs the matrices of a few scenarios, and each test holds one
# that the code before these tests failed.  The bounded default run kills
# a mode change, --unpin and pin-gc --repair at every point that changes
# state, and samples the others (the seed is in the test's name); XW_LONG=1
# kills every scenario at every call it makes.

@test "redirect-install from nothing (4 points, seed 65), then a mode change native -> generic with sockets in queues 0 and 1, killed at each step: sockets kept, the re-run finishes it" {
	SAMPLE=4 SAMPLE_SEED=65 matrix from_nothing redirect-install --device a0 --mode native
	start_sockets
	KEEP_SOCKETS=1 KEEP_MAPS=1 matrix native redirect-install --device a0 --mode generic
}

@test "a pass-port change (4 points, seed 65), a mode change generic -> native, with sockets in queues 0 and 1, killed at each step, then mode changes killed at random moments (seed 6512, 4 rounds): sockets kept, the re-run finishes each" {
	start_sockets
	SAMPLE=4 SAMPLE_SEED=65 KEEP_SOCKETS=1 KEEP_MAPS=1 matrix native redirect-install --device a0 --mode native --pass-port 2222
	KEEP_SOCKETS=1 KEEP_MAPS=1 matrix generic redirect-install --device a0 --mode native
	KEEP_SOCKETS=1 kill_randomly 6512 4
}

@test "redirect-install --unpin, sockmap-insert and sockmap-insert --delete (4 points each, seed 65), killed at each step: the re-run finishes each" {
	start_sockets
	matrix native redirect-install --device a0 --unpin
	SAMPLE=4 SAMPLE_SEED=65 matrix slot1_empty sockmap-insert --device a0 --queue 1 --pid "${SOCK1[0]}" --target-fd "${SOCK1[1]}"
	SAMPLE=4 SAMPLE_SEED=65 matrix slot1_full sockmap-insert --device a0 --queue 1 --delete
}

# A stale install: its device deleted behind it.
stale() {
	ipn node link del s0 2>/dev/null
	bed_veth node s0 peer ps0 && xw redirect-install --device s0 -q &&
		ipn node link del s0
}

@test "pin-gc --repair after a lost link pin, and plain pin-gc of a stale install (4 points, seed 65), killed at each step: sockets kept, the re-run finishes each" {
	start_sockets
	GC_DRY=1 KEEP_SOCKETS=1 KEEP_MAPS=1 matrix link_pin_lost pin-gc --repair
	from_nothing
	SAMPLE=4 SAMPLE_SEED=65 matrix stale pin-gc
}

# kill_randomly SEED ROUNDS: mode changes back and forth, each killed after
# a random delay of up to 60 ms.
kill_randomly() {
	local seed=$1 rounds=$2 round mode ms rc
	RANDOM=$seed
	for ((round = 0; round < rounds; round++)); do
		mode=$([[ $((round % 2)) == 0 ]] && echo generic || echo native)
		ms=$((RANDOM % 60 + 1))
		rc=0
		timeout -s KILL "0.$(printf %03d "$ms")" \
			nsenter --net="$(ns_path node)" "$XW" redirect-install \
			--device a0 --mode "$mode" >/dev/null 2>&1 || rc=$?
		((rc == 137 || rc == 0)) ||
			bed_fail "round $round ($mode, killed after $ms ms): exit $rc" ||
			return
		after_kill "round $round ($mode, $ms ms)" || return
		run -0 --separate-stderr xw redirect-install --device a0 --mode "$mode" -j
		run -0 --separate-stderr xw status -j --device a0
		assert_json '.directories[0].installs[0].health == "ok"' || return
		assert_eq "$(ipn node -j -d link show a0 | jq -r '.[0].xdp.mode')" \
			"$([[ $mode == native ]] && echo 1 || echo 2)" "mode after round $round" ||
			return
	done
	assert_eq "$(slots)" $'slot 0: taken\nslot 1: taken' "slots after the random kills"
}
