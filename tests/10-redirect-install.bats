#!/usr/bin/env bats
# redirect-install on real devices: pins, idempotence, atomic replacement,
# modes, --unpin, the directory naming rules, and rollback at every step.
# Devices are veth pairs "node" <-> "peer"; each test makes its own.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer other
	# Probe sockets for xsk_slot_taken are bound here.
	bed_veth node probe0 peer probe0p
}


setup() {
	STATE_NS="node other"
}

# dev NAME [ip link options]: a fresh veth NAME in node, peer in peer.
dev() {
	local name=$1
	shift
	bed_veth node "$name" peer "p$name" "$@"
}

xw() {
	in_ns node "$XW" "$@"
}

@test "a fresh install pins map, counters, program and link in a 0700 directory" {
	dev a0
	run -0 --separate-stderr xw redirect-install --device a0 -j
	assert_json '.changed and .device == "a0" and .install == "redirect"'
	assert_json '.mode == "native" and .pass_ports == [22]'
	assert_json '[.changes[].action] == ["created","pinned","pinned","pinned","attached","pinned"]'
	for pin in redirect_ip_map redirect_counters redirect_program redirect_link; do
		[[ -f $BPFFS/a0/$pin ]] || { echo "no $pin" >&2; false; }
	done
	assert_eq "$(stat -c %a "$BPFFS/a0")" 1700 "mode of the pin directory (0700 and xdpwire's mark)"
	assert_eq "$(bed_prog_id node a0)" "$(json .program_id)" "attached program"
}

@test "bpftool, xdp-loader and ip see what xdpwire reports" {
	dev b0
	run -0 --separate-stderr xw redirect-install --device b0 -j
	local prog link map ifindex
	prog=$(json .program_id) link=$(json .link_id) ifindex=$(json .ifindex)
	map=$(json '.maps.redirect_ip_map.id')

	run -0 in_ns node bpftool link show id "$link" -j
	assert_json ".type == \"xdp\" and .prog_id == $prog"
	run -0 in_ns node bpftool net show dev b0 -j
	assert_json ".[0].xdp == [{\"devname\": \"b0\", \"ifindex\": $ifindex, \"mode\": \"driver\", \"id\": $prog}]"
	run -0 bpftool link show pinned "$BPFFS/b0/redirect_link" -j
	assert_json ".id == $link"
	run -0 bpftool prog show pinned "$BPFFS/b0/redirect_program" -j
	assert_json ".id == $prog and .type == \"xdp\" and .name == \"xw_redirect\" and (.map_ids | index($map) != null)"
	run -0 bpftool map show pinned "$BPFFS/b0/redirect_ip_map" -j
	assert_json ".id == $map and .type == \"xskmap\" and .bytes_key == 4 and .bytes_value == 4"
	run -0 bpftool map show pinned "$BPFFS/b0/redirect_counters" -j
	assert_json '.type == "percpu_array" and .bytes_key == 4 and .bytes_value == 8 and .max_entries == 4'
	run -0 in_ns node xdp-loader status b0
	[[ $output =~ b0[[:space:]]+xw_redirect[[:space:]]+native[[:space:]]+$prog ]]
	assert_eq "$(bed_prog_id node b0)" "$prog" "ip's program id"
}

@test "the socket map has one slot per RX queue" {
	dev c0 numrxqueues 4
	dev c1 numrxqueues 1
	run -0 --separate-stderr xw redirect-install --device c0 -j
	assert_json '.rx_queues == 4 and .maps.redirect_ip_map.entries == 4'
	run -0 --separate-stderr xw redirect-install --device c1 -j
	assert_json '.rx_queues == 1 and .maps.redirect_ip_map.entries == 1'
}

@test "a re-run with the same options changes nothing and loads nothing" {
	dev d0
	run -0 --separate-stderr xw redirect-install --device d0 --pass-port 22 --pass-port 2222 -j
	local prog=$(json .program_id) link=$(json .link_id) before
	before=$(bed_state node)
	# The same port set in another order is the same configuration.
	run -0 --separate-stderr xw redirect-install --device d0 --pass-port 2222 --pass-port 22 -j -v
	assert_json ".changed == false and .changes == [] and .program_id == $prog and .link_id == $link"
	[[ $stderr == *"attached program $prog runs this configuration"* ]]
	[[ $stderr != *"loading"* ]]
	assert_eq "$(bed_state node)" "$before" "state after the re-run"
	run -0 --separate-stderr xw redirect-install --device d0 --pass-port 22 --pass-port 2222
	assert_eq "$output" "d0: redirect already installed (program $prog, native mode): nothing changed"
}

@test "other pass ports swap the program through the link; link, map and sockets stay" {
	dev e0
	run -0 --separate-stderr xw redirect-install --device e0 -j
	local prog=$(json .program_id) link=$(json .link_id) map
	map=$(json .maps.redirect_ip_map.id)
	xsk_hold node e0 0 -- "$XW" sockmap-insert --device e0 --fd '{fd}'
	run -0 xsk_slot_taken node probe0 e0 0

	run -0 --separate-stderr xw redirect-install --device e0 --pass-port 2222 -j
	assert_json ".changed and .link_id == $link and .program_id != $prog"
	assert_json ".maps.redirect_ip_map.id == $map and .pass_ports == [2222]"
	assert_json '[.changes[] | .action + " " + .object] == ["replaced program", "updated link"]'
	assert_eq "$(bed_prog_id node e0)" "$(json .program_id)" "attached program"
	run -0 bpftool prog show pinned "$BPFFS/e0/redirect_program" -j
	assert_json ".id == $(bed_prog_id node e0)"
	# The socket inserted before the swap is still in the map.
	run -0 xsk_slot_taken node probe0 e0 0
	xsk_stop
}

@test "--mode generic moves the install to generic mode, keeping the map" {
	dev f0
	run -0 --separate-stderr xw redirect-install --device f0 -j
	local map=$(json .maps.redirect_ip_map.id)
	run -0 --separate-stderr xw redirect-install --device f0 --mode generic -j
	assert_json ".changed and .mode == \"generic\" and .maps.redirect_ip_map.id == $map"
	run -0 ipn node -j -d link show dev f0
	assert_json '.[0].xdp.mode == 2'
	# auto accepts the mode there is.
	run -0 --separate-stderr xw redirect-install --device f0 -j
	assert_json '.changed == false and .mode == "generic"'
}

@test "--mode auto falls back to generic where the driver has no native XDP" {
	ipn node link add br9 type bridge
	ipn node link set br9 up
	run -0 --separate-stderr xw redirect-install --device br9 -j -v
	assert_json '.mode == "generic"'
	[[ $stderr == *"br9: no native XDP in its driver (Operation not supported): trying generic"* ]]
	xw redirect-install --device br9 --unpin -q
	expect_refused 69 "xdpwire redirect-install: br9: driver has no native XDP (use --mode generic or auto): Operation not supported" \
		xw redirect-install --device br9 --mode native
}

@test "--unpin removes link, program, maps and directory, and says so" {
	dev g0
	run -0 --separate-stderr xw redirect-install --device g0 -j
	local prog=$(json .program_id) link=$(json .link_id) want
	want="detached program $prog from g0
removed link $BPFFS/g0/redirect_link (id $link)
removed program $BPFFS/g0/redirect_program (id $prog)
removed map $BPFFS/g0/redirect_ip_map (id $(json .maps.redirect_ip_map.id))
removed map $BPFFS/g0/redirect_counters (id $(json .maps.redirect_counters.id))
removed directory $BPFFS/g0
g0: redirect removed"
	run -0 --separate-stderr xw redirect-install --device g0 --unpin
	assert_eq "$output" "$want" "what --unpin says"
	[[ ! -e $BPFFS/g0 ]]
	assert_eq "$(bed_prog_id node g0)" "" "program attached after --unpin"
	run -0 --separate-stderr xw redirect-install --device g0 --unpin -j
	assert_json '.changed == false and .changes == []'
	run -0 --separate-stderr xw redirect-install --device g0 --unpin
	assert_eq "$output" "g0: no redirect installed: nothing to remove"
	# The device can carry an install again at once: the detach was done.
	run -0 --separate-stderr xw redirect-install --device g0 -q
}

@test "--unpin keeps a directory that holds files that are not ours" {
	dev h0
	xw redirect-install --device h0 -q
	bpftool map create "$BPFFS/h0/theirs" type array key 4 value 4 entries 1 name theirs
	run -0 --separate-stderr xw redirect-install --device h0 --unpin -j
	assert_json '[.changes[] | select(.object == "directory")] == []'
	[[ -f $BPFFS/h0/theirs && ! -e $BPFFS/h0/redirect_ip_map ]]
}

@test "a dotted device name gets a ':' directory (the bpffs refuses '.')" {
	dev i0.100
	run -0 --separate-stderr xw redirect-install --device i0.100 -j
	assert_json ".pin_dir == \"$BPFFS/i0:100\""
	[[ -f $BPFFS/i0:100/redirect_link ]]
	run -0 --separate-stderr xw sockmap-insert --device i0.100 --delete -j
	assert_json ".map == \"$BPFFS/i0:100/redirect_ip_map\""
	run -0 --separate-stderr xw redirect-install --device i0.100 --unpin -q
	[[ ! -e $BPFFS/i0:100 ]]
}

@test "--netns work pins under netns:<inode>/ and never meets the caller's same-named device" {
	bed_veth node j0 peer pj0
	bed_veth other j0 peer pj1
	local ino
	ino=$(stat -L -c %i "$(ns_path node)")
	run -0 --separate-stderr in_ns other "$XW" redirect-install --netns "$(ns_path node)" --device j0 -j
	assert_json ".pin_dir == \"$BPFFS/netns:$ino/j0\" and .netns_inode == $ino"
	assert_eq "$(bed_prog_id node j0)" "$(json .program_id)" "program on node's j0"
	assert_eq "$(bed_prog_id other j0)" "" "program on other's j0"
	run -0 --separate-stderr in_ns other "$XW" redirect-install --device j0 -j
	assert_json ".pin_dir == \"$BPFFS/j0\""
	assert_eq "$(bed_prog_id other j0)" "$(json .program_id)" "program on other's j0"
	# The namespace of the caller itself is no other namespace.
	run -0 --separate-stderr in_ns other "$XW" redirect-install --netns /proc/self/ns/net --device j0 -j
	assert_json '.changed == false'
	run -0 in_ns other "$XW" redirect-install --netns "$(ns_path node)" --device j0 --unpin -q
	[[ ! -e $BPFFS/netns:$ino ]]
	[[ -f $BPFFS/j0/redirect_link ]]
}

@test "a device carrying another tool's XDP program is refused, naming it" {
	dev k0
	ipn node link set dev k0 xdpgeneric obj "$XW_HELPERS/pass.bpf.o" sec xdp
	local id
	id=$(bed_prog_id node k0)
	[[ -n $id ]]
	expect_refused 69 "xdpwire redirect-install: k0: already has XDP program $id 'xw_test_pass' attached by another tool or link; remove it first: Device or resource busy" \
		xw redirect-install --device k0
	[[ ! -e $BPFFS/k0 ]]
}

@test "a pinned link whose device was deleted and re-created is replaced" {
	dev l0
	run -0 --separate-stderr xw redirect-install --device l0 -j
	local map=$(json .maps.redirect_ip_map.id) link=$(json .link_id)
	ipn node link del l0
	run -0 bpftool link show pinned "$BPFFS/l0/redirect_link" -j
	assert_json '.ifindex == 0 or .ifindex == null'
	dev l0
	run -0 --separate-stderr xw redirect-install --device l0 -j
	assert_json ".changed and .link_id != $link and .maps.redirect_ip_map.id == $map"
	assert_json '[.changes[] | .action + " " + .object] == ["cleared map", "attached program", "replaced link"]'
	assert_eq "$(bed_prog_id node l0)" "$(json .program_id)" "program on the new l0"
}

@test "a failure at any step of a fresh install leaves nothing behind" {
	dev m0
	local point
	for point in pindir-lock load pin-map pin-program attach pin-link; do
		before=$(bed_state node)
		XDPWIRE_TEST_FAULT=$point run -71 --separate-stderr xw redirect-install --device m0
		[[ $stderr == "xdpwire redirect-install: "*"Input/output error" ]] ||
			{ echo "fault $point: $stderr" >&2; false; }
		assert_eq "$(bed_state node)" "$before" "state after a fault at $point"
		[[ ! -e $BPFFS/m0 ]]
	done
	run -0 xw redirect-install --device m0 -q
}

@test "a failure while changing an install leaves the old one attached and pinned" {
	dev n0
	run -0 --separate-stderr xw redirect-install --device n0 -j
	local prog=$(json .program_id) point before
	for point in pin-program update-link; do
		before=$(bed_state node)
		XDPWIRE_TEST_FAULT=$point run -71 --separate-stderr xw redirect-install --device n0 --pass-port 80
		assert_eq "$(bed_state node)" "$before" "state after a fault at $point"
		run -0 bpftool prog show pinned "$BPFFS/n0/redirect_program" -j
		assert_json ".id == $prog"
	done
	for point in detach attach pin-link; do
		XDPWIRE_TEST_FAULT=$point run -71 --separate-stderr xw redirect-install --device n0 --mode generic
		assert_eq "$(bed_prog_id node n0)" "$prog" "program after a fault at $point"
		run -0 ipn node -j -d link show dev n0
		assert_json '.[0].xdp.mode == 1'
		run -0 bpftool link show pinned "$BPFFS/n0/redirect_link" -j
		assert_json ".prog_id == $prog"
	done
}

@test "a run killed before its link pin is completed by the next run" {
	dev o0
	XDPWIRE_TEST_FAULT=kill:pin-link run -137 xw redirect-install --device o0
	# Killed before the commit point: its link died with it.
	poll_until 2000 test -z "$(bed_prog_id node o0)"
	[[ -f $BPFFS/o0/redirect_ip_map && ! -e $BPFFS/o0/redirect_link ]]
	local map
	map=$(bpftool map show pinned "$BPFFS/o0/redirect_ip_map" -j | jq .id)
	run -0 --separate-stderr xw redirect-install --device o0 -j
	assert_json ".maps.redirect_ip_map.id == $map"
	assert_json '[.changes[] | .action + " " + .object] == ["attached program", "pinned link"]'
}

@test "a pass-port update killed before it switches the link: status says the re-run finishes it" {
	dev u0
	xw redirect-install --device u0 -q
	local old new
	old=$(bed_prog_id node u0)
	XDPWIRE_TEST_FAULT=kill:update-link run -137 xw redirect-install --device u0 --pass-port 2222
	new=$(bpftool prog show pinned "$BPFFS/u0/redirect_program" -j | jq .id)
	assert_eq "$(bed_prog_id node u0)" "$old" "the program still attached"
	run -0 --separate-stderr xw status -j --device u0
	assert_json '.directories[0].installs[0] | .health == "broken" and .pin_gc == "leave" and .why == "redirect_program holds program '"$new"', the link runs program '"$old"': an install killed half-way through an update; its re-run finishes it (pin-gc --repair goes back to program '"$old"')" and .repair == "xdpwire pin-gc --repair --bpffs '"$BPFFS"' --device u0"'
	run -0 --separate-stderr xw redirect-install --device u0 --pass-port 2222 -j
	assert_json '[.changes[] | .action + " " + .object] == ["updated link"]'
	assert_eq "$(bed_prog_id node u0)" "$new" "the program attached after the re-run"
	run -0 --separate-stderr xw status -j --device u0
	assert_json '.directories[0].installs[0].health == "ok"'
	xw redirect-install --device u0 --unpin -q
}

@test "a socket map smaller than the device's queues is kept, with a warning" {
	dev q0 numrxqueues 2
	xw redirect-install --device q0 -q
	ipn node link del q0
	dev q0 numrxqueues 4
	run -0 --separate-stderr xw redirect-install --device q0 -j
	assert_json '.rx_queues == 4 and .maps.redirect_ip_map.entries == 2'
	assert_json '.warnings == ["q0: the pinned socket map has 2 slots for 4 RX queues: frames of queues 2-3 go to the kernel (--unpin and install again to resize it)"]'
	assert_eq "$stderr" "xdpwire redirect-install: warning: q0: the pinned socket map has 2 slots for 4 RX queues: frames of queues 2-3 go to the kernel (--unpin and install again to resize it)"
	xw redirect-install --device q0 --unpin -q
	run -0 --separate-stderr xw redirect-install --device q0 -j
	assert_json '.maps.redirect_ip_map.entries == 4 and has("warnings") == false'
}
