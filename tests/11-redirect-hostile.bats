#!/usr/bin/env bats
# Hostile and broken environments: every refusal names the object, says
# what is wrong, exits with its documented code and changes nothing.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	local d
	for d in w0 w1 w2 w3 w4 w5 w6 w7 w8 w9; do
		bed_veth node "$d" peer "p$d"
	done
	bed_veth node wq peer pwq numrxqueues 4
	FOREIGN_OBJ=$XW_HELPERS/pass.bpf.o
	export FOREIGN_OBJ
}


setup() {
	STATE_NS=node
}

xw() {
	in_ns node "$XW" "$@"
}

# plant DEV: the device's pin directory, made the way an install makes it.
plant() {
	mkdir -p -m 0700 "$BPFFS/$1"
}

pinned_id() {
	bpftool "$1" show pinned "$2" -j | jq .id
}

@test "a map of the wrong type at redirect_ip_map is refused and left alone" {
	plant w0
	bpftool map create "$BPFFS/w0/redirect_ip_map" type hash key 4 value 4 entries 4 name bad
	local id=$(pinned_id map "$BPFFS/w0/redirect_ip_map")
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w0/redirect_ip_map: pinned map is of type hash, expected xskmap: left alone" \
		xw redirect-install --device w0
	assert_eq "$(pinned_id map "$BPFFS/w0/redirect_ip_map")" "$id" "the planted map"
	expect_refused_json 65 xw redirect-install --device w0
	# --unpin does not remove what is not ours either.
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w0/redirect_ip_map: pinned map is of type hash, expected xskmap: left alone" \
		xw redirect-install --device w0 --unpin
}

@test "a program where a map belongs, a map where a link belongs: refused" {
	plant w1
	bpftool prog load "$FOREIGN_OBJ" "$BPFFS/w1/redirect_ip_map" type xdp
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w1/redirect_ip_map: pinned object is a program, expected a map: left alone" \
		xw redirect-install --device w1
	plant w2
	bpftool map create "$BPFFS/w2/redirect_link" type array key 4 value 4 entries 1 name bad
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w2/redirect_link: pinned object is a map, expected a link: left alone" \
		xw redirect-install --device w2
	bpftool map create "$BPFFS/w2/redirect_program" type array key 4 value 4 entries 1 name bad
	rm "$BPFFS/w2/redirect_link"
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w2/redirect_program: pinned object is a map, expected a program: left alone" \
		xw redirect-install --device w2
}

@test "another tool's program at redirect_program is refused, named, and left alone" {
	plant w9
	bpftool prog load "$FOREIGN_OBJ" "$BPFFS/w9/redirect_program" type xdp
	local id=$(pinned_id prog "$BPFFS/w9/redirect_program")
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w9/redirect_program: pinned program $id 'xw_test_pass' is not xdpwire's (xw_redirect): left alone" \
		xw redirect-install --device w9
	assert_eq "$(pinned_id prog "$BPFFS/w9/redirect_program")" "$id" "the planted program"
	expect_refused_json 65 xw redirect-install --device w9
	rm -r "$BPFFS/w9"
}

@test "another XSKMAP with more slots than the device has RX queues is refused, named" {
	plant wq
	bpftool map create "$BPFFS/wq/redirect_ip_map" type xskmap key 4 value 4 entries 9 name planted
	local id=$(pinned_id map "$BPFFS/wq/redirect_ip_map")
	expect_refused 65 "xdpwire redirect-install: $BPFFS/wq/redirect_ip_map: pinned map $id 'planted' has 9 entries for 4 RX queues: not xdpwire's (xsk_map): left alone" \
		xw redirect-install --device wq
	rm "$BPFFS/wq/redirect_ip_map"
	# One of the right size is adopted.
	bpftool map create "$BPFFS/wq/redirect_ip_map" type xskmap key 4 value 4 entries 4 name planted
	id=$(pinned_id map "$BPFFS/wq/redirect_ip_map")
	run -0 --separate-stderr xw redirect-install --device wq -j
	assert_json ".maps.redirect_ip_map.id == $id and .maps.redirect_ip_map.entries == 4"
	# Ours, from when the device had more queues, is kept.
	run -0 xw redirect-install --device wq --unpin -q
	run -0 xw redirect-install --device wq -q
	id=$(pinned_id map "$BPFFS/wq/redirect_ip_map")
	ipn node link del wq
	bed_veth node wq peer pwq numrxqueues 2
	run -0 --separate-stderr xw redirect-install --device wq -j
	assert_json ".rx_queues == 2 and .maps.redirect_ip_map.id == $id"
	run -0 xw redirect-install --device wq --unpin -q
}

@test "counters of the wrong size or length are refused" {
	plant w3
	bpftool map create "$BPFFS/w3/redirect_counters" type percpu_array key 4 value 4 entries 4 name bad
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w3/redirect_counters: pinned map has 4-byte values, expected 8: left alone" \
		xw redirect-install --device w3
	rm "$BPFFS/w3/redirect_counters"
	bpftool map create "$BPFFS/w3/redirect_counters" type percpu_array key 4 value 8 entries 3 name bad
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w3/redirect_counters: pinned map has 3 entries, expected 4: left alone" \
		xw redirect-install --device w3
}

@test "a symlink planted at a pin is not followed, even to a good map" {
	xw redirect-install --device w4 -q
	plant w5
	ln -s ../w4/redirect_ip_map "$BPFFS/w5/redirect_ip_map"
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w5/redirect_ip_map: is a symbolic link, not a pinned object: refusing to follow it" \
		xw redirect-install --device w5
	expect_refused 65 "xdpwire sockmap-insert: $BPFFS/w5/redirect_ip_map: is a symbolic link, not a pinned object: refusing to follow it" \
		xw sockmap-insert --device w5 --delete
}

@test "a symlink or an object in place of the pin directory is not followed" {
	ln -s w4 "$BPFFS/w6"
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w6: not a directory (a symlink or a pinned object is there: refusing to follow it)" \
		xw redirect-install --device w6
	bpftool map create "$BPFFS/w7" type array key 4 value 4 entries 1 name bad
	expect_refused 65 "xdpwire redirect-install: $BPFFS/w7: not a directory (a symlink or a pinned object is there: refusing to follow it)" \
		xw redirect-install --device w7
}

@test "a missing bpffs, a directory that is no bpffs, a file: refused" {
	expect_refused 66 "xdpwire redirect-install: /nonexistent: no such directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)" \
		xw redirect-install --device w8 --bpffs /nonexistent
	XDPWIRE_BPFFS=/nonexistent expect_refused 66 "xdpwire redirect-install: /nonexistent: no such directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)" \
		xw redirect-install --device w8
	expect_refused 65 "xdpwire redirect-install: $BED_DIR: not a bpf filesystem (mount one with: mount -t bpf -o mode=0700 bpf $BED_DIR)" \
		xw redirect-install --device w8 --bpffs "$BED_DIR"
	expect_refused 65 "xdpwire redirect-install: /etc/hostname: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)" \
		xw redirect-install --device w8 --bpffs /etc/hostname
	expect_refused_json 66 xw redirect-install --device w8 --bpffs /nonexistent
}

@test "devices that do not exist are refused" {
	expect_refused 66 "xdpwire redirect-install: nosuch0: no such device" \
		xw redirect-install --device nosuch0
	expect_refused 66 "xdpwire redirect-install: ifindex 99999: no such device" \
		xw redirect-install --device-idx 99999
	expect_refused 66 "xdpwire redirect-install: nosuch0: no such device" \
		xw redirect-install --device nosuch0 --unpin
	# The device of another namespace does not exist here.
	expect_refused 66 "xdpwire redirect-install: pw8: no such device" \
		xw redirect-install --device pw8
}

@test "--device-idx finds the device by index" {
	local idx
	idx=$(ipn node -j link show dev w8 | jq '.[0].ifindex')
	run -0 --separate-stderr xw redirect-install --device-idx "$idx" -j
	assert_json '.device == "w8"'
	[[ -f $BPFFS/w8/redirect_link ]]
}

@test "a --netns that is missing, no namespace, or another kind: refused" {
	expect_refused 66 "xdpwire redirect-install: /run/netns/nosuch: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)" \
		"$XW" redirect-install --netns /run/netns/nosuch --device w0
	expect_refused 65 "xdpwire redirect-install: /etc/hostname: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)" \
		"$XW" redirect-install --netns /etc/hostname --device w0
	expect_refused 65 "xdpwire redirect-install: /proc/self/ns/mnt: not a network namespace" \
		"$XW" redirect-install --netns /proc/self/ns/mnt --device w0
}

@test "invalid names and device options change nothing, even next to an install" {
	xw redirect-install --device w4 -q
	expect_refused 65 "xdpwire redirect-install: --device: 'w4/..' is not a valid device name: contains '/'" \
		xw redirect-install --device w4/..
	expect_refused 65 "xdpwire redirect-install: --device: '..' is not a valid device name: '.' and '..' are not device names" \
		xw redirect-install --device .. --unpin
	expect_refused 65 "xdpwire sockmap-insert: --device: '.' is not a valid device name: '.' and '..' are not device names" \
		xw sockmap-insert --device . --delete
	expect_refused 64 "xdpwire redirect-install: --device: device specified twice" \
		xw redirect-install --device w4 --device-idx 1 --unpin
	expect_refused 64 "xdpwire redirect-install: --device: no device specified (--device NAME or --device-idx N)" \
		xw redirect-install --unpin
	expect_refused_json 64 xw redirect-install --unpin
	[[ -f $BPFFS/w4/redirect_link ]]
}
