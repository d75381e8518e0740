#!/usr/bin/env bats
# status as a probe must tell the truth: an install is judged in its own
# network namespace (found by the inode of its netns:<inode>/ directory,
# or, pinned at the root from a namespace sharing the bpffs, by where its
# link is attached), "other-netns" where that namespace cannot be found;
# --device names a device or pins, not a typo; --check gives the exit
# code; the table's columns fit their content.

load lib/test
load lib/xsk

setup_file() {
	bed_setup
	bed_ns node peer a b sb
}

setup() {
	STATE_NS="node"
}

xw() {
	in_ns node "$XW" "$@"
}

ino_of() {
	stat -L -c %i "$1"
}

# The issue's case: a and b share the bpffs and each has a vetha and a
# nic0, created in the other order, so a's vetha has b's nic0's ifindex.
@test "an install made inside namespace a, seen from namespace b: judged in a, ok" {
	bed_veth a vetha peer pva
	bed_veth a nic0 peer pna
	bed_veth b nic0 peer pnb
	bed_veth b vetha peer pvb
	assert_eq "$(ipn a -j link show vetha | jq '.[0].ifindex')" \
		"$(ipn b -j link show nic0 | jq '.[0].ifindex')" "a's vetha and b's nic0 share an ifindex"
	in_ns a "$XW" redirect-install --device vetha -q
	local link
	link=$(bpftool link show pinned "$BPFFS/vetha/redirect_link" -j | jq .id)
	run -0 --separate-stderr in_ns b "$XW" status -j
	assert_eq "$stderr" "" "stderr"
	assert_json ".directories[0] | .device == \"vetha\" and .netns == null and .checked and .judged_in == \"$(ns_path a)\""
	assert_json ".directories[0].installs[0] | .health == \"ok\" and .why == null and .link.id == $link and .link.device == \"vetha\" and .link.is_named_device"
	run -0 --separate-stderr in_ns b "$XW" status --check
	[[ ${lines[1]} =~ ^vetha\ +redirect\ +ok\ + ]]
	assert_eq "${lines[-1]}" "1 install(s), 1 ok, 0 not" "summary"
	in_ns a "$XW" redirect-install --device vetha --unpin -q
}

# A namespace held only by a descriptor of a process that lives in node:
# no /run/netns entry and no process in it names it.  hid0 is installed
# from inside it (pins at the root), hid1 from node with --netns through
# that descriptor (pins under netns:<inode>/).
hidden_ns() {
	bed_bg unshare --net -- bash -c '
		ip link set lo up &&
		ip link add hid0 type veth peer name phid0 netns "$1-peer" &&
		ip link add hid1 type veth peer name phid1 netns "$1-peer" &&
		ip link set hid0 up && ip link set hid1 up &&
		"$2" redirect-install --device hid0 -q || exit
		exec 3</proc/self/ns/net
		exec nsenter --net="/run/netns/$1-node" sleep 1000' _ "$BED_ID" "$XW"
	HIDDEN_PID=$BED_PID
	poll_until 5000 eval '[[ $(ino_of /proc/$HIDDEN_PID/ns/net) == $(ino_of "$(ns_path node)") ]]'
	[[ -e $BPFFS/hid0/redirect_link ]]
	HIDDEN_INO=$(ino_of "/proc/$HIDDEN_PID/fd/3")
	xw redirect-install --netns "/proc/$HIDDEN_PID/fd/3" --device hid1 -q
}

@test "installs of a namespace no path names: other-netns, not ok and not broken" {
	hidden_ns
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw status -j
	assert_json '[.directories[] | select(.device == "hid0")][0].installs[0] | .health == "other-netns" and (.why | test("^link [0-9]+ is attached to ifindex [0-9]+ of another network namespace$")) and .pin_gc == "leave"'
	assert_json "[.directories[] | select(.device == \"hid1\")][0] | .netns == \"netns:$HIDDEN_INO\" and .checked == false and .judged_in == null and .installs[0].health == \"other-netns\" and .installs[0].why == \"network namespace netns:$HIDDEN_INO not found under /run/netns or /proc: judged by its pins and link only\""
	run -1 --separate-stderr xw status --check -q
	assert_eq "$output" "" "stdout of --check -q"
	assert_eq "$stderr" "" "stderr of --check -q"
	assert_eq "$(bed_state node)" "$before" "state after status"
	kill "$HIDDEN_PID"
	poll_until 5000 bed_gone "$HIDDEN_PID"
	# With the namespace gone, its devices and links went with it.
	poll_until 5000 eval '[[ $(xw status -j --device hid0 | jq -r ".directories[0].installs[0].health") == stale ]]'
	xw pin-gc -q
}

@test "a netns:<inode>/ directory is judged in its namespace, from outside it" {
	ipn sb link add sandbox1 type veth peer name psb1 netns "$BED_ID-peer"
	ipn sb link set sandbox1 up
	xw redirect-install --netns "$(ns_path sb)" --device sandbox1 -q
	local ino
	ino=$(ino_of "$(ns_path sb)")
	run -0 --separate-stderr xw status -j -v
	assert_json ".directories[] | select(.device == \"sandbox1\") | .netns == \"netns:$ino\" and .checked and .judged_in == \"$(ns_path sb)\" and .ifindex == $(ipn sb -j link show sandbox1 | jq '.[0].ifindex')"
	assert_json '.directories[] | select(.device == "sandbox1") | .installs[0] | .health == "ok" and .link.device == "sandbox1" and .link.is_named_device and (.maps.redirect_ip_map.slots | length) > 0'
	[[ $stderr == *"$BPFFS/netns:$ino/sandbox1: judged in network namespace $(ns_path sb)"* ]]
	xw redirect-install --netns "$(ns_path sb)" --device sandbox1 --unpin -q
}

@test "table: columns fit a netns:<inode>/ name and many queues; each queue's bound socket shown" {
	ipn sb link add sandbox0 type veth peer name psb0 netns "$BED_ID-peer"
	ipn sb link set sandbox0 up
	bed_veth node qq0 peer pqq0 numrxqueues 6 numtxqueues 6
	xw redirect-install --netns "$(ns_path sb)" --device sandbox0 -q
	xw redirect-install --device qq0 -q
	# A socket bound to queue 2 only (not in the map): what status shows
	# of an XSKMAP is the sockets bound to each queue, which this kernel
	# says through sock_diag or, without it, the netdev queue list.
	xsk_hold node qq0 2
	local ino
	ino=$(ino_of "$(ns_path sb)")
	run -0 --separate-stderr xw status
	local head=${lines[0]} row col word
	# Each column starts where its heading does, in every row.
	for row in "$(grep "^netns:$ino/sandbox0 " <<<"$output")" "$(grep "^qq0 " <<<"$output")"; do
		for word in INSTALL HEALTH PROGRAM MODE LINK FWD/PORT/NONE/SHORT SLOTS; do
			col=${head%%"$word"*}
			col=${#col}
			[[ ${row:col-2:2} == "  " && ${row:col:1} != " " ]] ||
				{ echo "column $word at $col: '$head' / '$row'" >&2; return 1; }
		done
	done
	[[ $row =~ \ [0-9]+/[0-9]+/[0-9]+/[0-9]+\ +q0:0\ q1:0\ q2:1\ q3:0\ q4:0\ q5:0$ ]]
	run -0 --separate-stderr xw status -j --device qq0
	assert_json '[.directories[].installs[].maps.redirect_ip_map.slots[].sockets_bound] == [0,0,1,0,0,0]'
	xsk_stop
	run -0 --separate-stderr xw status -j --device qq0
	assert_json '[.directories[].installs[].maps.redirect_ip_map.slots[].sockets_bound] == [0,0,0,0,0,0]'
	xw redirect-install --netns "$(ns_path sb)" --device sandbox0 --unpin -q
	xw redirect-install --device qq0 --unpin -q
}

@test "--device names a device or its pins: a name that is neither is exit 66" {
	expect_refused 66 "xdpwire status: nosuch: no such device and nothing pinned for it" \
		xw status --device nosuch
	expect_refused_json 66 xw status --device nosuch
	expect_refused 66 "xdpwire status: nosuch: no such device and nothing pinned for it" \
		xw status --device nosuch --check
	# A device deleted behind its pins is still asked about, and an
	# existing device with nothing pinned is simply shown empty.
	bed_veth node gone1 peer pgone1
	xw redirect-install --device gone1 -q
	ipn node link del gone1
	poll_until 5000 eval '[[ $(xw status -j --device gone1 | jq -r ".directories[0].installs[0].health") == stale ]]'
	xw pin-gc --device gone1 -q
	bed_veth node bare1 peer pbare1
	run -0 --separate-stderr xw status --device bare1
	assert_eq "$output" "0 install(s), 0 ok, 0 not" "an existing device without pins"
}

# Text output without its counters (a veth's peer sends IPv6 neighbour
# discovery, counted as it arrives) and with blanks squeezed.
uncounted() {
	sed -E 's#[0-9]+/[0-9]+/[0-9]+/[0-9]+#C#; s/ +/ /g'
}

@test "--check: exit 0 when every install is ok, 1 when one is not; output unchanged" {
	bed_veth node ck0 peer pck0
	bed_veth node ck1 peer pck1
	xw redirect-install --device ck0 -q
	xw redirect-install --device ck1 -q
	run -0 --separate-stderr xw status --device ck0 --check
	local plain
	plain=$(xw status --device ck0 | uncounted)
	assert_eq "$(uncounted <<<"$output")" "$plain" "--check's output"
	assert_eq "${lines[-1]}" "1 install(s), 1 ok, 0 not" "summary"
	ipn node link del ck1
	poll_until 5000 eval '[[ $(xw status -j --device ck1 | jq -r ".directories[0].installs[0].health") == stale ]]'
	run -1 --separate-stderr xw status --check
	assert_eq "$stderr" "" "stderr of a failed check"
	assert_eq "$(uncounted <<<"$output")" "$(xw status | uncounted)" "--check's output when not ok"
	assert_eq "${lines[-1]}" "2 install(s), 1 ok, 1 not" "summary"
	run -1 --separate-stderr xw status --check -j
	assert_json '.version == 1 and .command == "status" and (.error | not) and ([.directories[].installs[].health] | sort) == ["ok","stale"]'
	run -1 --separate-stderr xw status --check -q
	assert_eq "$output$stderr" "" "--check -q"
	run -0 --separate-stderr xw status --check -q --device ck0
	xw pin-gc -q
	xw redirect-install --device ck0 --unpin -q
}

@test "completion: status --check" {
	load lib/complete
	run -0 complete_in node "xdpwire status --ch"
	assert_eq "$output" --check "--ch<TAB>"
}

@test "table: control characters in a pinned name are shown escaped" {
	bed_veth node esc0 peer pesc0
	xw redirect-install --device esc0 -q
	bpftool map create "$BPFFS/esc0/x$(printf '\033')[2Jy" type array key 4 value 4 entries 1 name theirs
	run -0 --separate-stderr xw status --device esc0
	assert_eq "$(grep '(foreign)' <<<"$output" | sed -E 's/ +/ /g')" 'esc0 (foreign) - x\x1b[2Jy' "foreign row"
	run -0 --separate-stderr xw status --device esc0 -j
	assert_json '.directories[0].foreign == ["x\u001b[2Jy"]'
	rm "$BPFFS/esc0/x$(printf '\033')[2Jy"
	xw redirect-install --device esc0 --unpin -q
}
