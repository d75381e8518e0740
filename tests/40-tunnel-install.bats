#!/usr/bin/env bats
# tunnel-install's pins and wiring on real devices: the node's install on a
# NIC, wiring and unwiring sandboxes by --veth and by --peer, what remains
# after each --unpin, and the refusals, each with its message, exit code
# and nothing changed.  Frames are the business of 41-tunnel-traffic.bats.
#
# Namespaces: "host" holds the NICs (veths to "outside") and the host sides
# of the sandboxes' pairs; each sandbox side is in "sandbox".

load lib/test

setup_file() {
	bed_setup
	bed_ns host outside sandbox third
}

setup() {
	STATE_NS="host sandbox"
}

# nic NAME: a NIC in host, its other end in outside.
nic() {
	bed_veth host "$1" outside "o$1"
}

# sandbox HOSTSIDE SANDBOXSIDE: a sandbox's pair.
sandbox() {
	bed_veth host "$1" sandbox "$2"
}

xw() {
	in_ns host "$XW" "$@"
}

# set_slot MAPPIN IFINDEX: as a crashed runtime or a hand might leave it.
# The kernel resolves the ifindex in the caller's namespace: host's.
set_slot() {
	local i=$2
	in_ns host bpftool map update pinned "$1" key 0 0 0 0 value \
		$((i & 255)) $((i >> 8 & 255)) $((i >> 16 & 255)) $((i >> 24))
}

ifindex() {
	ipn "$1" -j link show dev "$2" | jq -r '.[0].ifindex'
}

@test "the node's install pins map, counters, program and link; a re-run changes nothing" {
	nic n0
	run -0 --separate-stderr xw tunnel-install --device n0 -j
	assert_json '.changed and .install == "tunnel host" and .pass_ports == [22]'
	local prog=$(json .program_id) map=$(json .maps.tunnel_host_map.id)
	run -0 bpftool map show pinned "$BPFFS/n0/tunnel_host_map" -j
	assert_json ".id == $map and .type == \"devmap\" and .bytes_key == 4 and .bytes_value == 4"
	run -0 bpftool map show pinned "$BPFFS/n0/tunnel_host_counters" -j
	assert_json '.type == "percpu_array" and .bytes_value == 8'
	run -0 bpftool prog show pinned "$BPFFS/n0/tunnel_host_program" -j
	assert_json ".id == $prog and .type == \"xdp\""
	run -0 bpftool link show pinned "$BPFFS/n0/tunnel_host_link" -j
	assert_json ".prog_id == $prog"
	assert_eq "$(bed_prog_id host n0)" "$prog" "program attached to n0"
	assert_eq "$(stat -c %a "$BPFFS/n0")" 1700 "mode of the pin directory (0700 and xdpwire's mark)"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n0/tunnel_host_map")" "" "slot 0 before any sandbox"

	run -0 --separate-stderr xw tunnel-install --device n0 -j
	assert_json '(.changed | not) and .changes == []'
	assert_eq "$(json .program_id)" "$prog" "program after a re-run"
}

@test "other pass ports replace the program through the link and keep the map" {
	nic n1
	sandbox h1 s1
	xw tunnel-install --device n1 -q
	xw tunnel-install --device n1 --veth h1 -q
	run -0 --separate-stderr xw tunnel-install --device n1 -j
	local prog=$(json .program_id) link=$(json .link_id) map=$(json .maps.tunnel_host_map.id)
	run -0 --separate-stderr xw tunnel-install --device n1 --pass-port 2222 -j
	assert_json ".changed and .pass_ports == [2222] and .link_id == $link and .maps.tunnel_host_map.id == $map"
	[[ $(json .program_id) != "$prog" ]]
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n1/tunnel_host_map")" "$(ifindex host h1)" "slot 0 after the replacement"
}

@test "wiring by --veth points each side at the other, and a re-run changes nothing" {
	nic n2
	sandbox h2 s2
	xw tunnel-install --device n2 -q
	run -0 --separate-stderr xw tunnel-install --device n2 --veth h2 -j
	assert_json '.changed and .veth == "h2" and .install == "tunnel veth"'
	local prog=$(json .veth_program_id)
	assert_json '[.changes[] | select(.action == "set") | .path] == ["'"$BPFFS"'/h2/tunnel_veth_map", "'"$BPFFS"'/n2/tunnel_host_map"]'
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n2/tunnel_host_map")" "$(ifindex host h2)" "NIC's slot 0"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/h2/tunnel_veth_map")" "$(ifindex host n2)" "veth's slot 0"
	run -0 bpftool map show pinned "$BPFFS/h2/tunnel_veth_map" -j
	assert_json '.type == "devmap" and .bytes_key == 4 and .bytes_value == 4'
	assert_eq "$(bed_prog_id host h2)" "$prog" "program on h2"
	run -0 in_ns host xdp-loader status h2
	[[ $output =~ h2[[:space:]]+xw_tunnel_veth ]]

	run -0 --separate-stderr xw tunnel-install --device n2 --veth h2 -j
	assert_json '(.changed | not) and .changes == []'
}

@test "--peer finds the host side through the kernel, whatever its name" {
	nic n3
	# Neither side's name says "veth", and a decoy pair sorts first.
	sandbox aaa-decoy eth9
	sandbox uplink-s3 eth0
	xw tunnel-install --device n3 -q
	run -0 --separate-stderr xw tunnel-install --device n3 --peer eth0 --netns "$(ns_path sandbox)" -j
	assert_json '.veth == "uplink-s3"'
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n3/tunnel_host_map")" "$(ifindex host uplink-s3)" "NIC's slot 0"
	[[ ! -e $BPFFS/aaa-decoy ]]
	# --peer and --veth name the same wiring.
	run -0 --separate-stderr xw tunnel-install --device n3 --veth uplink-s3 -j
	assert_json '(.changed | not)'
}

@test "per-sandbox --unpin keeps the node's install; a second sandbox can be wired" {
	nic n4
	sandbox h4a s4a
	sandbox h4b s4b
	xw tunnel-install --device n4 -q
	xw tunnel-install --device n4 --veth h4a -q
	local prog=$(bed_prog_id host n4)
	run -0 --separate-stderr xw tunnel-install --device n4 --peer s4a --netns "$(ns_path sandbox)" --unpin -j
	assert_json '.changed and ([.changes[].action] | index("cleared") != null)'
	[[ ! -e $BPFFS/h4a ]]
	assert_eq "$(bed_prog_id host h4a)" "" "program on h4a"
	assert_eq "$(bed_prog_id host n4)" "$prog" "program on n4"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n4/tunnel_host_map")" "" "NIC's slot 0"
	run -0 --separate-stderr xw tunnel-install --device n4 --veth h4a --unpin
	assert_eq "$output" "n4 <-> h4a: not wired: nothing to remove"

	run -0 --separate-stderr xw tunnel-install --device n4 --veth h4b -q
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n4/tunnel_host_map")" "$(ifindex host h4b)" "NIC's slot 0"
}

@test "unwiring a veth the NIC no longer points at leaves the NIC's slot alone" {
	nic n5
	sandbox h5a s5a
	sandbox h5b s5b
	xw tunnel-install --device n5 -q
	xw tunnel-install --device n5 --veth h5a -q
	# As a crashed runtime leaves it: the NIC's slot moved on by hand.
	set_slot "$BPFFS/n5/tunnel_host_map" "$(ifindex host h5b)"
	run -0 --separate-stderr xw tunnel-install --device n5 --veth h5a --unpin -j
	assert_json '[.changes[].action] | index("cleared") == null'
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n5/tunnel_host_map")" "$(ifindex host h5b)" "NIC's slot 0"
	[[ ! -e $BPFFS/h5a ]]
}

@test "node --unpin removes the wired sandbox too: nothing of ours is left" {
	nic n6
	sandbox h6 s6
	xw tunnel-install --device n6 -q
	xw tunnel-install --device n6 --veth h6 -q
	run -0 --separate-stderr xw tunnel-install --device n6 --unpin -j
	assert_json '.changed'
	[[ ! -e $BPFFS/n6 && ! -e $BPFFS/h6 ]]
	run -0 in_ns host bpftool net show -j
	assert_json '[.[0].xdp[] | select(.devname == "n6" or .devname == "h6")] == []'
	run -0 bpftool link show -j
	assert_json '[.[] | select(.type == "xdp" and (.ifindex == '"$(ifindex host n6)"' or .ifindex == '"$(ifindex host h6)"'))] == []'
	run -0 --separate-stderr xw tunnel-install --device n6 --unpin
	assert_eq "$output" "n6: no tunnel host installed: nothing to remove"
}

@test "node --unpin finds every sandbox wired to the NIC, and what a killed --unpin left" {
	nic n20
	sandbox h20a s20a
	sandbox h20b s20b
	sandbox h20c s20c
	xw tunnel-install --device n20 -q
	xw tunnel-install --device n20 --veth h20a -q
	# The NIC's slot cleared, h20a still wired: an --unpin killed
	# half-way; then h20b wired in its place.
	in_ns host bpftool map delete pinned "$BPFFS/n20/tunnel_host_map" key 0 0 0 0
	xw tunnel-install --device n20 --veth h20b -q
	# h20c unwired up to its directory, its record left in the NIC's:
	# killed before it removed the directory and the record.
	mkdir -m 1700 "$BPFFS/h20c"
	bpftool map pin id "$(bpftool map show pinned "$BPFFS/n20/tunnel_host_map" -j | jq .id)" "$BPFFS/n20/xw_tmp_unwire_h20c"
	run -0 --separate-stderr xw tunnel-install --device n20 --unpin
	assert_eq "$stderr" "" "stderr"
	[[ ! -e $BPFFS/n20 && ! -e $BPFFS/h20a && ! -e $BPFFS/h20b && ! -e $BPFFS/h20c ]]
	poll_until 5000 eval '[[ -z $(bed_prog_id host h20a)$(bed_prog_id host h20b)$(bed_prog_id host n20) ]]'
	run -0 --separate-stderr xw tunnel-install --device n20 --unpin
	assert_eq "$output" "n20: no tunnel host installed: nothing to remove"
}

@test "redirect and tunnel exclude each other on one device, both ways" {
	nic n7
	nic n8
	xw redirect-install --device n7 -q
	xw tunnel-install --device n8 -q
	expect_refused 69 "xdpwire tunnel-install: $BPFFS/n7: holds a redirect install (redirect_link): a device carries one of tunnel host and redirect, not both; remove the redirect first" \
		xw tunnel-install --device n7
	expect_refused 69 "xdpwire redirect-install: $BPFFS/n8: holds a tunnel host install (tunnel_host_link): a device carries one of redirect and tunnel host, not both; remove the tunnel host first" \
		xw redirect-install --device n8
}

@test "a VETH that is no veth is refused" {
	nic n9
	xw tunnel-install --device n9 -q
	ipn host link add br9 type bridge
	expect_refused 65 "xdpwire tunnel-install: br9: not a veth (it is a bridge)" \
		xw tunnel-install --device n9 --veth br9
	expect_refused_json 65 xw tunnel-install --device n9 --veth br9
	expect_refused 66 "xdpwire tunnel-install: nosuch: no such device" \
		xw tunnel-install --device n9 --veth nosuch
	expect_refused 64 "xdpwire tunnel-install: n9: the sandbox's veth cannot be the host device itself" \
		xw tunnel-install --device n9 --veth n9
}

@test "wiring to a NIC without the node's install is refused" {
	nic n10
	sandbox h10 s10
	expect_refused 66 "xdpwire tunnel-install: n10: no tunnel installed (run tunnel-install --device n10 first)" \
		xw tunnel-install --device n10 --veth h10
}

@test "a peer in no namespace we can reach is refused" {
	nic n11
	xw tunnel-install --device n11 -q
	# The pair joins sandbox and third: its other end is not here.
	bed_veth third t11 sandbox s11
	local id
	id=$(ipn sandbox -j link show dev s11 | jq -r '.[0].link_netnsid')
	expect_refused 66 "xdpwire tunnel-install: s11 in $(ns_path sandbox): its other end is in a third namespace (id $id there), not in this one" \
		xw tunnel-install --device n11 --peer s11 --netns "$(ns_path sandbox)"
	expect_refused 66 "xdpwire tunnel-install: nosuch in $(ns_path sandbox): no such device in that namespace" \
		xw tunnel-install --device n11 --peer nosuch --netns "$(ns_path sandbox)"
	expect_refused 66 "xdpwire tunnel-install: /run/netns/$BED_ID-gone: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)" \
		xw tunnel-install --device n11 --peer s11 --netns "/run/netns/$BED_ID-gone"
	expect_refused 64 "xdpwire tunnel-install: --peer: needs --netns PATH, the sandbox's network namespace" \
		xw tunnel-install --device n11 --peer s11
}

@test "one veth wired to two NICs, or two veths to one NIC: refused" {
	nic n12
	nic n13
	sandbox h12 s12
	sandbox h13 s13
	xw tunnel-install --device n12 -q
	xw tunnel-install --device n13 -q
	xw tunnel-install --device n12 --veth h12 -q
	expect_refused 69 "xdpwire tunnel-install: h12: already wired to n12 (ifindex $(ifindex host n12)): unwire it there first (tunnel-install --device n12 --veth h12 --unpin)" \
		xw tunnel-install --device n13 --veth h12
	expect_refused 69 "xdpwire tunnel-install: n12: already wired to h12 (ifindex $(ifindex host h12)): unwire it first (tunnel-install --device n12 --veth h12 --unpin)" \
		xw tunnel-install --device n12 --veth h13
}

@test "pinned maps of the wrong type are refused and left alone" {
	nic n14
	sandbox h14 s14
	mkdir -m 700 "$BPFFS/n14"
	bpftool map create "$BPFFS/n14/tunnel_host_map" type hash key 4 value 4 entries 1 name bad
	expect_refused 65 "xdpwire tunnel-install: $BPFFS/n14/tunnel_host_map: pinned map is of type hash, expected devmap: left alone" \
		xw tunnel-install --device n14
	expect_refused 65 "xdpwire tunnel-install: $BPFFS/n14/tunnel_host_map: pinned map is of type hash, expected devmap: left alone" \
		xw tunnel-install --device n14 --veth h14
	rm -r "$BPFFS/n14"

	xw tunnel-install --device n14 -q
	mkdir -m 700 "$BPFFS/h14"
	bpftool map create "$BPFFS/h14/tunnel_veth_map" type xskmap key 4 value 4 entries 1 name bad
	expect_refused 65 "xdpwire tunnel-install: $BPFFS/h14/tunnel_veth_map: pinned map is of type xskmap, expected devmap: left alone" \
		xw tunnel-install --device n14 --veth h14
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n14/tunnel_host_map")" "" "NIC's slot 0"
}

@test "option mistakes are usage errors" {
	nic n15
	expect_refused 64 "xdpwire tunnel-install: --peer: give --veth or --peer, not both" \
		xw tunnel-install --device n15 --veth a --peer b --netns "$(ns_path sandbox)"
	expect_refused 64 "xdpwire tunnel-install: --pass-port: belongs to the node set-up (without --veth or --peer): the veth sends every frame to the NIC" \
		xw tunnel-install --device n15 --veth a --pass-port 22
	expect_refused 65 "xdpwire tunnel-install: --veth: 'a/b' is not a valid device name: contains '/'" \
		xw tunnel-install --device n15 --veth a/b
	expect_refused 64 "xdpwire tunnel-install: --device: no device specified (--device NAME or --device-idx N)" \
		xw tunnel-install --veth a
}

@test "a failure while setting the slots leaves nothing of the run behind" {
	nic n16
	sandbox h16 s16
	xw tunnel-install --device n16 -q
	expect_refused 71 "xdpwire tunnel-install: $BPFFS/h16/tunnel_veth_map: cannot set slot 0: Input/output error" \
		in_ns host env XDPWIRE_TEST_FAULT=set-slot "$XW" tunnel-install --device n16 --veth h16
	assert_eq "$(bed_prog_id host h16)" "" "program on h16"
}

@test "completion: --peer offers the sandbox's devices, --veth and --device the host's" {
	load lib/complete
	sandbox cplh17 cpls17
	local ns
	ns=$(ns_path sandbox)
	run -0 complete_in host "xdpwire tunnel-install --netns $ns --peer cpls"
	assert_eq "$output" cpls17 "--peer cpls<TAB>"
	run -0 complete_in host "xdpwire tunnel-install --netns $ns --peer cpls17 --veth cplh"
	assert_eq "$output" cplh17 "--veth cplh<TAB> with --peer"
	run -0 complete_in host "xdpwire tunnel-install --peer cpls17 --netns $ns --device cplh"
	assert_eq "$output" cplh17 "--device cplh<TAB> with --peer"
	run -0 complete_in host "xdpwire tunnel-install --netns $ns --device cpls"
	assert_eq "$output" cpls17 "--device cpls<TAB> with --netns alone"
}

# map_field NIC PIN FILTER: a jq filter over bpftool's view of a pinned map.
map_field() {
	bpftool map show pinned "$BPFFS/$1/$2" -j | jq -r "$3"
}

# table_ids NIC: the ids and sizes of the NIC's three sandbox tables.
table_ids() {
	local pin
	for pin in tunnel_host_sandbox_map tunnel_host_ipv4_owner_map tunnel_host_ipv6_owner_map; do
		map_field "$1" "$pin" '"\(.id) \(.max_entries)"'
	done
}

@test "the node's tables: 1024 sandboxes and 4096 addresses (16384 slots) unless sized" {
	nic n30
	run -0 --separate-stderr xw tunnel-install --device n30 -j
	assert_json '.max_sandboxes == 1024 and .max_addresses == 4096'
	assert_json '.maps.tunnel_host_sandbox_map.entries == 1024 and .maps.tunnel_host_ipv4_owner_map.entries == 16384'
	assert_eq "$(map_field n30 tunnel_host_sandbox_map '"\(.type) \(.bytes_key) \(.bytes_value) \(.max_entries)"')" \
		"devmap_hash 4 4 1024" "sandbox map"
	assert_eq "$(map_field n30 tunnel_host_ipv4_owner_map '"\(.type) \(.bytes_key) \(.bytes_value) \(.max_entries)"')" \
		"array 4 8 16384" "IPv4 owner table"
	assert_eq "$(map_field n30 tunnel_host_ipv6_owner_map '"\(.type) \(.bytes_key) \(.bytes_value) \(.max_entries)"')" \
		"array 4 32 16384" "IPv6 owner table"

	# 100 addresses round up to 128: 512 slots per family.
	nic n31
	run -0 --separate-stderr xw tunnel-install --device n31 --max-sandboxes 3 --max-addresses 100 -j
	assert_json '.changed and .max_sandboxes == 3 and .max_addresses == 128'
	assert_eq "$(map_field n31 tunnel_host_sandbox_map .max_entries)" 3 "sandbox map entries"
	assert_eq "$(map_field n31 tunnel_host_ipv4_owner_map .max_entries)" 512 "IPv4 owner slots"
	assert_eq "$(map_field n31 tunnel_host_ipv6_owner_map .max_entries)" 512 "IPv6 owner slots"
	# The extremes of the ranges.
	nic n32
	run -0 --separate-stderr xw tunnel-install --device n32 --max-sandboxes 65536 --max-addresses 1 -j
	assert_json '.max_sandboxes == 65536 and .max_addresses == 1'
	assert_eq "$(map_field n32 tunnel_host_ipv6_owner_map .max_entries)" 4 "IPv6 owner slots for one address"
}

@test "a pinned table keeps its size: a re-run changes nothing, another size is refused" {
	nic n33
	xw tunnel-install --device n33 --max-sandboxes 16 --max-addresses 64 -q
	local ids prog
	ids=$(table_ids n33)
	prog=$(bed_prog_id host n33)
	# Without the options, with the same sizes, or with a size that
	# rounds to the same table: nothing changes.
	run -0 --separate-stderr xw tunnel-install --device n33 -j
	assert_json '(.changed | not) and .max_sandboxes == 16 and .max_addresses == 64'
	run -0 --separate-stderr xw tunnel-install --device n33 --max-sandboxes 16 --max-addresses 64 -j
	assert_json '(.changed | not) and .changes == []'
	run -0 --separate-stderr xw tunnel-install --device n33 --max-addresses 33 -j
	assert_json '(.changed | not) and .max_addresses == 64'
	assert_eq "$(table_ids n33)" "$ids" "tables after the re-runs"
	assert_eq "$(bed_prog_id host n33)" "$prog" "program after the re-runs"

	expect_refused 65 "xdpwire tunnel-install: $BPFFS/n33/tunnel_host_sandbox_map: pinned with 16 entries, --max-sandboxes asks for 32: a map's size is fixed when it is made (tunnel-install --device n33 --unpin, then install again; it unwires every sandbox)" \
		xw tunnel-install --device n33 --max-sandboxes 32
	expect_refused 65 "xdpwire tunnel-install: $BPFFS/n33/tunnel_host_ipv4_owner_map: pinned with 256 entries, --max-addresses asks for 512: a map's size is fixed when it is made (tunnel-install --device n33 --unpin, then install again; it unwires every sandbox)" \
		xw tunnel-install --device n33 --max-sandboxes 16 --max-addresses 65
	expect_refused_json 65 xw tunnel-install --device n33 --max-addresses 4096
	# Not even the pass ports of a refused run change.
	expect_refused 65 "xdpwire tunnel-install: $BPFFS/n33/tunnel_host_sandbox_map: pinned with 16 entries, --max-sandboxes asks for 1024: a map's size is fixed when it is made (tunnel-install --device n33 --unpin, then install again; it unwires every sandbox)" \
		xw tunnel-install --device n33 --max-sandboxes 1024 --pass-port 2222
	assert_eq "$(table_ids n33)" "$ids" "tables after the refusals"
	assert_eq "$(bed_prog_id host n33)" "$prog" "program after the refusals"

	# The way out the message names: --unpin, then install again.
	xw tunnel-install --device n33 --unpin -q
	run -0 --separate-stderr xw tunnel-install --device n33 --max-sandboxes 32 -j
	assert_json '.max_sandboxes == 32 and .max_addresses == 4096'
	assert_eq "$(map_field n33 tunnel_host_sandbox_map .max_entries)" 32 "sandbox map entries"
}

@test "a default install re-run with the default sizes changes nothing" {
	nic n34
	xw tunnel-install --device n34 -q
	local ids
	ids=$(table_ids n34)
	run -0 --separate-stderr xw tunnel-install --device n34 --max-sandboxes 1024 --max-addresses 4096 -j
	assert_json '(.changed | not) and .changes == [] and .max_sandboxes == 1024 and .max_addresses == 4096'
	assert_eq "$(table_ids n34)" "$ids" "tables after the re-run"
}

@test "the table sizes belong to the node set-up, within their ranges" {
	nic n35
	sandbox h35 s35
	xw tunnel-install --device n35 -q
	expect_refused 64 "xdpwire tunnel-install: --max-sandboxes: belongs to the node set-up (without --veth or --peer): the NIC's tables are sized once, for every sandbox" \
		xw tunnel-install --device n35 --veth h35 --max-sandboxes 4
	expect_refused 64 "xdpwire tunnel-install: --max-addresses: belongs to the node set-up (without --veth or --peer): the NIC's tables are sized once, for every sandbox" \
		xw tunnel-install --device n35 --peer s35 --netns "$(ns_path sandbox)" --max-addresses 4
	expect_refused 64 "xdpwire tunnel-install: --max-sandboxes: sizes an install: --unpin takes none" \
		xw tunnel-install --device n35 --unpin --max-sandboxes 4
	expect_refused 64 "xdpwire tunnel-install: --max-addresses: sizes an install: --unpin takes none" \
		xw tunnel-install --device n35 --unpin --max-addresses 4
	expect_refused 65 "xdpwire tunnel-install: --max-sandboxes: '0' is not a number of sandboxes (1-65536)" \
		xw tunnel-install --device n35 --max-sandboxes 0
	expect_refused 65 "xdpwire tunnel-install: --max-sandboxes: '65537' is not a number of sandboxes (1-65536)" \
		xw tunnel-install --device n35 --max-sandboxes 65537
	expect_refused 65 "xdpwire tunnel-install: --max-addresses: '1048577' is not a number of addresses (1-1048576)" \
		xw tunnel-install --device n35 --max-addresses 1048577
	expect_refused 65 "xdpwire tunnel-install: --max-addresses: '0x10' is not a number of addresses (1-1048576)" \
		xw tunnel-install --device n35 --max-addresses 0x10
}

# map_json PIN: bpftool's view of a pinned map, one line.
map_json() {
	bpftool map show pinned "$1" -j | jq -c '{type, bytes_key, bytes_value, max_entries, id}'
}

@test "the node's install pins the sandbox map and both owner tables; a re-run keeps them" {
	nic n40
	run -0 --separate-stderr xw tunnel-install --device n40 -j
	local sb=$(json .maps.tunnel_host_sandbox_map.id) o4=$(json .maps.tunnel_host_ipv4_owner_map.id) \
		o6=$(json .maps.tunnel_host_ipv6_owner_map.id) prog=$(json .program_id)
	assert_eq "$(map_json "$BPFFS/n40/tunnel_host_sandbox_map")" \
		'{"type":"devmap_hash","bytes_key":4,"bytes_value":4,"max_entries":1024,"id":'"$sb"'}' "sandbox map"
	assert_eq "$(map_json "$BPFFS/n40/tunnel_host_ipv4_owner_map")" \
		'{"type":"array","bytes_key":4,"bytes_value":8,"max_entries":16384,"id":'"$o4"'}' "IPv4 owner table"
	assert_eq "$(map_json "$BPFFS/n40/tunnel_host_ipv6_owner_map")" \
		'{"type":"array","bytes_key":4,"bytes_value":32,"max_entries":16384,"id":'"$o6"'}' "IPv6 owner table"
	run -0 bpftool prog show pinned "$BPFFS/n40/tunnel_host_program" -j
	assert_json "[.map_ids[] | select(. == $sb or . == $o4 or . == $o6)] | length == 3"

	run -0 --separate-stderr xw tunnel-install --device n40 -j
	assert_json "(.changed | not) and .program_id == $prog and .maps.tunnel_host_sandbox_map.id == $sb and .maps.tunnel_host_ipv4_owner_map.id == $o4 and .maps.tunnel_host_ipv6_owner_map.id == $o6"
	run -0 --separate-stderr xw status -j --device n40
	assert_json '.directories[0].installs[0] | .health == "ok" and .pins.tunnel_host_sandbox_map == "present" and .pins.tunnel_host_ipv4_owner_map == "present" and .pins.tunnel_host_ipv6_owner_map == "present"'
}

# The owner tables are ARRAYs so that the verifier inlines each probe: a
# lookup left as a call costs more than the whole single-sandbox program.
@test "the tunnel host program's owner and counter lookups are inlined" {
	nic n41
	run -0 --separate-stderr xw tunnel-install --device n41 -j
	local o4=$(json .maps.tunnel_host_ipv4_owner_map.id) o6=$(json .maps.tunnel_host_ipv6_owner_map.id)
	run -0 bpftool prog dump xlated pinned "$BPFFS/n41/tunnel_host_program"
	[[ $output == *"map[id:$o4]"* && $output == *"map[id:$o6]"* ]]
	if grep -q 'call .*lookup_elem' <<<"$output"; then
		grep 'call .*lookup_elem' <<<"$output" >&2
		bed_fail "a map lookup of the tunnel host program is not inlined"
	fi
}

@test "an install of the previous xdpwire is ok (legacy); its re-run upgrades it through the link, keeping slot 0" {
	nic n42
	sandbox h42 s42
	in_ns host "$XW_HELPERS/xw-legacy-host" "$XW_HELPERS/tunnel_host_v1.bpf.o" n42 "$BPFFS/n42"
	set_slot "$BPFFS/n42/tunnel_host_map" "$(ifindex host h42)"
	local map=$(bpftool map show pinned "$BPFFS/n42/tunnel_host_map" -j | jq .id)
	local link=$(bpftool link show pinned "$BPFFS/n42/tunnel_host_link" -j | jq .id)
	local old=$(bed_prog_id host n42)
	run -0 --separate-stderr xw status -j --device n42
	assert_json '.directories[0].installs[0] | .health == "ok" and .pin_gc == "none" and .pin_gc_repair == "none" and .pins.tunnel_host_sandbox_map == "missing" and .pins.tunnel_host_ipv4_owner_map == "missing" and .pins.tunnel_host_ipv6_owner_map == "missing"'
	run -0 --separate-stderr xw pin-gc --device n42 -j
	assert_json '.changes == []'

	run -0 --separate-stderr xw tunnel-install --device n42 -j
	assert_json ".changed and .link_id == $link and .maps.tunnel_host_map.id == $map"
	local prog=$(json .program_id)
	[[ $prog != "$old" ]]
	assert_eq "$(bed_prog_id host n42)" "$prog" "program attached to n42"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n42/tunnel_host_map")" "$(ifindex host h42)" "slot 0 after the upgrade"
	for pin in tunnel_host_sandbox_map tunnel_host_ipv4_owner_map tunnel_host_ipv6_owner_map; do
		assert_eq "$(json ".maps.$pin.id")" "$(bpftool map show pinned "$BPFFS/n42/$pin" -j | jq .id)" "$pin"
	done
	run -0 --separate-stderr xw status -j --device n42
	assert_json '.directories[0].installs[0] | .health == "ok" and .pins.tunnel_host_sandbox_map == "present"'
	run -0 --separate-stderr xw tunnel-install --device n42 -j
	assert_json '(.changed | not)'
}

@test "an owner table pin lost while the program uses the table is broken, not legacy; --repair pins it again" {
	nic n43
	xw tunnel-install --device n43 -q
	rm "$BPFFS/n43/tunnel_host_ipv6_owner_map"
	run -0 --separate-stderr xw status -j --device n43
	assert_json '.directories[0].installs[0] | .health == "broken" and (.why | startswith("tunnel_host_ipv6_owner_map is missing")) and .pin_gc_repair == "repin"'
	run -0 --separate-stderr xw pin-gc --repair --device n43 -j
	run -0 --separate-stderr xw status -j --device n43
	assert_json '.directories[0].installs[0].health == "ok"'
}

@test "a legacy install's upgrade killed after pinning a new map: broken until its re-run, which keeps that map" {
	nic n44
	in_ns host "$XW_HELPERS/xw-legacy-host" "$XW_HELPERS/tunnel_host_v1.bpf.o" n44 "$BPFFS/n44"
	bpftool map create "$BPFFS/n44/tunnel_host_sandbox_map" type devmap_hash key 4 value 4 entries 1024 name sandbox_map
	local sb=$(bpftool map show pinned "$BPFFS/n44/tunnel_host_sandbox_map" -j | jq .id)
	local old=$(bed_prog_id host n44)
	run -0 --separate-stderr xw status -j --device n44
	assert_json '.directories[0].installs[0] | .health == "broken" and .why == "tunnel_host_sandbox_map is pinned but program '"$old"', an older xdpwire'"'"'s, uses no such map: an upgrade killed half-way; its re-run finishes it" and .pin_gc == "leave" and .pin_gc_repair == "leave"'
	run -0 --separate-stderr xw pin-gc --repair --device n44 -j
	assert_json '.changes == []'
	run -0 --separate-stderr xw tunnel-install --device n44 -j
	assert_json ".changed and .maps.tunnel_host_sandbox_map.id == $sb"
	run -0 --separate-stderr xw status -j --device n44
	assert_json '.directories[0].installs[0].health == "ok"'
}
