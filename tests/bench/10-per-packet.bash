# Per-packet cost of each installed XDP program (the pinned program, as
# xdpwire installed it: pass port 22, counters, a real AF_XDP socket or
# device in its map slot, so forwarded frames take the redirect path),
# against a program that only returns XDP_PASS, by BPF_PROG_TEST_RUN in
# tests/bench/prog_run.c.  Every sample of a program is paired with the
# floor's on the same frame in the same round.

# shellcheck source=tests/lib/xsk.bash
source "$XW_ROOT/tests/lib/xsk.bash"

REPEAT=${XW_BENCH_REPEAT:-5000000}
ROUNDS=${XW_BENCH_PROG_ROUNDS:-9}

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
	# Actions per frame: udp4, tcp4-22, tcp6-443, short.
	out=$("$XW_BENCH/xw-prog_run" --repeat "$REPEAT" --rounds "$ROUNDS" \
		--cpu 0 \
		"redirect=$BPFFS/r0/redirect_program:redirect,pass,redirect,pass" \
		"tunnel_host=$BPFFS/n0/tunnel_host_program:redirect,pass,redirect,pass" \
		"tunnel_veth=$BPFFS/h0/tunnel_veth_program:redirect,redirect,redirect,redirect") ||
		return
	while read -r label frame samples; do
		by[$label/$frame]=$samples
	done <<<"$out"
	for label in redirect tunnel_host tunnel_veth; do
		goal=
		[[ $label == redirect ]] && goal="ratio<=1.5"
		for frame in udp4 tcp4-22 tcp6-443 short; do
			floor=${by[floor/$frame]}
			bench_row per-packet "${label/_/ }: ${FRAME_NAMES[$frame]}" \
				ns/packet "XDP_PASS floor" "$goal" \
				"${by[$label/$frame]}" "$floor"
		done
	done
	xsk_stop
}
