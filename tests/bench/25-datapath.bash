# The main job's data path (issue 17): frames per second from a peer into
# a runtime's AF_XDP socket, and what the same frames cost a kernel UDP
# socket, with one CPU and with two.
#
# redirect: peer p0 -> node v0, redirect-install's program on v0, an
#   AF_XDP socket on v0's queue 0 in copy mode, put in the program's map
#   by `xdpwire sockmap-insert --fd` as a runtime does.  Its anchor: the
#   same namespaces, a second pair kp0 -> k0 without any program (GRO on,
#   so the veth takes the generator's frames in NAPI as it does with a
#   program), a kernel UDP socket bound to k0's address in node.
# tunnel: outside on0 -> host hn0 (tunnel-install's host program,
#   DEVMAP) -> hv0 -> sandbox sv0 (redirect-install's program, from host
#   with --netns) -> the sandbox's AF_XDP socket: the gVisor model, as in
#   tests/41-tunnel-traffic.bats.  Its anchor: what a runtime without XDP
#   does with the same frames, kernel IP forwarding through the host
#   namespace and a veth into a kernel UDP socket in the sandbox
#   namespace (20-fast-path's kernel-forwarding bed).  That is the
#   comparison a runtime engineer makes: the sandbox's frames by XDP into
#   its socket, or by the host's stack into a netns socket.
#
# One generator for all, tests/bench/livegen.c (BPF_PROG_RUN live frames,
# 64-byte UDP/IPv4), pinned to CPU 0.  A veth has no IRQ: the receiving
# veth's NAPI (and the forwarding's backlog) runs in softirq on the CPU
# that transmitted, the generator's; RPS is off on every device (checked
# below).  "1 CPU": the receiver (tests/bench/sockrecv.c) is pinned to
# CPU 0 too, so generator, softirq and receiver share it.  "2 CPUs": the
# receiver is on CPU 1.  The receiver runs SCHED_FIFO (chrt -f 1): it
# sleeps in poll()/recvmmsg while its socket is empty and, once woken,
# runs before the generator and before whatever else this shared machine
# runs, so a full ring or buffer is not the scheduler's doing and the rate
# is the path's.  Both sockets queue about 2048 frames (RX ring 2048;
# --rcvbuf 4 MiB held 1,978 datagrams of 64 bytes here).
#
# packets/s is frames the receiver took off its socket (RX ring entries,
# recvmmsg datagrams) over the generator's run; what the kernel dropped
# for the socket (XDP_STATISTICS, SO_MEMINFO) is summed over the rounds
# into the row's note.  Busy CPU per packet is the CPU time of the run's
# own tasks, divided by the frames received: the generator's (with tick
# accounting and no IRQ time accounting, as here, the softirq it runs on
# its way out of the kernel is charged to it: the whole path up to the
# socket), the receiver's, and ksoftirqd/0 and /1's (softirq the kernel
# deferred).  /proc/stat's busy time would add what the others on this
# machine run on the same CPUs.

# shellcheck source=tests/lib/tunnel_bed.bash
source "$XW_ROOT/tests/lib/tunnel_bed.bash"

DP_ROUNDS=${XW_BENCH_DP_ROUNDS:-5}
DP_MS=${XW_BENCH_DP_MS:-1000}

# The redirect's pair and its kernel twin, both in dpeer -> dnode.
dp_redirect_bed() {
	bed_ns dpeer dnode || return
	bed_veth dpeer p0 dnode v0 && bed_veth dpeer kp0 dnode k0 || return
	local dev
	for dev in dpeer:p0 dnode:v0 dpeer:kp0 dnode:k0; do
		in_ns "${dev%:*}" sysctl -qw "net.ipv6.conf.${dev#*:}.disable_ipv6=1" ||
			return
	done
	ipn dnode addr add 10.84.0.1/24 dev v0 &&
		ipn dnode addr add 10.85.0.1/24 dev k0 &&
		in_ns dnode ethtool -K k0 gro on >/dev/null &&
		in_ns dnode "$XW" redirect-install --device v0 -q
}

# dp_rps_off NS DEV...: RPS would move the receive work to other CPUs.
# Read through ip netns exec: only its own sysfs mount shows NS's devices
# (nothing is pinned there, so the bpffs it hides does not matter).
dp_rps_off() {
	local ns=$1 dev mask
	shift
	for dev; do
		mask=$(ip netns exec "$BED_ID-$ns" \
			cat "/sys/class/net/$dev/queues/rx-0/rps_cpus") || return
		[[ $mask =~ ^[0,]+$ ]] ||
			bed_fail "$dev: RPS is on ($mask): the CPU rows would lie" || return
	done
}

# dp_softirqd_ticks: USER_HZ ticks ksoftirqd/0 and /1 have used so far:
# softirq work the kernel deferred from the generator's context.
dp_softirqd_ticks() {
	local pid n=0 f
	for pid in $DP_SOFTIRQD; do
		read -r -a f <"/proc/$pid/stat" || return
		# utime and stime, fields 14 and 15 (the name has no blank).
		n=$((n + f[13] + f[14]))
	done
	echo "$n"
}

# dp_gen NS ARGS...: the generator's line, then its CPU time in ns (user
# and system, as the kernel charges it: with tick accounting, the softirq
# it runs on the way out of its system calls too).
dp_gen() {
	local out u s
	out=$(in_ns "$@") || return
	# Not in a pipe or $(): a forked shell starts with no children's time.
	times >"$BED_DIR/dp-times" || return
	read -r u s < <(tail -n 1 "$BED_DIR/dp-times")
	echo "$out"
	awk -v u="$u" -v s="$s" 'function ns(t, m) {
		split(t, m, /[ms]/); return (m[1] * 60 + m[2]) * 1e9 }
		BEGIN { printf "%.0f\n", ns(u) + ns(s) }'
}

# dp_run KEY RCPU RNS GEN-NS RECEIVER-ARGS... --- GEN-ARGS...: one run,
# the receiver on CPU RCPU in namespace RNS, the generator in GEN-NS.
dp_run() {
	local key=$1 rcpu=$2 rns=$3 gns=$4 ready out t0 t1 sent ns_el got drop
	local gen_cpu recv_cpu
	local -a rargs=()
	shift 4
	while [[ $1 != --- ]]; do
		rargs+=("$1")
		shift
	done
	shift
	ready=$BED_DIR/dp-ready-$key
	rm -f "$ready"
	bed_bg in_ns "$rns" chrt -f 1 "$XW_BENCH/xw-sockrecv" --cpu "$rcpu" \
		--ready-file "$ready" "${rargs[@]}" >"$ready.out"
	local pid=$BED_PID
	poll_until 5000 dp_ready_or_dead "$ready" "$pid" && [[ -f $ready ]] ||
		bed_fail "$key: the receiver did not get ready" || return
	t0=$(dp_softirqd_ticks)
	out=$(dp_gen "$gns" "$XW_BENCH/xw-livegen" --cpu 0 \
		--obj "$XW_BENCH/livegen.bpf.o" --duration-ms "$DP_MS" "$@") ||
		return
	t1=$(dp_softirqd_ticks)
	kill -USR1 "$pid"
	wait "$pid" || bed_fail "$key: the receiver failed" || return
	{
		read -r _ sent _ ns_el
		read -r gen_cpu
	} <<<"$out"
	read -r _ got _ drop _ recv_cpu <"$ready.out"
	# A path that delivers almost nothing measures a broken bed.
	((got * 10 >= sent)) ||
		bed_fail "$key: $got of $sent frames received" || return
	DP_PPS[$key]+=" $((got * 1000000000 / ns_el))"
	DP_CPU[$key]+=" $(awk -v t=$((t1 - t0)) -v g="$gen_cpu" -v r="$recv_cpu" \
		-v n="$got" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f", (t * 1e9 / hz + g + r) / n }')"
	DP_GOT[$key]=$((${DP_GOT[$key]:-0} + got))
	DP_DROP[$key]=$((${DP_DROP[$key]:-0} + drop))
	bench_log "$key: $got of $sent frames in $((ns_el / 1000000)) ms, $drop dropped"
}

dp_ready_or_dead() {
	[[ -f $1 ]] || bed_gone "$2"
}

# dp_drops KEY: "D dropped per 1,000 received", over every round.
dp_drops() {
	awk -v d="${DP_DROP[$1]}" -v g="${DP_GOT[$1]}" \
		'BEGIN { printf "%.1f", g ? d * 1000 / g : 0 }'
}

# dp_rows NAME OURS ANCHOR ANCHOR-TEXT CPUS-TEXT: packets/s and CPU per
# packet.  The goals are what a runtime takes AF_XDP for: frames that skip
# the host's stack must arrive at least as fast, and cost no more CPU,
# as through a kernel socket.
dp_rows() {
	local name=$1 ours=$2 theirs=$3 anchor=$4 cpus=$5
	bench_row datapath "$name: UDP/IPv4 64 B, $cpus" packets/s "$anchor" \
		"ratio>=1" "${DP_PPS[$ours]}" "${DP_PPS[$theirs]}" \
		"dropped per 1,000 received: $(dp_drops "$ours") vs $(dp_drops "$theirs")"
	bench_row datapath "$name: busy CPU per packet, $cpus" "CPU ns/packet" \
		"$anchor" "ratio<=1" "${DP_CPU[$ours]}" "${DP_CPU[$theirs]}"
}

bench_main() {
	local i c
	local -a sbx_insert
	declare -gA DP_PPS DP_CPU DP_GOT DP_DROP
	dp_redirect_bed || return
	tunnel_bed_build || return
	in_ns host "$XW" tunnel-install --device hn0 -q &&
		in_ns host "$XW" redirect-install --netns "$(ns_path sandbox)" \
			--device sv0 -q &&
		in_ns host "$XW" tunnel-install --device hn0 --peer sv0 \
			--netns "$(ns_path sandbox)" -q || return
	bench_forward_bed f 10.86.0 10.87.0 || return
	dp_rps_off dnode v0 k0 && dp_rps_off sandbox sv0 && dp_rps_off host hn0 hv0 &&
		dp_rps_off fh fh0 fv0 && dp_rps_off fsbx fs0 || return
	((DP_ROUNDS > 0 && DP_MS > 0)) || bed_fail "rounds and ms must be > 0" ||
		return
	(($(nproc) >= 2)) || bed_fail "the 2-CPU rows need 2 CPUs" || return
	DP_SOFTIRQD="$(pgrep -x ksoftirqd/0) $(pgrep -x ksoftirqd/1)"
	[[ $DP_SOFTIRQD =~ ^[0-9]+\ [0-9]+$ ]] ||
		bed_fail "no ksoftirqd/0 and /1: '$DP_SOFTIRQD'" || return

	local redirect=(--dev p0 --src-mac "$(bench_mac dpeer p0)"
		--dst-mac "$(bench_mac dnode v0)" --src-ip 10.84.0.2
		--dst-ip 10.84.0.1 --dport 5000)
	local kernel=(--dev kp0 --src-mac "$(bench_mac dpeer kp0)"
		--dst-mac "$(bench_mac dnode k0)" --src-ip 10.85.0.2
		--dst-ip 10.85.0.1 --dport 5000)
	local tunnel=(--dev on0 --src-mac "$(bench_mac outside on0)"
		--dst-mac "$(bench_mac host hn0)" --src-ip 10.80.0.2
		--dst-ip 10.80.0.1 --dport 5000)
	local forward=(--dev fo0 --src-mac "$(bench_mac fout fo0)"
		--dst-mac "$(bench_mac fh fh0)" --src-ip 10.86.0.2
		--dst-ip 10.87.0.2 --dport 5000)
	sbx_insert=(nsenter --net="$(ns_path host)" "$XW" sockmap-insert
		--netns "$(ns_path sandbox)" --device sv0 --fd '{fd}' -q)
	bench_log "$DP_ROUNDS rounds of $DP_MS ms each, generator on CPU 0"
	for ((i = 0; i < DP_ROUNDS; i++)); do
		for c in 0 1; do
			dp_run "redirect$c" "$c" dnode dpeer --xsk v0 -- \
				"$XW" sockmap-insert --device v0 --fd '{fd}' -q \
				--- "${redirect[@]}" &&
				dp_run "kernel$c" "$c" dnode dpeer --udp 10.85.0.1 \
					--port 5000 --- "${kernel[@]}" &&
				dp_run "tunnel$c" "$c" sandbox outside --xsk sv0 -- \
					"${sbx_insert[@]}" --- "${tunnel[@]}" &&
				dp_run "forward$c" "$c" fsbx fout --udp 10.87.0.2 \
					--port 5000 --- "${forward[@]}" || return
		done
	done
	dp_rows "redirect into AF_XDP socket" redirect0 kernel0 \
		"kernel UDP socket" "1 CPU"
	dp_rows "redirect into AF_XDP socket" redirect1 kernel1 \
		"kernel UDP socket" "2 CPUs"
	dp_rows "tunnel into sandbox's AF_XDP socket" tunnel0 forward0 \
		"kernel forwarding into sandbox's UDP socket" "1 CPU"
	dp_rows "tunnel into sandbox's AF_XDP socket" tunnel1 forward1 \
		"kernel forwarding into sandbox's UDP socket" "2 CPUs"
}
