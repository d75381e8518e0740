#!/usr/bin/env bats
# status and pin-gc on real installs: each stale and broken state is made
# for real (a device deleted behind an install, a pin removed by hand, a
# wrong pin, an install killed at each of its steps), then status must name
# it, pin-gc --dry-run must plan and change nothing, pin-gc must remove the
# stale and leave the rest, and a second pin-gc must find nothing to do.

load lib/test
load lib/xsk

setup_file() {
	bed_setup
	bed_ns node peer
	# No IPv6 on the pairs: a late DAD or router solicitation from a peer
	# would tick the counters that the first test expects at 0.
	in_ns node sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	in_ns peer sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	bed_veth node probe0 peer probe0p
}

setup() {
	STATE_NS="node"
}

dev() {
	bed_veth node "$1" peer "p$1"
}

# Every status run's document is checked against the status schema too.
xw() {
	if [[ $1 == status ]]; then
		status_checked in_ns node "$XW" "$@"
	else
		in_ns node "$XW" "$@"
	fi
}

# install_of DEV KIND: the status -j install KIND of DEV's directory.
install_of() {
	xw status -j --device "$1" |
		jq -c --arg k "$2" '.directories[0].installs[] | select(.kind == $k)'
}

# health DEV KIND: its health word.
health() {
	install_of "$1" "$2" | jq -r .health
}

no_xdp() {
	[[ -z $(bed_prog_id node "$1") ]]
}

@test "ok installs: programs, links, slots and counters as bpftool sees them; foreign pins listed" {
	dev a0
	dev n0
	dev h0
	xw redirect-install --device a0 -q
	xw tunnel-install --device n0 -q
	xw tunnel-install --device n0 --veth h0 -q
	bpftool map create "$BPFFS/a0/theirs" type array key 4 value 4 entries 1 name theirs
	run -0 --separate-stderr xw status -j
	assert_json '[.directories[] | {device, h: [.installs[] | .health]}] == [{"device":"a0","h":["ok"]},{"device":"h0","h":["ok"]},{"device":"n0","h":["ok"]}]'
	assert_json '.directories[0].foreign == ["theirs"]'
	local prog link
	prog=$(bpftool prog show pinned "$BPFFS/a0/redirect_program" -j | jq .id)
	link=$(bpftool link show pinned "$BPFFS/a0/redirect_link" -j | jq .id)
	assert_json ".directories[0].installs[0] | .program.id == $prog and .program.name == \"xw_redirect\" and .link.id == $link and .link.device == \"a0\" and .link.is_named_device and .mode == \"native\""
	assert_json '.directories[0].installs[0].maps.redirect_ip_map | .type == "xskmap" and (.slots | length) == .entries'
	assert_json '.directories[2].installs[0].maps.tunnel_host_map.slots == [{"key":0,"ifindex":'"$(ipn node -j link show h0 | jq '.[0].ifindex')"',"device":"h0"}]'
	assert_json '.directories[1].installs[0].maps.tunnel_veth_map.slots[0].device == "n0"'
	assert_json '.directories[0].installs[0].maps.redirect_counters.counters == {"forwarded":0,"pass_port":0,"no_target":0,"malformed":0}'
	assert_json '[.directories[].installs[] | .pin_gc] == ["none","none","none"]'
	run -0 --separate-stderr xw status
	[[ ${lines[0]} == DEVICE* ]]
	[[ ${lines[1]} =~ ^a0\ +redirect\ +ok\ +$prog\ xw_redirect\ +native\ +$link\ -\>\ a0 ]]
	[[ ${lines[2]} =~ ^a0\ +\(foreign\)\ +-\ +theirs$ ]]
	assert_eq "${lines[-1]}" "3 install(s), 3 ok, 0 not" "summary"
	# Nothing to do for pin-gc, and it says so.
	STATE_NS=node
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changed == false and .changes == []'
	assert_eq "$(bed_state node)" "$before" "state after pin-gc"
}

@test "a veth deleted behind a tunnel install is stale; the kernel empties the NIC's slot; pin-gc removes only it" {
	dev n1
	dev h1
	xw tunnel-install --device n1 -q
	xw tunnel-install --device n1 --veth h1 -q
	bpftool map create "$BPFFS/h1/theirs" type array key 4 value 4 entries 1 name theirs
	ipn node link del h1
	poll_until 5000 eval '[[ $(install_of h1 "tunnel veth" | jq -r .health) == stale ]]'
	run -0 install_of h1 "tunnel veth"
	assert_json '.why | test("^link [0-9]+ is detached: its device was deleted$")'
	assert_json '.link.attached == false and .pin_gc == "remove"'
	# The kernel took h1 out of the NIC's DEVMAP when h1 was unregistered.
	run -0 install_of n1 "tunnel host"
	assert_json '.health == "ok" and .maps.tunnel_host_map.slots == []'

	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --dry-run --device h1
	assert_eq "$(bed_state node)" "$before" "state after --dry-run"
	assert_eq "$(sed -E 's/ \(id [0-9]+\): .*//' <<<"$output")" "$(printf '%s\n' "would remove link $BPFFS/h1/tunnel_veth_link" \
		"would remove program $BPFFS/h1/tunnel_veth_program" \
		"would remove map $BPFFS/h1/tunnel_veth_map" \
		"would remove map $BPFFS/h1/tunnel_veth_counters" \
		"1 directory to change (dry run: nothing changed)")" "planned actions"
	run -0 --separate-stderr xw pin-gc
	assert_eq "$(sed -E 's/ \(id [0-9]+\): .*//' <<<"$output")" "$(printf '%s\n' "removed link $BPFFS/h1/tunnel_veth_link" \
		"removed program $BPFFS/h1/tunnel_veth_program" \
		"removed map $BPFFS/h1/tunnel_veth_map" \
		"removed map $BPFFS/h1/tunnel_veth_counters" \
		"1 directory changed")" "actions"
	# The foreign pin keeps its directory; the NIC's install is untouched.
	assert_eq "$(ls "$BPFFS/h1")" theirs "left in h1"
	assert_eq "$(health n1 "tunnel host")" ok "n1's install"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changes == [] and .changed == false'
}

@test "a veth install whose NIC's tunnel install is gone is stale, with why; plain pin-gc removes it and it is detached" {
	dev gn4
	dev gh4
	dev gn5
	dev gh5
	xw tunnel-install --device gn4 -q
	xw tunnel-install --device gn4 --veth gh4 -q
	xw tunnel-install --device gn5 -q
	xw tunnel-install --device gn5 --veth gh5 -q
	# The NIC's pins gone and the veth's kept, as an --unpin of the node
	# killed half-way left it; and a NIC deleted: the kernel empties the
	# veth's slot.
	rm -r "$BPFFS/gn4"
	ipn node link del gn5
	poll_until 5000 no_xdp gn4
	local nic
	nic=$(ipn node -j link show gn4 | jq '.[0].ifindex')
	run -0 install_of gh4 "tunnel veth"
	assert_json '.health == "stale" and .why == "its NIC gn4 (ifindex '"$nic"') has no tunnel host install (no tunnel_host_link): the node'"'"'s install was removed" and .pin_gc == "remove"'
	poll_until 5000 eval '[[ $(install_of gh5 "tunnel veth" | jq -r .health) == stale ]]'
	run -0 install_of gh5 "tunnel veth"
	assert_json '.why == "tunnel_veth_map has no NIC in slot 0: the sandbox is wired to nothing" and .pin_gc == "remove"'
	run -1 --separate-stderr xw status --check -q --device gh4
	run -0 --separate-stderr xw pin-gc
	[[ ! -e $BPFFS/gh4 && ! -e $BPFFS/gh5 && ! -e $BPFFS/gn5 ]]
	poll_until 5000 no_xdp gh4
	poll_until 5000 no_xdp gh5
	run -0 --separate-stderr xw pin-gc
	assert_eq "$output" "nothing to do" "second pin-gc"
}

# runtime_wire NS NIC VETH: wires VETH to NIC in NS as an unchanged
# runtime does in its tunnel mode, its own program under the convention's
# pin names.
runtime_wire() {
	in_ns "$1" "$XW_HELPERS/xw-runtime-wire" "$XW_HELPERS/runtime_veth.bpf.o" \
		"$3" "$BPFFS/$3" "$BPFFS/$2/tunnel_host_map" "$2"
}

@test "tunnel-install --device --unpin leaves the runtime's own wiring of a veth alone" {
	dev grn0
	dev grv0
	xw tunnel-install --device grn0 -q
	runtime_wire node grn0 grv0
	local link prog
	link=$(bpftool link show pinned "$BPFFS/grv0/tunnel_veth_link" -j | jq .id)
	prog=$(bed_prog_id node grv0)
	run -0 --separate-stderr xw tunnel-install --device grn0 --unpin -j
	assert_json '[.changes[].path // "" | select(startswith("'"$BPFFS"'/grv0"))] == []'
	[[ ! -e $BPFFS/grn0 ]]
	assert_eq "$(ls "$BPFFS/grv0" | tr '\n' ' ')" "tunnel_veth_link tunnel_veth_map tunnel_veth_program " "the runtime's pins"
	assert_eq "$(bpftool link show pinned "$BPFFS/grv0/tunnel_veth_link" -j | jq .id)" "$link" "the runtime's link"
	assert_eq "$(bed_prog_id node grv0)" "$prog" "the runtime's program on grv0"
	run -0 install_of grv0 "tunnel veth"
	assert_json '.health == "ok"'
	rm -r "$BPFFS/grv0"
	poll_until 5000 no_xdp grv0
}

@test "the runtime's wiring made in another namespace that shares the bpffs: judged where its link is attached, ok, not broken" {
	bed_ns ra rb
	# Namespaces number their devices from 2: ra's rva gets the ifindex of
	# rb's rnb, which runs nothing.
	bed_veth ra rva peer prva
	bed_veth ra rna peer prna
	bed_veth rb rnb peer prnb
	assert_eq "$(ipn ra -j link show rva | jq '.[0].ifindex')" \
		"$(ipn rb -j link show rnb | jq '.[0].ifindex')" "ra's rva and rb's rnb share an ifindex"
	in_ns ra "$XW" tunnel-install --device rna -q
	runtime_wire ra rna rva
	run -0 --separate-stderr status_checked in_ns rb "$XW" status -j
	assert_json '.directories[] | select(.device == "rva") | .judged_in == "'"$(ns_path ra)"'" and .installs[0].health == "ok" and .installs[0].why == null'
	in_ns ra "$XW" tunnel-install --device rna --unpin -q
	rm -r "$BPFFS/rva"
	ipn ra link del rva
	ipn ra link del rna
	ipn rb link del rnb
}

@test "the NIC deleted behind a redirect install is stale; pin-gc removes it all, directory too" {
	dev r2
	xw redirect-install --device r2 -q
	local prog
	prog=$(bpftool prog show pinned "$BPFFS/r2/redirect_program" -j | jq .id)
	ipn node link del r2
	poll_until 5000 eval '[[ $(health r2 redirect) == stale ]]'
	run -0 --separate-stderr xw pin-gc -j --device r2
	assert_json '.changed and ([.changes[] | .action] == ["removed","removed","removed","removed","removed"]) and .changes[-1].object == "directory"'
	[[ ! -e $BPFFS/r2 ]]
	poll_until 5000 eval '! bpftool prog show id '"$prog"' >/dev/null 2>&1'
	run -0 --separate-stderr xw pin-gc --device r2
	assert_eq "$output" "nothing to do" "second pin-gc"
}

@test "a pin removed by hand: broken; pin-gc leaves it, --repair restores it from the kernel's view" {
	dev r3
	xw redirect-install --device r3 -q
	local map prog
	map=$(bpftool map show pinned "$BPFFS/r3/redirect_ip_map" -j | jq .id)
	prog=$(bpftool prog show pinned "$BPFFS/r3/redirect_program" -j | jq .id)
	rm "$BPFFS/r3/redirect_ip_map" "$BPFFS/r3/redirect_program"
	run -0 install_of r3 redirect
	assert_json ".health == \"broken\" and .why == \"redirect_program is missing; the link still runs program $prog\""
	assert_json '.pin_gc == "leave" and .pin_gc_repair == "repin" and .pins.redirect_ip_map == "missing"'
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --device r3
	assert_eq "$stderr" "xdpwire pin-gc: warning: $BPFFS/r3: redirect install left alone: redirect_program is missing; the link still runs program $prog (--repair restores it)" "warning of pin-gc without --repair"
	assert_eq "$output" "nothing pin-gc can do; 1 install(s) left alone (see warnings)" "pin-gc without --repair"
	assert_eq "$(bed_state node)" "$before" "state after pin-gc"
	run -0 --separate-stderr xw pin-gc --repair --device r3
	assert_eq "$(bpftool prog show pinned "$BPFFS/r3/redirect_program" -j | jq .id)" "$prog" "re-pinned program"
	assert_eq "$(bpftool map show pinned "$BPFFS/r3/redirect_ip_map" -j | jq .id)" "$map" "re-pinned map"
	assert_eq "$(health r3 redirect)" ok "health after --repair"
	# The runtime's path works again: a socket goes into the restored map.
	xsk_hold node r3 0 -- "$XW" sockmap-insert --device r3 --fd '{fd}' -q
	run -0 xsk_slot_taken node probe0 r3 0
	xsk_stop
}

@test "an install killed at each of its steps leaves leftovers status names and pin-gc removes" {
	local point n=0
	for point in pindir-lock pin-map@1 pin-map@2 pin-program attach pin-link; do
		n=$((n + 1))
		dev "k$n"
		run -137 in_ns node env XDPWIRE_TEST_FAULT="kill:$point" "$XW" redirect-install --device "k$n" -q
		# A killed run's unpinned link dies with it, a little later.
		poll_until 5000 no_xdp "k$n"
		run -0 --separate-stderr xw status -j --device "k$n"
		case $point in
		pindir-lock | pin-map@1)
			assert_json '.directories[0].empty and .directories[0].installs == []' ;;
		*)
			assert_json '.directories[0].installs[0] | .health == "broken" and .why == "redirect_link is missing and nothing of it is attached: what an install that died half-way leaves" and .pin_gc == "remove"' ;;
		esac
		local before
		before=$(bed_state node)
		run -0 --separate-stderr xw pin-gc --dry-run --device "k$n"
		assert_eq "$(bed_state node)" "$before" "state after --dry-run ($point)"
		[[ ${lines[-2]} == "would remove directory $BPFFS/k$n"* ]]
		run -0 --separate-stderr xw pin-gc --device "k$n"
		[[ ! -e $BPFFS/k$n ]] || { echo "$point: k$n left" >&2; false; }
		run -0 --separate-stderr xw pin-gc --device "k$n"
		assert_eq "$output" "nothing to do" "second pin-gc ($point)"
		xw redirect-install --device "k$n" -q
		assert_eq "$(health "k$n" redirect)" ok "fresh install after $point"
	done
}

@test "pins of the wrong type and planted symlinks are broken and left alone" {
	dev w0
	mkdir -m 700 "$BPFFS/w0"
	bpftool map create "$BPFFS/w0/tunnel_host_map" type hash key 4 value 4 entries 1 name wrong
	ln -s /etc/passwd "$BPFFS/w0/redirect_link"
	run -0 --separate-stderr xw status -j --device w0
	assert_json '.directories[0].installs[0] | .kind == "redirect" and .health == "broken" and .why == "redirect_link: a symbolic link, not a pinned object (not followed)" and .pin_gc == "leave"'
	assert_json '.directories[0].installs[1] | .kind == "tunnel host" and .health == "broken" and .why == "tunnel_host_map: pinned map is of type hash, expected devmap" and .pin_gc_repair == "leave"'
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --repair --device w0
	assert_eq "$(bed_state node)" "$before" "state after pin-gc"
	assert_eq "$stderr" "xdpwire pin-gc: warning: $BPFFS/w0: redirect install left alone: redirect_link: a symbolic link, not a pinned object (not followed)
xdpwire pin-gc: warning: $BPFFS/w0: tunnel host install left alone: tunnel_host_map: pinned map is of type hash, expected devmap" "two warnings"
	assert_eq "$output" "nothing pin-gc can do; 2 install(s) left alone (see warnings)" "summary"
	rm -r "$BPFFS/w0"
}

@test "--device may name a deleted device; a bad name is refused" {
	expect_refused 66 "xdpwire status: gone0: no such device and nothing pinned for it" xw status --device gone0
	expect_refused 65 "xdpwire status: --device: 'a/b' is not a valid device name: contains '/'" xw status --device a/b
	expect_refused 65 "xdpwire pin-gc: --device: '..' is not a valid device name: '.' and '..' are not device names" xw pin-gc --device ..
}

@test "pin-gc racing installs and sockmap-inserts removes no healthy install and loses no insert" {
	dev n4
	dev h4
	dev a4
	xw tunnel-install --device n4 -q
	xw redirect-install --device a4 -q
	local map round stop=$BED_DIR/gc-stop log=$BED_DIR/gc-log gc
	map=$(bpftool map show pinned "$BPFFS/a4/redirect_ip_map" -j | jq .id)
	xsk_hold node a4 0
	# Its warnings name the other tests' broken installs: only failures count.
	bed_bg in_ns node bash -c 'until [[ -e $1 ]]; do "$2" pin-gc -q 2>/dev/null || echo "pin-gc failed: $?"; done >"$3"' \
		bash "$stop" "$XW" "$log"
	gc=$BED_PID
	for round in $(seq 1 25); do
		dev "s$round"
		# Stale work for the collector, made as it runs.
		in_ns node env XDPWIRE_TEST_FAULT=kill:pin-link "$XW" redirect-install --device "s$round" -q || :
		xw tunnel-install --device n4 --veth h4 -q
		xw sockmap-insert --device a4 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)" --replace -q
		xsk_slot_taken node probe0 a4 0 || { echo "round $round: insert lost" >&2; false; }
		assert_eq "$(bed_devmap_slot0 "$BPFFS/n4/tunnel_host_map")" \
			"$(ipn node -j link show h4 | jq '.[0].ifindex')" "round $round: slot 0 of n4" || return
		xw tunnel-install --device n4 --veth h4 --unpin -q
		assert_eq "$(bpftool map show pinned "$BPFFS/a4/redirect_ip_map" -j | jq .id)" "$map" "round $round: a4's map" || return
	done
	touch "$stop"
	poll_until 20000 bed_gone "$gc"
	run -0 cat "$log"
	assert_eq "$output" "" "pin-gc failures"
	assert_eq "$(health n4 "tunnel host")" ok "n4"
	assert_eq "$(health a4 redirect)" ok "a4"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changes == []'
	xsk_stop
}

@test "completion: pin-gc's options" {
	load lib/complete
	run -0 complete_in node "xdpwire pin-gc --re"
	assert_eq "$output" --repair "--re<TAB>"
	run -0 complete_in node "xdpwire status --dev"
	assert_eq "$output" "$(printf '%s\n' --device --device-idx)" "--dev<TAB>"
}
