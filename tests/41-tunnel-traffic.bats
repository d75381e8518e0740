#!/usr/bin/env bats
# The tunnel with real frames, in the runtime's topology:
#
#   outside: on0 10.80.0.2  <->  host: hn0 10.80.0.1 (the NIC, tunnel host)
#                                host: hv0 (tunnel veth)  <->  sandbox: sv0
#
# The sandbox takes the host's address and MAC, as the runtime's sandbox
# does, and runs the AF_XDP redirect of redirect-install on sv0 (installed
# from host with --netns) with a test socket in it.  What outside sends to
# 10.80.0.1 reaches that socket in XDP, never the host's IP stack; TCP/22
# stays with the host; what the sandbox sends leaves through hn0.
#
# A veth takes redirected frames only when its peer runs XDP: sv0 has the
# redirect, on0 a pass program.  Neighbours are permanent and IPv6 is off,
# so no frame crosses the bed that a test did not send.

load lib/test

setup_file() {
	bed_setup
	bed_ns outside host sandbox
	bed_veth outside on0 host hn0
	bed_veth host hv0 sandbox sv0
	local dev hmac omac
	for dev in outside:on0 host:hn0 host:hv0 sandbox:sv0; do
		in_ns "${dev%:*}" sysctl -qw "net.ipv6.conf.${dev#*:}.disable_ipv6=1"
	done
	hmac=$(ipn host -j link show dev hn0 | jq -r '.[0].address')
	omac=$(ipn outside -j link show dev on0 | jq -r '.[0].address')
	ipn sandbox link set sv0 address "$hmac"
	ipn outside addr add 10.80.0.2/24 dev on0
	ipn host addr add 10.80.0.1/24 dev hn0
	ipn sandbox addr add 10.80.0.1/24 dev sv0
	ipn outside neigh replace 10.80.0.1 lladdr "$hmac" nud permanent dev on0
	ipn host neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev hn0
	ipn sandbox neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev sv0
	# A frame XDP redirects keeps a checksum the stack left to the
	# device: the sandbox's own stack must finish its checksums.  (The
	# runtime's sandbox writes whole frames to its AF_XDP socket.)
	in_ns sandbox ethtool -K sv0 tx off >/dev/null
	ipn outside link set dev on0 xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp

	in_ns host "$XW" tunnel-install --device hn0 -q
	in_ns host "$XW" redirect-install --netns "$(ns_path sandbox)" --device sv0 -q
	in_ns host "$XW" tunnel-install --device hn0 --peer sv0 --netns "$(ns_path sandbox)" -q
}

# sandbox_socket [XSK-RECV OPTIONS]: the sandbox's test socket on sv0,
# inserted from host, where the runtime's tooling runs.
sandbox_socket() {
	xsk_hold sandbox sv0 0 "$@" -- nsenter --net="$(ns_path host)" \
		"$XW" sockmap-insert --netns "$(ns_path sandbox)" --device sv0 \
		--fd '{fd}' -q
}

from_outside() {
	in_ns outside "$XW_HELPERS/xw-netprobe" "$@"
}

# counter PIN forwarded|pass_port|no_target|malformed
counter() {
	local -a c
	read -r -a c < <(bed_counters "$BPFFS/$1")
	case $2 in
	forwarded) echo "${c[0]}" ;;
	pass_port) echo "${c[1]}" ;;
	no_target) echo "${c[2]}" ;;
	malformed) echo "${c[3]}" ;;
	esac
}

# host_ip_seen: IP packets the host namespace's stack received at all.
host_ip_seen() {
	in_ns host awk '$1 == "Ip:" && $3 ~ /^[0-9]+$/ { print $3 }' /proc/net/snmp
}

# xdp_redirected NS DEV: frames DEV's XDP redirected, as the driver counts.
xdp_redirected() {
	in_ns "$1" ethtool -S "$2" |
		awk '/rx_queue_[0-9]+_xdp_redirect:/ { n += $2 } END { print n + 0 }'
}

@test "UDP and TCP from outside reach the sandbox's socket, never the host's stack" {
	local fwd seen redir
	fwd=$(counter hn0/tunnel_host_counters forwarded)
	seen=$(host_ip_seen) redir=$(xdp_redirected host hn0)
	sandbox_socket --until udp:9999=20 --timeout-ms 10000
	# The SYN goes to the sandbox's socket, which answers nothing.
	run -1 from_outside tcp-connect 10.80.0.1 80 300
	from_outside udp-send 10.80.0.1 9999 20
	poll_until 10000 bed_gone "$XSK_PID"
	run -0 cat "$XSK_OUT"
	assert_json '.frames == 21 and .by == {"tcp:80": 1, "udp:9999": 20}'
	assert_eq "$(($(counter hn0/tunnel_host_counters forwarded) - fwd))" 21 "frames hn0's program forwarded"
	assert_eq "$(($(xdp_redirected host hn0) - redir))" 21 "frames hn0's driver counted as redirected"
	assert_eq "$(host_ip_seen)" "$seen" "IP packets the host's stack received"
}

@test "frames the sandbox sends leave through the host NIC to outside" {
	local fwd ready=$BED_DIR/recv7777 receiver
	fwd=$(counter hv0/tunnel_veth_counters forwarded)
	bed_bg in_ns outside "$XW_HELPERS/xw-netprobe" udp-recv 10.80.0.2 7777 10 \
		5000 --ready-file "$ready"
	receiver=$BED_PID
	poll_until 5000 test -f "$ready"
	in_ns sandbox "$XW_HELPERS/xw-netprobe" udp-send 10.80.0.2 7777 10
	wait "$receiver"
	assert_eq "$(($(counter hv0/tunnel_veth_counters forwarded) - fwd))" 10 "frames hv0's program forwarded"
}

@test "TCP/22 to the host's address is answered by the host namespace" {
	bed_bg in_ns host "$XW_HELPERS/xw-netprobe" tcp-listen 10.80.0.1 22 \
		--ready-file "$BED_DIR/l22" >"$BED_DIR/l22.out"
	poll_until 5000 test -f "$BED_DIR/l22"
	sandbox_socket
	local pass
	pass=$(counter hn0/tunnel_host_counters pass_port)
	run -0 from_outside tcp-connect 10.80.0.1 22 3000
	poll_until 5000 grep -q "accepted 10.80.0.2:" "$BED_DIR/l22.out"
	(($(counter hn0/tunnel_host_counters pass_port) - pass >= 2))
	xsk_stop
	run -0 cat "$XSK_OUT"
	assert_json '.by["tcp:22"] == null'
}

@test "after the sandbox is unwired, the host's stack gets the traffic" {
	in_ns host "$XW" tunnel-install --device hn0 --veth hv0 --unpin -q
	local none ready=$BED_DIR/recv9998 receiver
	none=$(counter hn0/tunnel_host_counters no_target)
	bed_bg in_ns host "$XW_HELPERS/xw-netprobe" udp-recv 10.80.0.1 9998 5 \
		5000 --ready-file "$ready"
	receiver=$BED_PID
	poll_until 5000 test -f "$ready"
	from_outside udp-send 10.80.0.1 9998 5
	wait "$receiver"
	assert_eq "$(($(counter hn0/tunnel_host_counters no_target) - none))" 5 "frames with no sandbox wired"
	# Wired again, the sandbox gets them back.
	in_ns host "$XW" tunnel-install --device hn0 --veth hv0 -q
	sandbox_socket --until udp:9999=3 --timeout-ms 10000
	from_outside udp-send 10.80.0.1 9999 3
	poll_until 10000 bed_gone "$XSK_PID"
	run -0 cat "$XSK_OUT"
	assert_json '.by["udp:9999"] == 3'
}
