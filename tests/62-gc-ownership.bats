#!/usr/bin/env bats
# pin-gc touches only what it can prove is xdpwire's or the runtime
# convention's: an empty directory stays unless it carries xdpwire's mark
# (mode 1700) or this very run emptied it.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	bed_veth node probe0 peer probe0p
}

setup() {
	STATE_NS="node"
}

dev() {
	bed_veth node "$1" peer "p$1"
}

xw() {
	in_ns node "$XW" "$@"
}

# under_install TEXT: TEXT as status's table prints it under an install,
# starting in the INSTALL column of the heading in ${lines[0]}.
under_install() {
	local before=${lines[0]%%INSTALL*}
	printf '%*s%s' "${#before}" '' "$1"
}

@test "an empty directory another tool made survives pin-gc; one that this run emptied goes, marked or not" {
	mkdir "$BPFFS/myapp"
	mkdir -m 700 "$BPFFS/old0" # as the runtime, or an older xdpwire, makes one
	dev e0
	dev e1
	mkdir -m 700 "$BPFFS/e0" # unmarked, as an older xdpwire made it
	xw redirect-install --device e0 -q
	xw redirect-install --device e1 -q
	bpftool map create "$BPFFS/e1/theirs" type array key 4 value 4 entries 1 name theirs
	ipn node link del e0
	ipn node link del e1
	poll_until 5000 eval '[[ $(xw status -j | jq -r "[.directories[].installs[].health] | unique | join(\",\")") == stale ]]'
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --dry-run
	assert_eq "$(grep directory <<<"$output")" "would remove directory $BPFFS/e0: nothing left in it" "directories pin-gc --dry-run would remove"
	assert_eq "$(bed_state node)" "$before" "state after pin-gc --dry-run"
	run -0 --separate-stderr xw pin-gc -v
	assert_eq "$(grep directory <<<"$output")" "removed directory $BPFFS/e0: nothing left in it" "directories removed"
	[[ $stderr == *"$BPFFS/myapp: kept: empty, but not xdpwire's (no mark, mode 1700) and not emptied by this run"* ]]
	[[ ! -e $BPFFS/e0 ]]
	assert_eq "$(ls "$BPFFS/e1")" theirs "left in e1"
	assert_eq "$(stat -c %a "$BPFFS/myapp") $(stat -c %a "$BPFFS/old0")" "755 700" "the other tools' directories"
	run -0 --separate-stderr xw pin-gc
	assert_eq "$output" "nothing to do" "second pin-gc"
	rmdir "$BPFFS/myapp" "$BPFFS/old0"
	rm -r "$BPFFS/e1"
}

@test "xdpwire marks the directories it creates; pin-gc removes an empty one of them" {
	dev m0
	xw redirect-install --device m0 -q
	assert_eq "$(stat -c %a "$BPFFS/m0")" 1700 "mode of the pin directory"
	xw redirect-install --device m0 --unpin -q
	[[ ! -e $BPFFS/m0 ]]
	# An install killed right after it made its directory leaves it empty.
	run -137 in_ns node env XDPWIRE_TEST_FAULT=kill:pindir-lock "$XW" redirect-install --device m0 -q
	assert_eq "$(stat -c %a "$BPFFS/m0")" 1700 "mode of the killed run's directory"
	run -0 --separate-stderr xw pin-gc
	assert_eq "$output" "$(printf '%s\n' "removed directory $BPFFS/m0: empty, and marked as xdpwire's (mode 1700)" "1 directory changed")" "pin-gc"
	[[ ! -e $BPFFS/m0 ]]
}

@test "a link pin removed by hand: --repair attaches the pinned program again, same maps, the socket still in its slot" {
	dev l0
	xw redirect-install --device l0 --pass-port 2222 -q
	local map prog
	map=$(bpftool map show pinned "$BPFFS/l0/redirect_ip_map" -j | jq .id)
	prog=$(bpftool prog show pinned "$BPFFS/l0/redirect_program" -j | jq .id)
	xsk_hold node l0 0 -- "$XW" sockmap-insert --device l0 --fd '{fd}' -q
	rm "$BPFFS/l0/redirect_link"
	poll_until 5000 eval '[[ -z $(bed_prog_id node l0) ]]'
	local repair="xdpwire pin-gc --repair --bpffs $BPFFS --device l0"
	run -0 --separate-stderr xw status -j --device l0
	assert_json '.directories[0].installs[0] | .health == "broken" and .pin_gc_repair == "reattach" and .repair == "'"$repair"'"'
	run -0 --separate-stderr xw status --device l0
	assert_eq "${lines[3]}" "$(under_install "repair: $repair")" "the repair line under the install"
	# The exact command status gave, run as given.
	run -0 --separate-stderr in_ns node bash -c "PATH=$(dirname "$XW"):\$PATH; $repair"
	assert_eq "$(sed -E 's/ \(id [0-9]+\)//; s/, (native|generic): .*//' <<<"$output")" "$(printf '%s\n' \
		"attached program $BPFFS/l0/redirect_link: to l0 (ifindex $(ipn node -j link show l0 | jq '.[0].ifindex'))" \
		"1 directory changed")" "what --repair did"
	run -0 --separate-stderr xw status -j --device l0
	assert_json '.directories[0].installs[0] | .health == "ok" and .repair == null and .program.id == '"$prog"' and .maps.redirect_ip_map.id == '"$map"
	assert_eq "$(bed_prog_id node l0)" "$prog" "the pinned program attached again"
	# The runtime's socket was never re-inserted, and it is still there.
	run -0 xsk_slot_taken node probe0 l0 0
	xsk_stop
	# The program keeps its configuration: a re-run with it changes nothing.
	run -0 --separate-stderr xw redirect-install --device l0 --pass-port 2222
	[[ $output == *"nothing changed"* ]]
}

@test "status names the command for each unhealthy install: pin-gc where nothing can be restored, none where a person must look" {
	dev g0
	dev g1
	xw redirect-install --device g0 -q
	ipn node link del g0
	mkdir -m 700 "$BPFFS/g1"
	ln -s /etc/passwd "$BPFFS/g1/redirect_link"
	poll_until 5000 eval '[[ $(xw status -j --device g0 | jq -r ".directories[0].installs[0].health") == stale ]]'
	run -0 --separate-stderr xw status -j
	assert_json '[.directories[] | select(.device == "g0" or .device == "g1") | .installs[0].repair] == ["xdpwire pin-gc --bpffs '"$BPFFS"' --device g0", null]'
	run -0 --separate-stderr xw status --device g1
	assert_eq "${lines[3]}" "$(under_install "repair: no command for it (see why)")" "no command for a planted symlink"
	run -0 --separate-stderr in_ns node bash -c "PATH=$(dirname "$XW"):\$PATH; xdpwire pin-gc --bpffs $BPFFS --device g0"
	[[ ! -e $BPFFS/g0 ]]
	rm -r "$BPFFS/g1"
}

# runtime_wire NIC VETH: wires VETH to NIC as an unchanged runtime does in
# its tunnel mode, its own program pinned under the convention's names.
runtime_wire() {
	in_ns node "$XW_HELPERS/xw-runtime-wire" "$XW_HELPERS/runtime_veth.bpf.o" \
		"$2" "$BPFFS/$2" "$BPFFS/$1/tunnel_host_map" "$1"
}

ifindex() {
	ipn node -j link show "$1" | jq '.[0].ifindex'
}

@test "a veth the runtime wired itself: status shows the runtime's install, ok; tunnel-install --veth refuses it, changing nothing" {
	dev rn0
	dev rv0
	xw tunnel-install --device rn0 -q
	runtime_wire rn0 rv0
	local prog link
	prog=$(bpftool prog show pinned "$BPFFS/rv0/tunnel_veth_program" -j | jq .id)
	link=$(bpftool link show pinned "$BPFFS/rv0/tunnel_veth_link" -j | jq .id)
	run -0 --separate-stderr xw status -j --device rv0
	assert_json '.directories[0].installs == [.directories[0].installs[0]] and (.directories[0].installs[0] | .kind == "tunnel veth" and .owner == "runtime" and .health == "ok" and .why == null and .repair == null and .pin_gc == "none" and .program.name == "xdp_veth_prog" and .program.id == '"$prog"' and .link.id == '"$link"' and .link.device == "rv0")'
	assert_json '.directories[0].installs[0].maps.tunnel_veth_map.slots[0].device == "rn0"'
	run -0 --separate-stderr xw status --device rv0
	assert_eq "${lines[2]}" "$(under_install "owner: the runtime's own (its program, judged by its link and device)")" "owner line"
	assert_eq "${lines[-1]}" "1 install(s), 1 ok, 0 not" "summary"
	# pin-gc leaves a healthy runtime install alone, --repair too.
	run -0 --separate-stderr xw pin-gc --repair --device rv0
	assert_eq "$output" "nothing to do" "pin-gc --repair"
	expect_refused 69 "xdpwire tunnel-install: rv0: already wired by the runtime itself: link $link (tunnel_veth_link) runs its program $prog (xdp_veth_prog), not xdpwire's: nothing changed" \
		xw tunnel-install --device rn0 --veth rv0
	expect_refused_json 69 xw tunnel-install --device rn0 --veth rv0
	assert_json '.error | test("already wired by the runtime itself")'
	assert_eq "$(bed_prog_id node rv0)" "$prog" "the runtime's program on rv0"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/rn0/tunnel_host_map")" "$(ifindex rv0)" "slot 0 of rn0"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/rv0/tunnel_veth_map")" "$(ifindex rn0)" "slot 0 of rv0"
}

@test "the runtime's veth deleted: its install is stale, and pin-gc removes its pins and the directory it made" {
	dev rn1
	dev rv1
	xw tunnel-install --device rn1 -q
	runtime_wire rn1 rv1
	ipn node link del rv1
	poll_until 5000 eval '[[ $(xw status -j --device rv1 | jq -r ".directories[0].installs[0].health") == stale ]]'
	run -0 --separate-stderr xw status -j --device rv1
	assert_json '.directories[0].installs[0] | .owner == "runtime" and (.why | test("^link [0-9]+ is detached: its device was deleted$")) and .pin_gc == "remove" and .repair == "xdpwire pin-gc --bpffs '"$BPFFS"' --device rv1"'
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --dry-run --device rv1
	assert_eq "$(bed_state node)" "$before" "state after --dry-run"
	run -0 --separate-stderr xw pin-gc --device rv1
	assert_eq "$(sed -E 's/ \(id [0-9]+\)//; s/: link [0-9]+ is detached: its device was deleted$//' <<<"$output")" "$(printf '%s\n' \
		"removed link $BPFFS/rv1/tunnel_veth_link" \
		"removed program $BPFFS/rv1/tunnel_veth_program" \
		"removed map $BPFFS/rv1/tunnel_veth_map" \
		"removed directory $BPFFS/rv1: nothing left in it" \
		"1 directory changed")" "pin-gc"
	[[ ! -e $BPFFS/rv1 ]]
	assert_eq "$(xw status -j --device rn1 | jq -r '.directories[0].installs[0].health')" ok "the NIC's install"
	run -0 --separate-stderr xw pin-gc --device rv1
	assert_eq "$output" "nothing to do" "second pin-gc"
}

@test "a runtime caught half-way (its program attached, its map pinned) is left alone; once it died, pin-gc removes what it left" {
	dev rn2
	dev rv2
	xw tunnel-install --device rn2 -q
	local out=$BED_DIR/runtime-hold.out holder prog
	bed_bg in_ns node env XW_RUNTIME_HOLD_AFTER=map "$XW_HELPERS/xw-runtime-wire" \
		"$XW_HELPERS/runtime_veth.bpf.o" rv2 "$BPFFS/rv2" "$BPFFS/rn2/tunnel_host_map" rn2 >"$out"
	holder=$BED_PID
	poll_until 5000 grep -qx holding "$out"
	prog=$(bed_prog_id node rv2)
	run -0 --separate-stderr xw status -j --device rv2
	assert_json '.directories[0].installs[0] | .health == "broken" and .pin_gc == "leave" and .pin_gc_repair == "leave" and .repair == null and .why == "tunnel_veth_link is missing and program '"$prog"', not xdpwire'"'"'s, is attached to rv2: the runtime may be wiring it"'
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --device rv2
	assert_eq "$stderr" "xdpwire pin-gc: warning: $BPFFS/rv2: tunnel veth install left alone: tunnel_veth_link is missing and program $prog, not xdpwire's, is attached to rv2: the runtime may be wiring it" "warning"
	assert_eq "$(bed_state node)" "$before" "state after pin-gc"
	# The runtime dies: its unpinned link, and its program, go with it.
	kill "$holder"
	poll_until 5000 bed_gone "$holder"
	poll_until 5000 eval '[[ -z $(bed_prog_id node rv2) ]]'
	run -0 --separate-stderr xw pin-gc --device rv2
	assert_eq "$(sed -E 's/ \(id [0-9]+\)//; s/: tunnel_veth_link is missing .*//' <<<"$output")" "$(printf '%s\n' \
		"removed map $BPFFS/rv2/tunnel_veth_map" \
		"removed directory $BPFFS/rv2: nothing left in it" \
		"1 directory changed")" "pin-gc after the runtime died"
	[[ ! -e $BPFFS/rv2 ]]
}

@test "an install of another namespace, seen from outside: its repair command names that namespace, and works as given" {
	bed_veth node ox0 peer ns0
	in_ns node "$XW" redirect-install --netns "$(ns_path peer)" --device ns0 -q
	local ino dir
	ino=$(stat -L -c %i "$(ns_path peer)")
	dir=$BPFFS/netns:$ino/ns0
	rm "$dir/redirect_program"
	local repair="xdpwire pin-gc --repair --netns $(ns_path peer) --bpffs $BPFFS --device ns0"
	run -0 --separate-stderr xw status -j
	assert_json '[.directories[] | select(.netns == "netns:'"$ino"'") | .installs[0] | {health, pin_gc_repair, repair}] == [{"health":"broken","pin_gc_repair":"repin","repair":"'"$repair"'"}]'
	run -0 --separate-stderr in_ns node bash -c "PATH=$(dirname "$XW"):\$PATH; $repair"
	run -0 --separate-stderr xw status -j --netns "$(ns_path peer)"
	assert_json '.directories[0].installs[0] | .health == "ok" and .repair == null'
	# Its link pin lost: from outside, the device cannot be looked up, so
	# the command judges it inside the namespace, where --repair attaches it.
	rm "$dir/redirect_link"
	poll_until 5000 eval '[[ -z $(in_ns peer ip -j -d link show ns0 | jq -r ".[0].xdp.prog.id // empty") ]]'
	run -0 --separate-stderr xw status -j
	assert_json '[.directories[] | select(.netns == "netns:'"$ino"'") | .installs[0].repair] == ["'"$repair"'"]'
	run -0 --separate-stderr in_ns node bash -c "PATH=$(dirname "$XW"):\$PATH; $repair"
	run -0 --separate-stderr xw status -j --netns "$(ns_path peer)"
	assert_json '.directories[0].installs[0] | .health == "ok" and .repair == null'
	in_ns node "$XW" redirect-install --netns "$(ns_path peer)" --device ns0 --unpin -q
}
