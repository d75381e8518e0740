# Fast-path throughput: frames from outside through the host to the
# sandbox, with xdpwire's tunnel installed (tunnel_bed: host NIC hn0 ->
# DEVMAP -> hv0 -> sandbox sv0) against the same three namespaces
# forwarding through the host's IP stack (kn0 -> routing -> kv0 -> ks0).
# One generator for both, tests/bench/livegen.c, pinned to CPU 0; rounds
# alternate the two.  The sandbox's device drops what arrives and counts
# it (veth's xdp_packets), the same program in both.
#
# A third run per round measures the generator's ceiling: the same
# generator into one veth hop whose peer drops at once.  The generator
# costs about as much per frame as the tunnel's whole path, so the ceiling
# bounds the packets/s ratio any fast path can show here; the "own time"
# row takes the generator's time per frame out of both paths.
#
# CPU per packet is the machine's busy time (all CPUs, /proc/stat) over
# the run, divided by the frames that reached the sandbox: the host's
# forwarding runs in softirq, mostly on the generator's CPU, and cannot be
# told apart from the generator's own work, which is the same per frame
# in both topologies.
#
# Many sandboxes (issue 15): eight more sandboxes on the tunnel's NIC
# (host hs1..hs8 -> many: ms1..ms8, each dropping in XDP and counting),
# registered by tunnel-install --veth hsK --address: sandbox K owns
# 10.90.0.K, and sandbox 1 also owns 10.91.0.1-8.  The generator spreads
# its frames over 8 destinations (xw-livegen --dst-count 8) in both runs
# of a round, to 10.90.0.1-8 (8 sandboxes) and to 10.91.0.1-8 (the same
# traffic, one sandbox), so the generator and the lookups cost the same
# and only the spreading over devices differs.

# shellcheck source=tests/lib/tunnel_bed.bash
source "$XW_ROOT/tests/lib/tunnel_bed.bash"

ROUNDS=${XW_BENCH_PPS_ROUNDS:-7}
RUN_MS=${XW_BENCH_PPS_MS:-1000}

# The kernel-forwarding twin of tunnel_bed (kout/ko0-kh0, kh/kv0-ks0),
# and the generator ceiling's hop beside it.
forward_bed_build() {
	bench_forward_bed k 10.81.0 10.82.0 || return
	# The ceiling's hop: kout's go0 to a device that drops everything.
	bed_veth kout go0 kh gd0 &&
		ipn kh link set dev gd0 xdpdrv obj "$XW_BENCH/drop.bpf.o" sec xdp
}

# own_ns KEY: per round, ns per frame of KEY's path minus the ceiling's.
own_ns() {
	local -a path ceil
	local k out=
	read -r -a path <<<"${PPS[$1]}"
	read -r -a ceil <<<"${PPS[ceiling]}"
	for k in "${!path[@]}"; do
		out+=" $(awk -v p="${path[k]}" -v c="${ceil[k]}" \
			'BEGIN { printf "%.1f", 1e9 / p - 1e9 / c }')"
	done
	echo "$out"
}

# received NS DEV[,DEV...]: frames the devices' XDP programs have seen,
# all queues.
received() {
	local dev n=0
	for dev in ${2//,/ }; do
		n=$((n + $(in_ns "$1" ethtool -S "$dev" |
			awk '/rx_queue_[0-9]+_xdp_packets:/ { n += $2 } END { print n + 0 }')))
	done
	echo "$n"
}

# busy_ticks: the machine's non-idle CPU time so far, in USER_HZ ticks.
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# run KEY NS DEV[,DEV...] GEN-ARGS...: one timed run; records packets/s
# reaching NS's devices and busy CPU ns per such packet.
run() {
	local key=$1 ns=$2 dev=$3 before after t0 t1 out sent ns_el got
	shift 3
	before=$(received "$ns" "$dev")
	t0=$(busy_ticks)
	out=$(in_ns "${GEN_NS[$key]}" "$XW_BENCH/xw-livegen" --cpu 0 \
		--obj "$XW_BENCH/livegen.bpf.o" \
		--duration-ms "$RUN_MS" "$@") || return
	t1=$(busy_ticks)
	after=$(received "$ns" "$dev")
	read -r _ sent _ ns_el <<<"$out"
	got=$((after - before))
	# Most frames must arrive, or the figure is of a broken path.
	((got * 10 >= sent * 9)) ||
		bed_fail "$key: $got of $sent frames reached $dev" || return
	PPS[$key]+=" $((got * 1000000000 / ns_el))"
	CPU[$key]+=" $(awk -v t=$((t1 - t0)) -v n="$got" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f", t * 1e9 / hz / n }')"
	bench_log "$key: $got frames in $((ns_el / 1000000)) ms"
}

bench_main() {
	local i
	declare -gA PPS CPU GEN_NS=([tunnel]=outside [forward]=kout [ceiling]=kout
		[many8]=outside [many1]=outside)
	tunnel_bed_build || return
	in_ns host "$XW" tunnel-install --device hn0 -q &&
		in_ns host "$XW" tunnel-install --device hn0 --veth hv0 -q || return
	forward_bed_build || return
	ipn sandbox link set dev sv0 xdpdrv obj "$XW_BENCH/drop.bpf.o" sec xdp &&
		ipn ksbx link set dev ks0 xdpdrv obj "$XW_BENCH/drop.bpf.o" sec xdp ||
		return
	many_bed_build || return

	local tunnel=(--dev on0 --src-mac "$(bench_mac outside on0)"
		--dst-mac "$(bench_mac host hn0)" --src-ip 10.80.0.2
		--dst-ip 10.80.0.1 --dport 5000)
	local forward=(--dev ko0 --src-mac "$(bench_mac kout ko0)"
		--dst-mac "$(bench_mac kh kh0)" --src-ip 10.81.0.2
		--dst-ip 10.82.0.2 --dport 5000)
	local ceiling=(--dev go0 --src-mac "$(bench_mac kout go0)"
		--dst-mac "$(bench_mac kh gd0)" --src-ip 10.83.0.2
		--dst-ip 10.83.0.1 --dport 5000)
	local many8=(--dev on0 --src-mac "$(bench_mac outside on0)"
		--dst-mac "$(bench_mac host hn0)" --src-ip 10.80.0.2
		--dst-ip 10.90.0.1 --dport 5000 --dst-count 8)
	local many1=("${many8[@]}")
	many1[9]=10.91.0.1
	bench_log "$ROUNDS rounds of $RUN_MS ms each, generator on CPU 0"
	for ((i = 0; i < ROUNDS; i++)); do
		run tunnel sandbox sv0 "${tunnel[@]}" &&
			run forward ksbx ks0 "${forward[@]}" &&
			run ceiling kh gd0 "${ceiling[@]}" &&
			run many8 many "$MANY_DEVS" "${many8[@]}" &&
			run many1 many ms1 "${many1[@]}" || return
	done
	bench_row throughput "tunnel: UDP/IPv4 64 B, 1 CPU" packets/s \
		"kernel IP forwarding" "ratio>=3" "${PPS[tunnel]}" "${PPS[forward]}"
	bench_row throughput "generator ceiling: one hop, dropped, 1 CPU" \
		packets/s "kernel IP forwarding" "" "${PPS[ceiling]}" \
		"${PPS[forward]}" "bounds the ratio above"
	bench_row throughput "tunnel: own time per packet, 1 CPU" ns/packet \
		"kernel IP forwarding" "" "$(own_ns tunnel)" "$(own_ns forward)" \
		"generator's time taken out"
	bench_row throughput "tunnel: busy CPU per packet, 1 CPU" "CPU ns/packet" \
		"kernel IP forwarding" "" "${CPU[tunnel]}" "${CPU[forward]}"
	bench_row throughput "tunnel: UDP/IPv4 64 B to 8 sandboxes, 1 CPU" \
		packets/s "same traffic to 1 sandbox" "ratio>=0.9" \
		"${PPS[many8]}" "${PPS[many1]}"
	bench_row throughput "tunnel: busy CPU per packet, 8 sandboxes, 1 CPU" \
		"CPU ns/packet" "same traffic to 1 sandbox" "" \
		"${CPU[many8]}" "${CPU[many1]}"
}

# The eight sandboxes of the many-sandbox rows, on the tunnel's NIC.
many_bed_build() {
	local k a addrs
	MANY_DEVS=
	bed_ns many || return
	for k in 1 2 3 4 5 6 7 8; do
		bed_veth host "hs$k" many "ms$k" &&
			in_ns many sysctl -qw "net.ipv6.conf.ms$k.disable_ipv6=1" &&
			in_ns host sysctl -qw "net.ipv6.conf.hs$k.disable_ipv6=1" &&
			ipn many link set dev "ms$k" xdpdrv obj "$XW_BENCH/drop.bpf.o" \
				sec xdp || return
		MANY_DEVS+=${MANY_DEVS:+,}ms$k
		addrs=(--address "10.90.0.$k")
		if ((k == 1)); then
			for a in 1 2 3 4 5 6 7 8; do
				addrs+=(--address "10.91.0.$a")
			done
		fi
		in_ns host "$XW" tunnel-install --device hn0 --veth "hs$k" \
			"${addrs[@]}" -q || return
	done
}
