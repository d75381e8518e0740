#!/usr/bin/env bats
# The tunnel with real frames, in the runtime's topology (lib/tunnel_bed.bash):
# the sandbox runs the AF_XDP redirect of redirect-install on sv0
# (installed from host with --netns) with a test socket in it.  What
# outside sends to 10.80.0.1 reaches that socket in XDP, never the host's
# IP stack; TCP/22 stays with the host; what the sandbox sends leaves
# through the NIC.

load lib/test
load lib/tunnel_bed

setup_file() {
	bed_setup
	tunnel_bed_build
	in_ns host "$XW" tunnel-install --device hn0 -q
	in_ns host "$XW" redirect-install --netns "$(ns_path sandbox)" --device sv0 -q
	in_ns host "$XW" tunnel-install --device hn0 --peer sv0 --netns "$(ns_path sandbox)" -q
}

from_outside() {
	in_ns outside "$XW_HELPERS/xw-netprobe" "$@"
}

counter() {
	bed_counter "$BPFFS/$1" "$2"
}

# host_ip_seen: IP packets the host namespace's stack received at all.
host_ip_seen() {
	bed_snmp host Ip InReceives
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
	tunnel_sandbox_socket --until udp:9999=20 --timeout-ms 10000
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
	tunnel_sandbox_socket
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
	local none seen ready=$BED_DIR/recv9998 receiver
	none=$(counter hn0/tunnel_host_counters no_target) seen=$(host_ip_seen)
	bed_bg in_ns host "$XW_HELPERS/xw-netprobe" udp-recv 10.80.0.1 9998 5 \
		5000 --ready-file "$ready"
	receiver=$BED_PID
	poll_until 5000 test -f "$ready"
	from_outside udp-send 10.80.0.1 9998 5
	wait "$receiver"
	assert_eq "$(($(counter hn0/tunnel_host_counters no_target) - none))" 5 "frames with no sandbox wired"
	(($(host_ip_seen) - seen >= 5))
	# Wired again, the sandbox gets them back.
	in_ns host "$XW" tunnel-install --device hn0 --veth hv0 -q
	tunnel_sandbox_socket --until udp:9999=3 --timeout-ms 10000
	from_outside udp-send 10.80.0.1 9999 3
	poll_until 10000 bed_gone "$XSK_PID"
	run -0 cat "$XSK_OUT"
	assert_json '.by["udp:9999"] == 3'
}
