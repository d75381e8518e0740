# Per-packet cost of each installed XDP program (the pinned program, as
# xdpwire installed it: pass port 22, counters, a real AF_XDP socket or
# device in its map slot, so forwarded frames take the redirect path),
# against a program that only returns XDP_PASS, by BPF_PROG_TEST_RUN in
# tests/bench/prog_run.c.  Every sample of a program is paired with the
# floor's on the same frame in the same round.
#
# The gVisor-shaped baseline (issue 17, tests/bench/gvisor_shaped.bpf.c):
# the shape of the program gVisor's loader attaches (IPv4 only, fixed
# 20-byte header, TCP/22 passes, no counters), loaded by xw-prog_run --load
# with the installed redirect's own AF_XDP socket in its slot, run in the
# same rounds; redirect must cost <= 1.05x of it on every frame where the
# two do the same work.  Control rows: redirect's own object loaded by
# xw-prog_run the same way (programs loaded there measured 3-15% slower
# than the same code pinned by xdpwire).  Every row against the floor also
# has the kernel's own duration of a run (BPF_PROG_TEST_RUN's, whole ns)
# beside CPU time.
#
# Many sandboxes (issue 15): the tunnel host with 1, 8 and 1000 sandboxes
# registered, against the single-sandbox program it replaced
# (tests/helpers/tunnel_host_v1.bpf.c, loaded by xw-prog_run --slot0 with the same
# device in slot 0) on the same frames in the same rounds: to the measured
# sandbox's address (10.80.0.1 / fd00::1, build_frames()'s destination),
# and to an address nobody owns (the probe misses, slot 0 takes the frame).
# The sandboxes are veth pairs in the node namespace (the sandbox map, a
# DEVMAP_HASH, takes real ifindexes; nothing needs their far ends), their
# owner slots and commits written by xw-owners_fill: the program sees the
# tables tunnel-install --address would leave, filled in a moment.

# shellcheck source=tests/lib/xsk.bash
source "$XW_ROOT/tests/lib/xsk.bash"

REPEAT=${XW_BENCH_REPEAT:-5000000}
ROUNDS=${XW_BENCH_PROG_ROUNDS:-9}
SANDBOX_COUNTS=${XW_BENCH_SANDBOXES:-1 8 1000}

declare -A FRAME_NAMES=(
	[udp4]="UDP/IPv4 64 B"
	[tcp4-22]="TCP/IPv4 to 22, 64 B"
	[tcp6-443]="TCP/IPv6 to 443, 74 B"
	[short]="truncated IPv4, 24 B"
)

bench_main() {
	local out label frame samples floor goal
	local -A by
	bed_ns node peer
	bed_veth node r0 peer rp0
	bed_veth node n0 peer np0
	bed_veth node h0 peer hp0
	in_ns node "$XW" redirect-install --device r0 -q &&
		in_ns node "$XW" tunnel-install --device n0 -q &&
		in_ns node "$XW" tunnel-install --device n0 --veth h0 -q || return
	xsk_hold node r0 0 -- "$XW" sockmap-insert --device r0 --fd '{fd}' -q ||
		return
	[[ -n $(bed_devmap_slot0 "$BPFFS/n0/tunnel_host_map") &&
		-n $(bed_devmap_slot0 "$BPFFS/h0/tunnel_veth_map") ]] ||
		bed_fail "tunnel slots not wired" || return

	bench_log "BPF_PROG_TEST_RUN, $REPEAT repeats, $ROUNDS rounds"
	# Actions per frame: udp4, tcp4-22, tcp6-443, short.  The
	# gVisor-shaped baseline redirects to the socket the installed
	# redirect holds (xsk_hold's, taken by pid and descriptor).
	out=$("$XW_BENCH/xw-prog_run" --repeat "$REPEAT" --rounds "$ROUNDS" \
		--cpu 0 --kernel-time --xsk "$(xsk_holder_pid):$(xsk_target_fd)" \
		--load "gvisor=$XW_BENCH/gvisor_shaped.bpf.o:redirect,pass,redirect,pass" \
		--load "redirect_obj=$XW_ROOT/build/redirect.bpf.o:redirect,pass,redirect,pass" \
		"redirect=$BPFFS/r0/redirect_program:redirect,pass,redirect,pass" \
		"tunnel_host=$BPFFS/n0/tunnel_host_program:redirect,pass,redirect,pass" \
		"tunnel_veth=$BPFFS/h0/tunnel_veth_program:redirect,redirect,redirect,redirect") ||
		return
	while read -r label frame samples; do
		by[$label/$frame]=$samples
	done <<<"$out"
	for label in redirect tunnel_host tunnel_veth gvisor; do
		goal=
		[[ $label == redirect ]] && goal="ratio<=1.5"
		for frame in udp4 tcp4-22 tcp6-443 short; do
			floor=${by[floor/$frame]}
			bench_row per-packet "$(label_name "$label"): ${FRAME_NAMES[$frame]}" \
				ns/packet "XDP_PASS floor" "$goal" \
				"${by[$label/$frame]}" "$floor"
			# The kernel's own mean duration of a run (whole ns),
			# from the same calls: the goal holds on both.
			bench_row per-packet \
				"$(label_name "$label"): ${FRAME_NAMES[$frame]}, kernel's run duration" \
				ns/packet "XDP_PASS floor" "$goal" \
				"${by[$label.kernel/$frame]}" \
				"${by[floor.kernel/$frame]}"
		done
	done
	for frame in udp4 tcp4-22 tcp6-443 short; do
		goal="ratio<=1.05"
		[[ -n $(gvisor_note "$frame") ]] && goal=
		bench_row per-packet \
			"redirect vs gVisor-shaped: ${FRAME_NAMES[$frame]}" \
			ns/packet "gVisor-shaped program" "$goal" \
			"${by[redirect/$frame]}" "${by[gvisor/$frame]}" \
			"$(gvisor_note "$frame")"
		# Control: redirect's object loaded by xw-prog_run as the
		# baseline is, so a difference between programs loaded there
		# and pinned ones cannot favour either side unseen.
		bench_row per-packet \
			"redirect loaded as the baseline is vs gVisor-shaped: ${FRAME_NAMES[$frame]}" \
			ns/packet "gVisor-shaped program" "" \
			"${by[redirect_obj/$frame]}" "${by[gvisor/$frame]}" \
			"$(gvisor_note "$frame")"
	done
	xsk_stop
	many_sandboxes
}

label_name() {
	case $1 in
	gvisor) echo "gVisor-shaped" ;;
	*) echo "${1/_/ }" ;;
	esac
}

# The pid of xsk_hold's socket holder itself (the ready file's pid=).
xsk_holder_pid() {
	sed -n 's/^pid=\([0-9]*\).*/\1/p' "$XSK_READY"
}

# A frame on which the baseline does less than redirect says so, and its
# row carries no goal: the baseline sends IPv6 to the socket unparsed.
gvisor_note() {
	[[ $1 == tcp6-443 ]] &&
		echo "the baseline sends IPv6 to the socket unparsed; redirect parses it for pass ports"
	return 0
}

# sandbox_line I: sandbox I's host-side veth and its addresses, for
# xw-owners_fill; sandbox 0 owns the frames' destination.
sandbox_line() {
	local i=$1
	if ((i == 0)); then
		echo "sb0 10.80.0.1 fd00::1"
	else
		echo "sb$i 10.81.$((i >> 8)).$((i & 255)) fd81::$(printf %x "$i")"
	fi
}

# sandboxes_add FROM TO: veth pairs sbI/spI for I in [FROM, TO), one
# ip -batch, then their owner slots and commits.
sandboxes_add() {
	local i batch=$BED_DIR/sandboxes.ip lines=$BED_DIR/sandboxes.txt
	: >"$batch"
	: >"$lines"
	for ((i = $1; i < $2; i++)); do
		echo "link add sb$i type veth peer name sp$i" >>"$batch"
		sandbox_line "$i" >>"$lines"
	done
	ipn node -batch "$batch" &&
		in_ns node "$XW_BENCH/xw-owners_fill" "$BPFFS/n0" <"$lines" >&2
}

# many_prog_run WHERE [--dst4 A --dst6 B]: slot0 against the tunnel host
# with the sandboxes registered so far.  To a sandbox, every port is the
# sandbox's (tcp4-22 too); to nobody, the old rule: slot 0, port 22 kept.
many_prog_run() {
	local host=redirect,redirect,redirect,pass
	[[ $1 == unknown ]] && host=redirect,pass,redirect,pass
	shift
	in_ns node "$XW_BENCH/xw-prog_run" --repeat "$REPEAT" \
		--rounds "$ROUNDS" --cpu 0 --kernel-time "$@" \
		--slot0 "$XW_HELPERS/tunnel_host_v1.bpf.o" h0:redirect,pass,redirect,pass \
		"host=$BPFFS/n0/tunnel_host_program:$host"
}

many_sandboxes() {
	local n have=0 where out label frame samples goal
	local -A by
	[[ -e $BPFFS/n0/tunnel_host_sandbox_map ]] ||
		bed_fail "no tunnel_host_sandbox_map: not the issue 15 program" ||
		return
	for n in $SANDBOX_COUNTS; do
		sandboxes_add "$have" "$n" || return
		have=$n
		[[ $(bpftool -j map dump pinned "$BPFFS/n0/tunnel_host_sandbox_map" |
			jq length) == "$n" ]] ||
			bed_fail "sandbox map does not hold $n" || return
		for where in sandbox unknown; do
			bench_log "$n sandboxes, to $where address: slot0 vs tunnel host"
			if [[ $where == sandbox ]]; then
				out=$(many_prog_run sandbox) || return
			else
				out=$(many_prog_run unknown --dst4 10.99.0.1 \
					--dst6 fd99::1) || return
			fi
			by=()
			while read -r label frame samples; do
				by[$label/$frame]=$samples
			done <<<"$out"
			for frame in udp4 tcp4-22 tcp6-443; do
				goal=
				[[ $n == 1000 && $where == sandbox &&
					$frame != tcp4-22 ]] && goal="ratio<=1.15"
				bench_row per-packet \
					"tunnel host, $n sandboxes: ${FRAME_NAMES[$frame]} to $(
						[[ $where == sandbox ]] && echo "a sandbox" ||
							echo "an unknown address")" \
					ns/packet "single-sandbox program" "$goal" \
					"${by[host/$frame]}" "${by[slot0/$frame]}" \
					"$(many_note "$where" "$frame")"
				[[ -n $goal ]] || continue
				# The kernel's own duration of a run, beside the
				# thread's CPU time: the same calls, no goal.
				bench_row per-packet \
					"tunnel host, $n sandboxes: ${FRAME_NAMES[$frame]} to a sandbox, kernel's run duration" \
					ns/packet "single-sandbox program" "" \
					"${by[host.kernel/$frame]}" \
					"${by[slot0.kernel/$frame]}"
			done
		done
	done
}

# The row whose paths differ says so.
many_note() {
	[[ $1 == sandbox && $2 == tcp4-22 ]] &&
		echo "sandbox's port 22 is the sandbox's; the old program keeps it for the host"
	return 0
}
