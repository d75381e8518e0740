# The cost to the host's own traffic (issue 17): XDP on a veth changes how
# the kernel handles every frame it passes to the stack, so the host's TCP
# through a device that carries one of our programs is measured against
# the same device without one, in alternating rounds: throughput (iperf3
# -J, Debian's) and request/response latency (xw-tcprr, 1-byte
# transactions over one connection).
#
#   peer                         node (the host's stack: iperf3 -s, xw-tcprr)
#   pn0 10.85.0.2  <->  nn0 10.85.0.1   no program
#   pn1 10.85.1.2  <->  nn1 10.85.1.1   bare XDP_PASS (tests/helpers/pass.bpf.c)
#   pn2 10.85.2.2  <->  nn2 10.85.2.1   redirect-install --pass-port 22,5201,5202
#   pn3 10.85.3.2  <->  nn3 10.85.3.1   tunnel-install (node) --pass-port 22,5201,5202
#   pn4 10.85.4.2  <->  nn4 10.85.4.1   no program, pn4's TSO off (see below)
#   pn5 10.85.5.2  <->  nn5 10.85.5.1   bare XDP_PASS, nn5's GRO on (see below)
#   pn6 10.85.6.2  <->  nn6 10.85.6.1   bare XDP_PASS declared xdp.frags
#
#   sbx (a sandbox's own traffic to the host's stack, over its veth)
#   sv0 10.86.0.2  <->  hv0 10.86.0.1   no program
#   sv1 10.86.1.2  <->  hv1 10.86.1.1   bare XDP_PASS
#
#   peer -> a sandbox's stack through the tunnel, and through the kernel
#   tn0 10.87.0.2  <->  th0 10.87.0.1 (tunnel host) ; tv0 (tunnel veth) <-> tsbx ts0 10.87.0.1
#   kn0 10.88.0.2  <->  kh0 10.88.0.1 (forwarding) ; kv0 10.89.0.1 <-> ksbx ks0 10.89.0.2
#
# The NIC rows (nn*) are the host's own traffic, TCP to a pass port: what
# our programs hand to the stack.  The bare XDP_PASS device is the
# kernel's own cost of having any XDP program on a veth; ours against it
# is our programs' share.  Most of the kernel's cost is not per frame
# but in the frames' number: a veth whose peer carries XDP loses TSO
# (drivers/net/veth.c, veth_xdp_set and veth_fix_features clear
# NETIF_F_GSO_SOFTWARE on the peer), so the sender segments to its MTU
# instead of handing 64 KiB to the receiver in one skb, as a veth without
# XDP does.  pn4 turns TSO off by hand without any program: the kernel's
# per-frame cost at wire-sized frames, which a real NIC has anyway.  And
# a veth no longer turns GRO on for an XDP program (Linux 2024, "net:
# veth: do not manipulate GRO when using XDP"; nn1 shows GRO off here):
# the frames reach the stack one by one.  nn5 has it turned on by hand,
# as most real NICs' drivers have it, to show what it gives back.  nn6's
# program (tests/bench/pass_frags.bpf.c) takes multi-buffer frames: veth
# then allows the peer a larger MTU but still takes its TSO away.
#
# The tunnel's veth program sends everything a sandbox transmits to the
# NIC, so a sandbox's traffic to the host's stack cannot cross a wired
# veth at all: the sandbox-veth rows measure what a program on that veth
# costs such traffic (the bare XDP_PASS, the least any program costs),
# and the tunnel rows the sandbox's own TCP through the tunnel against
# the kernel forwarding the same traffic.  There the outside and sandbox
# ends carry XDP_PASS in both (a veth takes redirected frames only when
# its peer runs XDP), so only the node's devices differ.
#
# CPUs: every client (iperf3 -c, xw-tcprr --connect) is pinned to CPU 0
# and every server to CPU 1 (iperf3 -A, xw-tcprr --cpu), so every round
# crosses the same two CPUs the same way; a veth delivers in the sender's
# softirq, so the sender's CPU carries the device's work.

HOST_ROUNDS=${XW_BENCH_HOST_ROUNDS:-5}
HOST_SECONDS=${XW_BENCH_HOST_SECONDS:-2}
HOST_RR=${XW_BENCH_HOST_RR:-2000}
HOST_CLIENT_CPU=${XW_BENCH_HOST_CLIENT_CPU:-0}
HOST_SERVER_CPU=${XW_BENCH_HOST_SERVER_CPU:-1}
HOST_PASS_PORTS=(--pass-port 22 --pass-port 5201 --pass-port 5202)

# Each path measured: KEY -> "CLIENT-NS SERVER-ADDRESS SERVER-PORT-BASE".
# Port base B: iperf3 on B, xw-tcprr on B+1.
declare -gA HOST_PATH=(
	[nic_none]="peer 10.85.0.1 5201"
	[nic_pass]="peer 10.85.1.1 5201"
	[nic_redirect]="peer 10.85.2.1 5201"
	[nic_tunnel]="peer 10.85.3.1 5201"
	[nic_mtu]="peer 10.85.4.1 5201"
	[nic_gro]="peer 10.85.5.1 5201"
	[nic_frags]="peer 10.85.6.1 5201"
	[veth_none]="sbx 10.86.0.1 5201"
	[veth_pass]="sbx 10.86.1.1 5201"
	[tunnel]="peer 10.87.0.1 5301"
	[forward]="peer 10.89.0.2 5301"
)
HOST_KEYS=(nic_none nic_pass nic_redirect nic_tunnel nic_mtu nic_gro
	nic_frags veth_none veth_pass tunnel forward)

# host_mac_of ADDR: the MAC a device with IPv4 ADDR gets, 02:00 and the
# address: known without asking ip, and one the bed's neighbours can name.
host_mac_of() {
	local IFS=.
	# shellcheck disable=SC2086
	printf '02:00:%02x:%02x:%02x:%02x' $1
}

# host_pair NS1 DEV1 ADDR1 NS2 DEV2 ADDR2 [MAC2]: a veth pair on a /24,
# permanent neighbours, so no frame crosses that nobody sent (IPv6 is off
# in the bed's namespaces).  As few processes as it can: the bed has
# twelve pairs and make check builds it too.
host_pair() {
	local ns1=$1 d1=$2 a1=$3 ns2=$4 d2=$5 a2=$6 m1 m2
	m1=$(host_mac_of "$a1")
	m2=${7:-$(host_mac_of "$a2")}
	ipn "$ns1" link add "$d1" address "$m1" type veth peer name "$d2" \
		address "$m2" netns "$BED_ID-$ns2" &&
		ipn "$ns1" link set "$d1" up && ipn "$ns2" link set "$d2" up &&
		ipn "$ns1" addr add "$a1/24" dev "$d1" &&
		ipn "$ns2" addr add "$a2/24" dev "$d2" &&
		ipn "$ns1" neigh replace "$a2" lladdr "$m2" nud permanent dev "$d1" &&
		ipn "$ns2" neigh replace "$a1" lladdr "$m1" nud permanent dev "$d2"
}

host_xdp_pass() {
	ipn "$1" link set dev "$2" xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp
}

# host_csum_off NS DEV: DEV sends whole checksums.  A frame XDP redirects
# loses the skb's "checksum left to the device", so the tunnel's ends must
# finish theirs, as a real NIC's frames are finished on the wire; the
# kernel-forwarding ends do the same, so that both send alike (without
# checksum offload a veth does not offer TSO either: MTU-sized frames).
host_csum_off() {
	in_ns "$1" ethtool -K "$2" tx off >/dev/null
}

# host_bed_build: every device above, with what it carries.
host_bed_build() {
	local i ns
	bed_ns peer node sbx tsbx ksbx || return
	for ns in peer node sbx tsbx ksbx; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
			return
	done
	for i in 0 1 2 3 4 5 6; do
		host_pair peer "pn$i" "10.85.$i.2" node "nn$i" "10.85.$i.1" ||
			return
	done
	host_xdp_pass node nn1 &&
		in_ns node "$XW" redirect-install --device nn2 \
			"${HOST_PASS_PORTS[@]}" -q &&
		in_ns node "$XW" tunnel-install --device nn3 \
			"${HOST_PASS_PORTS[@]}" -q &&
		in_ns peer ethtool -K pn4 tso off &&
		host_xdp_pass node nn5 && in_ns node ethtool -K nn5 gro on &&
		ipn node link set dev nn6 xdpdrv obj "$XW_BENCH/pass_frags.bpf.o" \
			sec xdp.frags || return

	host_pair sbx sv0 10.86.0.2 node hv0 10.86.0.1 &&
		host_pair sbx sv1 10.86.1.2 node hv1 10.86.1.1 &&
		host_xdp_pass node hv1 || return

	# The tunnel, as tests/lib/tunnel_bed.bash: the sandbox takes the
	# host's address and MAC, finishes its own checksums, and both ends
	# run XDP so that the redirected frames are taken.
	host_pair peer tn0 10.87.0.2 node th0 10.87.0.1 &&
		bed_veth node tv0 tsbx ts0 &&
		ipn tsbx link set ts0 address "$(host_mac_of 10.87.0.1)" &&
		ipn tsbx addr add 10.87.0.1/24 dev ts0 &&
		ipn tsbx neigh replace 10.87.0.2 lladdr "$(host_mac_of 10.87.0.2)" \
			nud permanent dev ts0 &&
		host_csum_off tsbx ts0 && host_csum_off peer tn0 &&
		host_xdp_pass peer tn0 && host_xdp_pass tsbx ts0 &&
		in_ns node "$XW" tunnel-install --device th0 -q &&
		in_ns node "$XW" tunnel-install --device th0 --veth tv0 -q || return

	# The same two hops through the node's IP stack.
	host_pair peer kn0 10.88.0.2 node kh0 10.88.0.1 &&
		host_pair node kv0 10.89.0.1 ksbx ks0 10.89.0.2 &&
		in_ns node sysctl -qw net.ipv4.ip_forward=1 &&
		ipn peer route add 10.89.0.0/24 via 10.88.0.1 dev kn0 &&
		ipn ksbx route add default via 10.89.0.1 dev ks0 &&
		host_csum_off peer kn0 && host_csum_off ksbx ks0 &&
		host_xdp_pass peer kn0 && host_xdp_pass ksbx ks0
}

# host_listening NS PORT: a TCP socket listens on PORT in NS.
host_listening() {
	[[ -n $(in_ns "$1" ss -Hltn "sport = :$2") ]]
}

# host_servers_start: iperf3 and xw-tcprr servers where each path ends.
host_servers_start() {
	local ns base
	for ns in node:5201 tsbx:5301 ksbx:5301; do
		base=${ns#*:}
		ns=${ns%:*}
		# iperf3 -s says "interrupt" when teardown stops it: its log.
		bed_bg in_ns "$ns" iperf3 -s -p "$base" -A "$HOST_SERVER_CPU" \
			>>"$BED_DIR/servers.log" 2>&1 &&
			bed_bg in_ns "$ns" "$XW_BENCH/xw-tcprr" --listen \
				$((base + 1)) --cpu "$HOST_SERVER_CPU" || return
		poll_until 5000 host_listening "$ns" "$base" &&
			poll_until 5000 host_listening "$ns" $((base + 1)) || return
	done
}

# host_iperf3_bps FILE: the receiver's bits/s from an iperf3 -J client's
# report; fails on a report without it (an error, a cut run).
host_iperf3_bps() {
	jq -e 'if .error then error(.error) else
		.end.sum_received.bits_per_second end
		| select(type == "number" and . > 0)' "$1"
}

# host_iperf3 KEY: one throughput run of KEY's path; records Gbit/s.
host_iperf3() {
	local key=$1 ns addr base out bps
	read -r ns addr base <<<"${HOST_PATH[$key]}"
	out=$BED_DIR/iperf3-$key.json
	in_ns "$ns" iperf3 -c "$addr" -p "$base" -t "$HOST_SECONDS" \
		-A "$HOST_CLIENT_CPU" --connect-timeout 3000 -J >"$out" || {
		bed_fail "$key: iperf3 failed: $(jq -r '.error // empty' "$out")"
		return 1
	}
	bps=$(host_iperf3_bps "$out") ||
		bed_fail "$key: no throughput in iperf3's report" || return
	GBPS[$key]+=" $(awk -v b="$bps" 'BEGIN { printf "%.3f", b / 1e9 }')"
}

# host_rr KEY: one request/response run of KEY's path; records mean and
# p99 latency in us, and transactions/s.
host_rr() {
	local key=$1 ns addr base out n mean p99 tps
	read -r ns addr base <<<"${HOST_PATH[$key]}"
	out=$(in_ns "$ns" "$XW_BENCH/xw-tcprr" --connect "$addr" \
		--port $((base + 1)) --count "$HOST_RR" \
		--cpu "$HOST_CLIENT_CPU") || return
	read -r n mean _ p99 tps <<<"$out"
	((n == HOST_RR)) || bed_fail "$key: $n of $HOST_RR transactions" ||
		return
	MEAN[$key]+=" $(awk -v v="$mean" 'BEGIN { printf "%.2f", v / 1000 }')"
	P99[$key]+=" $(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }')"
	TPS[$key]+=" $tps"
}

# host_rows CASE KEY ANCHOR-NAME ANCHOR-KEY TPUT-GOAL LAT-GOAL [NOTE]: the
# throughput, latency and rate rows of one comparison.
host_rows() {
	local case=$1 key=$2 anchor=$3 akey=$4 tgoal=$5 lgoal=$6 note=${7:-}
	bench_row host-traffic "$case: TCP throughput" Gbit/s "$anchor" \
		"$tgoal" "${GBPS[$key]}" "${GBPS[$akey]}" "$note"
	bench_row host-traffic "$case: TCP 1-byte request/response, mean" us \
		"$anchor" "$lgoal" "${MEAN[$key]}" "${MEAN[$akey]}" "$note"
	bench_row host-traffic "$case: TCP 1-byte request/response, p99" us \
		"$anchor" "" "${P99[$key]}" "${P99[$akey]}" "$note"
	bench_row host-traffic "$case: TCP 1-byte transactions/s" \
		transactions/s "$anchor" "" "${TPS[$key]}" "${TPS[$akey]}" "$note"
}

bench_main() {
	local i key
	declare -gA GBPS MEAN P99 TPS
	host_bed_build && host_servers_start || return
	bench_log "$HOST_ROUNDS rounds: iperf3 ${HOST_SECONDS} s and $HOST_RR" \
		"transactions a path; clients on CPU $HOST_CLIENT_CPU," \
		"servers on CPU $HOST_SERVER_CPU"
	for ((i = 0; i < HOST_ROUNDS; i++)); do
		for key in "${HOST_KEYS[@]}"; do
			host_iperf3 "$key" && host_rr "$key" || return
		done
		bench_log "round $((i + 1)): $(for key in "${HOST_KEYS[@]}"; do
			printf '%s %s ' "$key" "${GBPS[$key]##* }"
		done)Gbit/s"
	done
	host_rows "NIC, redirect-install, pass port" nic_redirect "no program" \
		nic_none "ratio>=0.95" "ratio<=1.05"
	host_rows "NIC, tunnel host, pass port" nic_tunnel "no program" \
		nic_none "ratio>=0.95" "ratio<=1.05"
	host_rows "NIC, bare XDP_PASS" nic_pass "no program" nic_none "" "" \
		"the kernel's cost of any XDP program"
	host_rows "NIC, bare XDP_PASS" nic_pass "no program, sender's TSO off" \
		nic_mtu "" "" "the kernel's cost at wire-sized frames"
	host_rows "NIC, bare XDP_PASS, receiver's GRO on" nic_gro \
		"bare XDP_PASS" nic_pass "" "" "what GRO gives back"
	host_rows "NIC, bare XDP_PASS, xdp.frags" nic_frags "bare XDP_PASS" \
		nic_pass "" "" "what multi-buffer support gives back"
	host_rows "NIC, redirect-install, pass port" nic_redirect \
		"bare XDP_PASS" nic_pass "" "" "our program's own share"
	host_rows "NIC, tunnel host, pass port" nic_tunnel "bare XDP_PASS" \
		nic_pass "" "" "our program's own share"
	host_rows "sandbox veth to the host, bare XDP_PASS" veth_pass \
		"no program" veth_none "" "" \
		"the least any program on the veth costs"
	host_rows "peer to a sandbox's stack, tunnel" tunnel \
		"kernel IP forwarding" forward "" ""
}
