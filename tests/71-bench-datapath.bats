#!/usr/bin/env bats
# make bench's data-path receiver (tests/bench/sockrecv.c, the rows of
# tests/bench/25-datapath.bash): it must count exactly the frames a
# generator sent through the real redirect and tunnel programs into the
# real AF_XDP socket, or to a kernel UDP socket, report what the kernel
# dropped for the socket, and refuse bad arguments.  No timing is
# asserted.

load lib/test
load lib/tunnel_bed

setup_file() {
	bed_setup
	bed_ns dpeer dnode
	bed_veth dpeer p0 dnode v0
	bed_veth dpeer kp0 dnode k0
	local dev
	for dev in dpeer:p0 dnode:v0 dpeer:kp0 dnode:k0; do
		in_ns "${dev%:*}" sysctl -qw "net.ipv6.conf.${dev#*:}.disable_ipv6=1"
	done
	ipn dnode addr add 10.84.0.1/24 dev v0
	ipn dnode addr add 10.85.0.1/24 dev k0
	in_ns dnode ethtool -K k0 gro on >/dev/null
	in_ns dnode "$XW" redirect-install --device v0 -q
	tunnel_bed_build
	in_ns host "$XW" tunnel-install --device hn0 -q
	in_ns host "$XW" redirect-install --netns "$(ns_path sandbox)" --device sv0 -q
	in_ns host "$XW" tunnel-install --device hn0 --peer sv0 \
		--netns "$(ns_path sandbox)" -q
}

setup() {
	BENCH=$XW_ROOT/${XW_BUILD:-build}/tests/bench
	RECV=$BENCH/xw-sockrecv
}

mac() {
	ipn "$1" -j link show dev "$2" | jq -r '.[0].address'
}

# gen NS DEV DSTNS DSTDEV DST-IP N: exactly N live frames, UDP to port 5000.
gen() {
	run -0 --separate-stderr in_ns "$1" "$BENCH/xw-livegen" \
		--obj "$BENCH/livegen.bpf.o" --dev "$2" --src-mac "$(mac "$1" "$2")" \
		--dst-mac "$(mac "$3" "$4")" --src-ip 10.99.0.2 --dst-ip "$5" \
		--dport 5000 --count "$6" --duration-ms 60000
	assert_eq "${output%% elapsed*}" "sent $6" "generator"
}

# recv_bg NS ARGS...: the receiver in the background, ready when it returns.
recv_bg() {
	local ns=$1
	shift
	READY=$BED_DIR/ready-$RANDOM
	bed_bg in_ns "$ns" "$RECV" --ready-file "$READY" "$@" >"$READY.out"
	RPID=$BED_PID
	poll_until 5000 xsk_ready_or_dead "$READY" "$RPID"
	[[ -f $READY ]]
}

# recv_stop: SIGUSR1, the receiver reads what is queued and prints.
recv_stop() {
	kill -USR1 "$RPID"
	wait "$RPID"
	cat "$READY.out"
}

# counted LINE FRAMES DROPPED: the receiver's line says exactly that (its
# CPU time is only checked to be a number).
counted() {
	[[ $1 =~ ^frames\ ([0-9]+)\ dropped\ ([0-9]+)\ cpu_ns\ [0-9]+$ ]] ||
		{ echo "bad line: '$1'" >&2; return 1; }
	assert_eq "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" "$2 $3" "frames dropped"
}

forwarded() {
	bed_counter "$BPFFS/$1" forwarded
}

# xdp_redirected NS DEV: frames DEV's XDP redirected, as the driver counts.
xdp_redirected() {
	in_ns "$1" ethtool -S "$2" |
		awk '/rx_queue_[0-9]+_xdp_redirect:/ { n += $2 } END { print n + 0 }'
}

# grown_by N BASE CMD...: CMD's number is BASE + N (poll_until's test).
grown_by() {
	local n=$1 base=$2
	shift 2
	(($("$@") - base == n))
}

@test "xw-sockrecv --xsk: every frame redirect-install's program sent, counted from the RX ring" {
	local fwd
	fwd=$(forwarded v0/redirect_counters)
	recv_bg dnode --xsk v0 -- "$XW" sockmap-insert --device v0 --fd '{fd}' -q
	gen dpeer p0 dnode v0 10.84.0.1 1000
	poll_until 5000 grown_by 1000 "$fwd" forwarded v0/redirect_counters
	run -0 recv_stop
	counted "$output" 1000 0
}

@test "xw-sockrecv --xsk: frames the full ring refused are reported as drops" {
	recv_bg dnode --xsk v0 -- "$XW" sockmap-insert --device v0 --fd '{fd}' -q
	kill -STOP "$RPID"
	# More than the RX ring (2048) and the UMEM (4096 frames) hold.
	gen dpeer p0 dnode v0 10.84.0.1 6000
	kill -CONT "$RPID"
	run -0 recv_stop
	local -a w
	read -r -a w <<<"$output"
	assert_eq "${w[0]} ${w[2]} ${w[4]}" "frames dropped cpu_ns" "format"
	assert_eq "$((w[1] + w[3]))" 6000 "received + dropped"
	((w[1] == 2048)) || { echo "received ${w[1]}, the ring holds 2048" >&2; false; }
}

@test "xw-sockrecv --count: stops at exactly N frames by itself" {
	recv_bg dnode --xsk v0 --count 700 -- \
		"$XW" sockmap-insert --device v0 --fd '{fd}' -q
	gen dpeer p0 dnode v0 10.84.0.1 1000
	poll_until 5000 bed_gone "$RPID"
	wait "$RPID"
	counted "$(cat "$READY.out")" 700 0
	recv_bg dnode --udp 10.85.0.1 --port 5000 --count 300
	gen dpeer kp0 dnode k0 10.85.0.1 400
	poll_until 5000 bed_gone "$RPID"
	wait "$RPID"
	counted "$(cat "$READY.out")" 300 0
}

@test "xw-sockrecv --udp: every datagram the kernel delivered, by recvmmsg" {
	local seen
	seen=$(bed_snmp dnode Udp InDatagrams)
	recv_bg dnode --udp 10.85.0.1 --port 5000
	gen dpeer kp0 dnode k0 10.85.0.1 1000
	poll_until 5000 grown_by 1000 "$seen" bed_snmp dnode Udp InDatagrams
	run -0 recv_stop
	counted "$output" 1000 0
}

@test "xw-sockrecv --udp: a full receive buffer's drops, as /proc/net/snmp counts them" {
	local errs
	errs=$(bed_snmp dnode Udp RcvbufErrors)
	recv_bg dnode --udp 10.85.0.1 --port 5000 --rcvbuf 65536
	kill -STOP "$RPID"
	gen dpeer kp0 dnode k0 10.85.0.1 3000
	kill -CONT "$RPID"
	run -0 recv_stop
	local -a w
	read -r -a w <<<"$output"
	assert_eq "$((w[1] + w[3]))" 3000 "received + dropped"
	((w[3] > 0)) || { echo "nothing dropped: $output" >&2; false; }
	assert_eq "$(($(bed_snmp dnode Udp RcvbufErrors) - errs))" "${w[3]}" "RcvbufErrors"
}

@test "xw-sockrecv --xsk: the tunnel's frames reach the sandbox's socket, inserted from host" {
	local fwd redir
	fwd=$(forwarded hn0/tunnel_host_counters)
	redir=$(xdp_redirected sandbox sv0)
	recv_bg sandbox --xsk sv0 -- nsenter --net="$(ns_path host)" \
		"$XW" sockmap-insert --netns "$(ns_path sandbox)" --device sv0 \
		--fd '{fd}' -q
	gen outside on0 host hn0 10.80.0.1 1000
	poll_until 5000 grown_by 1000 "$fwd" forwarded hn0/tunnel_host_counters
	poll_until 5000 grown_by 1000 "$redir" xdp_redirected sandbox sv0
	run -0 recv_stop
	counted "$output" 1000 0
}

@test "xw-sockrecv: bad arguments are refused (exit 2), a failed set-up or insert is not counted" {
	run -2 --separate-stderr "$RECV"
	[[ $stderr == *"one of --xsk and --udp is required"* ]]
	run -2 --separate-stderr "$RECV" --xsk v0 --udp 10.0.0.1 --port 1
	run -2 --separate-stderr "$RECV" --udp 10.0.0.1
	run -2 --separate-stderr "$RECV" --udp nope --port 1
	run -2 --separate-stderr "$RECV" --udp 10.0.0.1 --port 70000
	run -2 --separate-stderr "$RECV" --xsk v0 --count 0
	run -2 --separate-stderr "$RECV" --xsk v0 --count -1
	run -2 --separate-stderr "$RECV" --xsk v0 --queue x1
	run -2 --separate-stderr "$RECV" --xsk v0 --cpu 99999
	run -2 --separate-stderr "$RECV" --xsk v0 --port 1
	run -2 --separate-stderr "$RECV" --udp 10.0.0.1 --port 1 -- true
	run -2 --separate-stderr "$RECV" --xsk v0 stray
	run -1 --separate-stderr in_ns dnode "$RECV" --xsk nodev0 --timeout-ms 0
	assert_eq "$output" "" "no count"
	run -1 --separate-stderr in_ns dnode "$RECV" --udp 10.123.0.1 --port 5000 \
		--timeout-ms 0
	assert_eq "$output" "" "no count"
	run -3 --separate-stderr in_ns dnode "$RECV" --xsk v0 --timeout-ms 0 -- false
	assert_eq "$output" "" "no count"
	[[ $stderr == *"insert command failed with status 1"* ]]
}
