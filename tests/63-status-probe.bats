#!/usr/bin/env bats
# status as a probe must tell the truth: --device names a device or pins,
# not a typo; --check gives the exit code; the table's columns fit their
# content and an unknown socket count reads as unknown.

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

@test "table: columns fit a netns:<inode>/ name and many queues; unknown socket counts are ?" {
	ipn sb link add sandbox0 type veth peer name psb0 netns "$BED_ID-peer"
	ipn sb link set sandbox0 up
	bed_veth node qq0 peer pqq0 numrxqueues 6 numtxqueues 6
	xw redirect-install --netns "$(ns_path sb)" --device sandbox0 -q
	xw redirect-install --device qq0 -q
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
	[[ $row =~ \ [0-9]+/[0-9]+/[0-9]+/[0-9]+\ +q0:\?\ q1:\?\ q2:\?\ q3:\?\ q4:\?\ q5:\?$ ]]
	run -0 --separate-stderr xw status -j --device qq0
	assert_json '[.directories[].installs[].maps.redirect_ip_map.slots[].sockets_bound] == [null,null,null,null,null,null]'
	xw redirect-install --netns "$(ns_path sb)" --device sandbox0 --unpin -q
	xw redirect-install --device qq0 --unpin -q
}

@test "--device names a device or its pins: a name that is neither is exit 66" {
	expect_refused 66 "xdpwire status: nosuch: no such device and nothing pinned for it" \
		xw status --device nosuch
	expect_refused_json 66 xw status --device nosuch
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
