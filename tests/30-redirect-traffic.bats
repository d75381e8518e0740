#!/usr/bin/env bats
# End to end with real frames: with redirect-install on a veth, what the
# peer sends lands in an AF_XDP socket, except TCP to port 22 over IPv4 and
# IPv6, which the namespace's kernel answers; the counters agree with what
# was sent and with the kernel's own statistics.
#
# ARP and neighbour discovery are redirected too (as the runtime wants), so
# both sides get permanent neighbour entries.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	# Dual stack: the pass-port and kernel-stack tests.
	bed_veth node v0 peer p0
	address_pair v0 p0 10.77.0 fd77:
	# IPv4 only and static ARP: no frame crosses it that a test did not
	# send, so counters can be compared exactly.
	ipn node link add x0 type veth peer name px0 netns "$BED_ID-peer"
	ipn node link set x0 address 02:00:00:00:78:01
	ipn peer link set px0 address 02:00:00:00:78:02
	in_ns node sysctl -qw net.ipv6.conf.x0.disable_ipv6=1
	in_ns peer sysctl -qw net.ipv6.conf.px0.disable_ipv6=1
	ipn node link set x0 up
	ipn peer link set px0 up
	address_pair x0 px0 10.78.0 ""
	in_ns node "$XW" redirect-install --device v0 -q
	in_ns node "$XW" redirect-install --device x0 -q
}

# address_pair NODEDEV PEERDEV V4PREFIX V6PREFIX: .1/::1 on the node side,
# .2/::2 on the peer side, and permanent neighbours both ways.
address_pair() {
	local n=$1 p=$2 v4=$3 v6=$4 nmac pmac
	nmac=$(ipn node -j link show dev "$n" | jq -r '.[0].address')
	pmac=$(ipn peer -j link show dev "$p" | jq -r '.[0].address')
	ipn node addr add "$v4.1/24" dev "$n"
	ipn peer addr add "$v4.2/24" dev "$p"
	ipn node neigh replace "$v4.2" lladdr "$pmac" nud permanent dev "$n"
	ipn peer neigh replace "$v4.1" lladdr "$nmac" nud permanent dev "$p"
	[[ -n $v6 ]] || return 0
	ipn node addr add "$v6:1/64" dev "$n" nodad
	ipn peer addr add "$v6:2/64" dev "$p" nodad
	ipn node neigh replace "$v6:2" lladdr "$pmac" nud permanent dev "$n"
	ipn peer neigh replace "$v6:1" lladdr "$nmac" nud permanent dev "$p"
}



probe() {
	in_ns peer "$XW_HELPERS/xw-netprobe" "$@"
}

snmp6() {
	in_ns "$1" awk -v f="$2" '$1 == f { print $2 }' /proc/net/snmp6
}

# UDP datagrams the node's kernel saw at all, delivered or not.
udp_seen() {
	echo $(($(bed_snmp node Udp InDatagrams) + $(bed_snmp node Udp NoPorts) +
		$(snmp6 node Udp6InDatagrams) + $(snmp6 node Udp6NoPorts)))
}

counter() {
	bed_counter "$BPFFS/$1/redirect_counters" "$2"
}

@test "every frame sent lands in the socket, and the counters say exactly that" {
	local fwd=$(counter x0 forwarded) other
	other=$(($(counter x0 pass_port) + $(counter x0 no_target) + $(counter x0 malformed)))
	xsk_hold node x0 0 --until udp:9999=20 --timeout-ms 10000 -- \
		"$XW" sockmap-insert --device x0 --fd '{fd}' -q
	# The SYN goes to the socket, so nothing answers it.
	run -1 probe tcp-connect 10.78.0.1 80 300
	probe udp-send 10.78.0.1 9999 20
	poll_until 10000 bed_gone "$XSK_PID"
	run -0 cat "$XSK_OUT"
	assert_json '.frames == 21 and .by == {"tcp:80": 1, "udp:9999": 20}'
	assert_eq "$(($(counter x0 forwarded) - fwd))" 21 "forwarded"
	assert_eq "$(($(counter x0 pass_port) + $(counter x0 no_target) + $(counter x0 malformed)))" \
		"$other" "frames passed to the kernel"
}

@test "UDP over IPv4 and IPv6 reaches the socket, never the kernel" {
	local seen
	seen=$(udp_seen)
	xsk_hold node v0 0 --until udp:9999=20 --timeout-ms 10000 -- \
		"$XW" sockmap-insert --device v0 --fd '{fd}' -q
	probe udp-send 10.77.0.1 9999 10
	probe udp-send fd77::1 9999 10
	poll_until 10000 bed_gone "$XSK_PID"
	run -0 cat "$XSK_OUT"
	assert_json '.by["udp:9999"] == 20'
	assert_eq "$(udp_seen)" "$seen" "UDP datagrams the node's kernel saw"
}

@test "TCP to port 22 over IPv4 and IPv6 is answered by the node's kernel" {
	bed_bg in_ns node "$XW_HELPERS/xw-netprobe" tcp-listen 10.77.0.1 22 \
		--ready-file "$BED_DIR/l4" >"$BED_DIR/l4.out"
	bed_bg in_ns node "$XW_HELPERS/xw-netprobe" tcp-listen fd77::1 22 \
		--ready-file "$BED_DIR/l6" >"$BED_DIR/l6.out"
	poll_until 5000 test -f "$BED_DIR/l4" -a -f "$BED_DIR/l6"
	xsk_hold node v0 0 -- "$XW" sockmap-insert --device v0 --fd '{fd}' -q
	local opens pass segs
	opens=$(bed_snmp node Tcp PassiveOpens) pass=$(counter v0 pass_port)
	segs=$(bed_snmp node Tcp InSegs)

	run -0 probe tcp-connect 10.77.0.1 22 3000
	run -0 probe tcp-connect fd77::1 22 3000
	# A port that is no pass port goes to the socket: nobody answers.
	run -1 probe tcp-connect 10.77.0.1 2222 300

	assert_eq "$(($(bed_snmp node Tcp PassiveOpens) - opens))" 2 "connections the kernel accepted"
	poll_until 5000 grep -q accepted "$BED_DIR/l4.out"
	poll_until 5000 grep -q accepted "$BED_DIR/l6.out"
	# Every segment the kernel received went through the pass-port path.
	poll_until 5000 same_delta "$pass" "$segs"
	(($(counter v0 pass_port) - pass >= 4))
	xsk_stop
	run -0 cat "$XSK_OUT"
	assert_json '.by["tcp:22"] == null and .by["tcp:2222"] >= 1'
}

# kernel_gets ADDR PORT COUNT: the peer sends COUNT datagrams to ADDR:PORT,
# and a socket of the node's kernel receives every one of them.
kernel_gets() {
	local ready=$BED_DIR/udp-$2 receiver
	bed_bg in_ns node "$XW_HELPERS/xw-netprobe" udp-recv "$1" "$2" "$3" \
		5000 --ready-file "$ready"
	receiver=$BED_PID
	poll_until 5000 test -f "$ready"
	probe udp-send "$1" "$2" "$3"
	wait "$receiver"
}

same_delta() {
	(($(counter v0 pass_port) - $1 == $(bed_snmp node Tcp InSegs) - $2))
}

@test "a queue with no socket hands its frames to the kernel" {
	local none
	none=$(counter v0 no_target)
	kernel_gets 10.77.0.1 9997 5
	(($(counter v0 no_target) - none >= 5))
}

@test "after --unpin the kernel gets the traffic again" {
	xsk_hold node v0 0 -- "$XW" sockmap-insert --device v0 --fd '{fd}' -q
	run -0 --separate-stderr in_ns node "$XW" redirect-install --device v0 --unpin -q
	assert_eq "$(bed_prog_id node v0)" "" "program on v0"
	kernel_gets fd77::1 9996 5
	xsk_stop
	run -0 cat "$XSK_OUT"
	assert_json '.by["udp:9996"] == null'
}

@test "a re-created device gets the kernel's traffic, not its old dead sockets" {
	bed_veth node y0 peer py0
	address_pair y0 py0 10.79.0 ""
	in_ns node "$XW" redirect-install --device y0 -q
	xsk_hold node y0 0 -- "$XW" sockmap-insert --device y0 --fd '{fd}' -q
	# The socket outlives its device: bound to nothing, still in the map.
	ipn node link del y0
	bed_veth node y0 peer py0
	address_pair y0 py0 10.79.0 ""
	run -0 --separate-stderr in_ns node "$XW" redirect-install --device y0 -j
	assert_json '[.changes[] | select(.action == "cleared") | .path] == ["'"$BPFFS"'/y0/redirect_ip_map"]'
	kernel_gets 10.79.0.1 9995 5
	xsk_stop
}
