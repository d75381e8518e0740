#!/usr/bin/env bats
# verify: canonical frames through each install's attached program
# (BPF_PROG_TEST_RUN), judged against the install's configuration and
# maps; then the install broken as an operator meets it (a foreign
# program, a slot emptied, pass ports changed behind its back) and each
# named by its check.

load lib/test

setup_file() {
	bed_setup
	# redirect-errors' last readings: the bed's, never the node's /run.
	export XDPWIRE_STATE_DIR=$BED_DIR/verify-state
	bed_ns node peer
	bed_veth node r0 peer rp0
	in_ns node "$XW" redirect-install --device r0 -q
	# A tunnel: the NIC hn0, slot 0's sandbox hv0, a registered one hv1.
	# No IPv6 and a pass program on on0 (hn0's peer, which must run XDP
	# for hv0's redirects into hn0): no frame crosses the tunnel that no
	# test sent, so the drop counters move only by what a test sends.
	bed_ns host outside sandbox
	for ns in host outside sandbox; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
	done
	bed_veth host hn0 outside on0
	ipn outside link set dev on0 xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp
	bed_veth host hv0 sandbox sv0
	bed_veth host hv1 sandbox sv1
	in_ns host "$XW" tunnel-install --device hn0 -q
	in_ns host "$XW" tunnel-install --device hn0 --veth hv0 -q
	in_ns host "$XW" tunnel-install --device hn0 --veth hv1 \
		--address 10.80.1.1 --address fd80::1:1 -q
}

setup() {
	STATE_NS=node
	XSK_PID=
}

# A socket a failed test left open must not hold the next test's queue.
teardown() {
	if [[ -n $XSK_PID ]] && ! bed_gone "$XSK_PID"; then
		xsk_stop
	fi
}

xw() {
	in_ns node "$XW" "$@"
}

# xw_has_xsk_diag: whether the kernel lists AF_XDP sockets (sock_diag).
xw_has_xsk_diag() {
	zcat /proc/config.gz 2>/dev/null | grep -qx 'CONFIG_XDP_SOCKETS_DIAG=[ym]'
}

# frames_ok: every frame of every install got what it was expected to.
frames_ok() {
	assert_json '[.installs[].frames[]] | length > 0 and all(.ok and .got == .expected)'
}

# finding CHECK: the level of the finding named CHECK (of install 0).
finding() {
	json "[.installs[0].findings[] | select(.check == \"$1\")][0].level"
}

why() {
	json "[.installs[0].findings[] | select(.check == \"$1\")][0].why"
}

@test "a redirect install with a socket in queue 0 verifies: every frame as expected" {
	xsk_hold node r0 0 -- "$XW" sockmap-insert --device r0 --queue 0 --fd '{fd}' -q
	run -0 --separate-stderr xw verify --device r0 -j
	frames_ok
	assert_json '.installs | length == 1 and .[0].device == "r0" and .[0].kind == "redirect"'
	assert_json '[.installs[0].findings[] | select(.level != "ok")] == []'
	assert_json '[.installs[0].frames[] | select(.frame == "udp4")][0] | .got == "redirect" and .reason == "forwarded"'
	assert_json '[.installs[0].frames[] | select(.frame == "tcp4-pass-22")][0] | .got == "pass" and .reason == "pass port"'
	assert_json '[.installs[0].frames[] | select(.frame == "truncated")][0] | .got == "pass" and .reason == "malformed"'
	assert_json '[.installs[0].frames[].frame] | sort == (["arp","ndisc","tcp4","tcp4-pass-22","tcp6","tcp6-pass-22","truncated","udp4","udp6","vlan-udp4"] | sort)'
	assert_eq "$(finding 'queue 0')" ok "queue 0"
	# The same in text: one heading, every finding listed.
	run -0 --separate-stderr xw verify --device r0
	[[ ${lines[0]} == "r0 (redirect): "*" 0 warn, 0 fail" ]]
	[[ $output == *"frame udp4"*"expected redirect (queue 0's socket), got redirect (forwarded)"* ]]
	xsk_stop
}

@test "a slot emptied while its socket stays bound: queue 0 fails, frames go to the kernel" {
	xsk_hold node r0 0 -- "$XW" sockmap-insert --device r0 --queue 0 --fd '{fd}' -q
	run -0 --separate-stderr xw sockmap-insert --device r0 --queue 0 --delete -q
	# Which queue a socket is bound to: sock_diag, or (this kernel has
	# no AF_XDP sock_diag) the netdev family's queue dump.
	run -1 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding 'queue 0')" fail "queue 0"
	[[ $(why 'queue 0') == "a socket is bound to queue 0 but not in redirect_ip_map: its frames go to the kernel" ]]
	assert_json '[.installs[0].frames[] | select(.frame == "udp4")][0] | .got == "pass" and .reason == "no target"'
	frames_ok
	xsk_stop
	# No socket at all: a warn, not a failure.
	run -0 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding 'queue 0')" warn "queue 0 without a socket"
	[[ $(why 'queue 0') == "no socket"* ]]
}

@test "pass ports changed behind verify's back: --pass-port names the port and config" {
	run -0 --separate-stderr xw redirect-install --device r0 --pass-port 2222 -q
	run -1 --separate-stderr xw verify --device r0 --pass-port 22 -j
	assert_eq "$(finding config)" fail "config"
	[[ $(why config) == "the program passes port(s) 2222, the configuration (--pass-port) says 22" ]]
	assert_eq "$(finding 'frame tcp4-pass-22')" fail "tcp4-pass-22"
	[[ $(why 'frame tcp4-pass-22') == "expected pass (pass port), got pass (no target)" ]]
	# Without --pass-port the program's own ports are the model's.
	run -0 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding 'frame tcp4-pass-2222')" ok "tcp4-pass-2222"
	run -0 --separate-stderr xw redirect-install --device r0 -q
}

@test "a program replaced by a foreign one: program fails, frames run through the foreign one" {
	local pinned
	pinned=$(bpftool -j prog show pinned "$BPFFS/r0/redirect_program" | jq .id)
	run -0 in_ns node "$XW_HELPERS/xw-link-swap" "$BPFFS/r0/redirect_link" "$XW_HELPERS/pass.bpf.o"
	run -1 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding program)" fail "program"
	[[ $(why program) == "attached program "*" 'xw_test_pass' is not xdpwire's xw_redirect"* ]]
	assert_json '[.installs[0].frames[] | select(.frame == "tcp4-pass-22")][0] | .got == "pass" and .reason == "reason unknown"'
	run -0 --separate-stderr xw redirect-install --device r0 -q
	run -0 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding program)" ok "program after the re-install"
	[[ -n $pinned ]]
}

@test "verify without --device verifies every install; none on a device is 66" {
	run -0 --separate-stderr xw verify -j
	assert_json '[.installs[] | select(.frames != []) | .device] == ["r0"]'
	# The tunnel's installs share the bpffs from another namespace: each
	# is one warning, not a failure.
	assert_json '[.installs[] | select(.device != "r0") | .findings[] | .check + " " + .level] == ["install warn", "install warn", "install warn"]'
	[[ $(json '[.installs[] | select(.device == "hn0")][0].findings[0].why') == "not verified: installed in another network namespace ("* ]]
	bed_veth node e0 peer ep0
	run -66 --separate-stderr xw verify --device e0
	assert_eq "$stderr" "xdpwire verify: e0: no install of xdpwire on this device" "stderr"
	run -66 --separate-stderr xw verify --device nosuch0
}

tw() {
	in_ns host "$XW" "$@"
}

@test "a tunnel host with slot 0 and a registered sandbox verifies, and so do its veths" {
	STATE_NS=host
	run -0 --separate-stderr tw verify --device hn0 -j
	frames_ok
	assert_json '.installs | length == 1 and .[0].kind == "tunnel host"'
	assert_json '[.installs[0].findings[] | select(.level != "ok")] == []'
	[[ $(why 'slot 0') == "slot 0 of tunnel_host_map holds hv0 (ifindex "*"): unowned traffic goes there" ]]
	assert_eq "$(finding 'sandbox hv1')" ok "sandbox hv1"
	assert_json '[.installs[0].frames[] | select(.frame == "sandbox hv1 10.80.1.1" or .frame == "sandbox hv1 fd80::1:1") | .got] == ["redirect", "redirect"]'
	assert_json '[.installs[0].frames[] | select(.frame == "udp4")][0] | .got == "redirect" and .expected_target == "slot 0'"'"'s hv0"'
	assert_json '[.installs[0].frames[] | select(.frame == "arp" or .frame == "ndisc") | .reason] == ["no target", "no target"]'
	run -0 --separate-stderr tw verify --device hv0 -j
	frames_ok
	assert_json '.installs[0].kind == "tunnel veth" and ([.installs[0].frames[].got] | unique) == ["redirect"]'
	# Without --device: every install of the namespace, one group each.
	run -0 --separate-stderr tw verify -j
	assert_json '[.installs[] | select(.frames != []) | .device + " " + .kind] == ["hn0 tunnel host", "hv0 tunnel veth", "hv1 tunnel veth"]'
	frames_ok
}

@test "slot 0 emptied while hv0 is wired: slot 0 fails naming hv0" {
	STATE_NS=host
	in_ns host bpftool map delete pinned "$BPFFS/hn0/tunnel_host_map" key 0 0 0 0
	run -1 --separate-stderr tw verify --device hn0 -j
	assert_eq "$(finding 'slot 0')" fail "slot 0"
	[[ $(why 'slot 0') == "slot 0 of tunnel_host_map is empty while hv0 is wired to hn0 and not registered as a sandbox: its traffic goes to the host" ]]
	[[ $(json "[.installs[0].findings[] | select(.check == \"slot 0\")][0].fix") == "wire it again: xdpwire tunnel-install --device hn0 --veth hv0" ]]
	# The frames agree with the empty slot: the model reads it.
	frames_ok
	assert_json '[.installs[0].frames[] | select(.frame == "udp4")][0] | .got == "pass" and .reason == "no target"'
	run -0 --separate-stderr tw tunnel-install --device hn0 --veth hv0 -q
	run -0 --separate-stderr tw verify --device hn0 -j
}

@test "a sandbox's key deleted from tunnel_host_sandbox_map: the sandbox fails, naming its address" {
	STATE_NS=host
	local ifindex
	ifindex=$(ipn host -j link show dev hv1 | jq '.[0].ifindex')
	in_ns host bpftool map delete pinned "$BPFFS/hn0/tunnel_host_sandbox_map" \
		key $((ifindex & 255)) $((ifindex >> 8 & 255)) 0 0
	run -1 --separate-stderr tw verify --device hn0 -j
	assert_eq "$(finding 'sandbox hv1')" fail "sandbox hv1"
	[[ $(why 'sandbox hv1') == "frames to 10.80.1.1, fd80::1:1 did not redirect to hv1: it is not committed in tunnel_host_sandbox_map" ]]
	assert_json '[.installs[0].frames[] | select(.frame == "sandbox hv1 10.80.1.1")][0] | .got == "pass" and .reason == "pass port"'
	run -0 --separate-stderr tw tunnel-install --device hn0 --veth hv1 \
		--address 10.80.1.1 --address fd80::1:1 -q
	run -0 --separate-stderr tw verify --device hn0 -j
	assert_eq "$(finding 'sandbox hv1')" ok "sandbox hv1 registered again"
}

# rx_drops NS DEV: DEV's rx_queue_0_drops, as ethtool shows it.
rx_drops() {
	in_ns "$1" ethtool -S "$2" | awk '$1 == "rx_queue_0_drops:" { print $2 }'
}

drops_reach() {
	(($(rx_drops host hn0) >= $1))
}

@test "redirect-errors: a redirect into a veth whose peer cannot take it is a warn, then 0 since the last run" {
	STATE_NS=host
	local hmac before
	# hv0's peer has no XDP and no GRO: frames redirected into hv0 fail.
	in_ns sandbox ethtool -K sv0 gro off
	hmac=$(ipn host -j link show dev hn0 | jq -r '.[0].address')
	ipn outside addr add 198.18.5.2/24 dev on0
	ipn outside neigh replace 198.18.5.1 lladdr "$hmac" nud permanent dev on0
	run -0 --separate-stderr tw verify --device hn0 -j
	assert_eq "$(finding redirect-errors)" ok "redirect-errors before"
	before=$(rx_drops host hn0)
	for _ in 1 2 3; do
		in_ns outside bash -c 'echo ping >/dev/udp/198.18.5.1/9'
	done
	# hv0 takes no redirected frame (its xdp_features say so): the
	# redirect fails in hn0's receive, which counts a drop.
	poll_until 3000 drops_reach $((before + 3))
	run -0 --separate-stderr tw verify --device hn0 -j
	assert_eq "$(finding redirect-errors)" warn "redirect-errors"
	assert_eq "$(why redirect-errors)" "hn0 rx_queue_0_drops +3 since the last run" "why"
	run -0 --separate-stderr tw verify --device hn0 -j
	assert_eq "$(finding redirect-errors)" ok "redirect-errors again"
	[[ $(why redirect-errors) == "0 since the last run ("* ]]
	# A state file that is gone: since the device came up.
	rm -r "$XDPWIRE_STATE_DIR/verify"
	run -0 --separate-stderr tw verify --device hn0 -j
	[[ $(why redirect-errors) == *" since the device came up" ]]
}

@test "verify --netns: an install made in a sandbox's namespace is verified there, also found without --netns" {
	STATE_NS="host sandbox"
	run -0 --separate-stderr tw redirect-install --netns "$(ns_path sandbox)" --device sv1 -q
	run -0 --separate-stderr tw verify --netns "$(ns_path sandbox)" --device sv1 -j
	frames_ok
	assert_json '.installs | length == 1 and .[0].device == "sv1" and .[0].kind == "redirect"'
	assert_eq "$(finding program)" ok "program"
	# The walk of the root finds netns:<inode>/ and verifies it there.
	run -0 --separate-stderr tw verify -j
	assert_json '[.installs[] | select(.device == "sv1")][0] | (.frames | length > 0) and all(.frames[]; .ok)'
	run -0 --separate-stderr tw redirect-install --netns "$(ns_path sandbox)" --device sv1 --unpin -q
}

@test "verify without CAP_SYS_ADMIN is refused before it reads anything, exit 77" {
	run -77 --separate-stderr in_ns node setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-all,+bpf,+net_admin,+perfmon -- "$XW" verify --device r0
	assert_eq "$stderr" "xdpwire verify: missing capability CAP_SYS_ADMIN (verify reads programs and maps by id and runs frames through them)" "stderr"
	assert_eq "$output" "" "stdout"
}

r0_detached() {
	[[ -z $(bed_prog_id node r0) ]]
}

@test "a link pin removed (the program detached): link fails, no frame runs" {
	rm "$BPFFS/r0/redirect_link"
	poll_until 5000 r0_detached
	run -1 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding link)" fail "link"
	[[ $(why link) == "no link pin redirect_link: absent" ]]
	assert_json '.installs[0].frames == []'
	run -0 --separate-stderr xw redirect-install --device r0 -q
	run -0 --separate-stderr xw verify --device r0 -j
	assert_eq "$(finding link)" ok "link after the re-install"
}
