#!/usr/bin/env bats
# pin-gc --repair with real frames, in the runtime's tunnel topology
# (lib/tunnel_bed.bash): the host NIC is deleted and re-created under its
# name; the repaired install carries outside's frames to the sandbox's
# socket again.  And status of a --netns install, from outside and inside.

load lib/test
load lib/tunnel_bed
load lib/xsk

setup_file() {
	bed_setup
	tunnel_bed_build
	in_ns host "$XW" tunnel-install --device hn0 -q
	in_ns host "$XW" redirect-install --netns "$(ns_path sandbox)" --device sv0 -q
	in_ns host "$XW" tunnel-install --device hn0 --peer sv0 --netns "$(ns_path sandbox)" -q
}

xw() {
	in_ns host "$XW" "$@"
}

# frames_reach_sandbox N: N UDP frames from outside arrive at the socket.
frames_reach_sandbox() {
	tunnel_sandbox_socket --until udp:9999="$1" --timeout-ms 10000
	in_ns outside "$XW_HELPERS/xw-netprobe" udp-send 10.80.0.1 9999 "$1"
	poll_until 10000 bed_gone "$XSK_PID"
	run -0 cat "$XSK_OUT"
	assert_json ".by == {\"udp:9999\": $1}"
}

hn0_health() {
	xw status -j --device hn0 | jq -r '.directories[0].installs[0].health'
}

# renew_nic: hn0 and on0 again, as the bed first made them.
renew_nic() {
	local hmac omac
	bed_veth outside on0 host hn0
	in_ns outside sysctl -qw net.ipv6.conf.on0.disable_ipv6=1
	in_ns host sysctl -qw net.ipv6.conf.hn0.disable_ipv6=1
	hmac=$(ipn host -j link show dev hn0 | jq -r '.[0].address')
	omac=$(ipn outside -j link show dev on0 | jq -r '.[0].address')
	ipn sandbox link set sv0 address "$hmac"
	ipn outside addr add 10.80.0.2/24 dev on0
	ipn host addr add 10.80.0.1/24 dev hn0
	ipn outside neigh replace 10.80.0.1 lladdr "$hmac" nud permanent dev on0
	ipn host neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev hn0
	ipn sandbox neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev sv0
	ipn outside link set dev on0 xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp
}

@test "--repair attaches a re-created NIC's install again, and frames reach the sandbox again" {
	frames_reach_sandbox 5
	local prog
	prog=$(bpftool prog show pinned "$BPFFS/hn0/tunnel_host_program" -j | jq .id)
	ipn host link del hn0
	poll_until 5000 eval '[[ $(hn0_health) == stale ]]'
	renew_nic
	run -0 --separate-stderr xw status -j --device hn0
	assert_json '.directories[0].installs[0] | .why == "link \(.link.id) is detached: its device was deleted (a device of that name is back)" and .pin_gc == "remove" and .pin_gc_repair == "reattach"'
	run -0 --separate-stderr xw pin-gc --repair --device hn0 -j
	assert_json ".changed and .changes[0].action == \"attached\" and .changes[0].id == $prog"
	assert_eq "$(hn0_health)" ok "health after --repair"
	assert_eq "$(bed_prog_id host hn0)" "$prog" "program on the new hn0"
	frames_reach_sandbox 5
}

@test "a --netns install: judged in its namespace from outside, and with --netns" {
	local ino
	ino=$(stat -L -c %i "$(ns_path sandbox)")
	run -0 --separate-stderr xw status -j
	assert_json ".directories[] | select(.netns == \"netns:$ino\") | .device == \"sv0\" and .checked and .judged_in == \"$(ns_path sandbox)\" and .installs[0].health == \"ok\" and .installs[0].link.device == \"sv0\""
	run -0 --separate-stderr xw status -j --netns "$(ns_path sandbox)"
	assert_json ".directories == [.directories[0]] and .directories[0].netns == \"netns:$ino\" and .directories[0].checked and .directories[0].installs[0].health == \"ok\" and .directories[0].installs[0].link.device == \"sv0\""
}
