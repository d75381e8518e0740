#!/usr/bin/env bats
# Many sandboxes on one NIC with real frames (issue 15; lib/sandbox_bed.bash):
# 8 sandboxes registered with the node's tunnel, half by their host-side
# veth and addresses, half by their sandbox side with the addresses read
# in their namespace.  Each frame to a sandbox's address, IPv4 or IPv6,
# reaches that sandbox's socket and no other; ARP and neighbour discovery
# are answered by the sandbox itself; TCP/22 goes to whoever owns the
# address; an address nobody owns reaches the host's kernel; the
# sandboxes' replies leave through the NIC; removing one sandbox loses no
# frame of the others'; a deleted veth is pin-gc's; a runtime's slot-0
# sandbox keeps working beside them.

load lib/test
load lib/sandbox_bed

setup_file() {
	local i
	bed_setup
	sandbox_bed_build
	for ((i = 1; i <= SB_COUNT; i++)); do
		sandbox_register "$i" || return
	done
}

setup() {
	# A test that saw neighbours resolved leaves them permanent again.
	sandbox_bed_neigh
}

from_outside() {
	in_ns outside "$XW_HELPERS/xw-netprobe" "$@"
}

counter() {
	bed_counter "$BPFFS/$1" "$2"
}

host_ip_seen() {
	bed_snmp host Ip InReceives
}

# port_of I: the UDP port sandbox I's socket counts in these tests.
port_of() {
	echo $((9000 + $1))
}

# send_both I COUNT: COUNT datagrams from outside to each of sandbox I's
# addresses, at its port.
send_both() {
	from_outside udp-send "$(sb_v4 "$1")" "$(port_of "$1")" "$2" &&
		from_outside udp-send "$(sb_v6 "$1")" "$(port_of "$1")" "$2"
}

# expect_counted I JQ: holder I has ended and its summary matches JQ.
# (Not through bats' run, which sets a variable i of its caller's.)
expect_counted() {
	sandbox_socket_done "$1" || return
	output=$(<"${SB_OUT[$1]}") || return
	assert_json "$2" || {
		echo "sandbox $1's socket" >&2
		return 1
	}
}

# hn0's sandboxes as status lists them: "veth health addr addr..." lines.
status_sandboxes() {
	in_ns host "$XW" status -j --device hn0 |
		jq -r '.directories[0].installs[] | select(.kind == "tunnel host") |
			.sandboxes[] | "\(.veth) \(.health) \(.addresses | join(" "))"'
}

@test "the bed: 8 sandboxes registered on hn0, each with its two addresses, committed and ok" {
	local i want=
	for ((i = 1; i <= SB_COUNT; i++)); do
		want+="hv$i ok $(sb_v4 "$i") $(sb_v6 "$i")"$'\n'
	done
	run -0 status_sandboxes
	assert_eq "$(sort <<<"$output")" "$(sort <<<"${want%$'\n'}")" "status's sandboxes"
	# Each sandbox keeps its own MAC, so an answer's MAC names its sender.
	run -0 bash -c "for i in \$(seq 1 $SB_COUNT); do ip -n $BED_ID-sb\$i -j link show dev sv\$i; done | jq -r '.[0].address' | sort -u | wc -l"
	assert_eq "$output" "$SB_COUNT" "distinct sandbox MACs"
	# The NIC's slot 0 is nobody's: registration never takes it.
	assert_eq "$(bed_devmap_slot0 "$BPFFS/hn0/tunnel_host_map")" "" "hn0's slot 0"
}

@test "frames to each sandbox's IPv4 and IPv6 addresses reach that sandbox's socket only" {
	local i fwd seen
	fwd=$(counter hn0/tunnel_host_counters forwarded) seen=$(host_ip_seen)
	for ((i = 1; i <= SB_COUNT; i++)); do
		sandbox_socket "$i" --until "udp:$(port_of "$i")=40" --timeout-ms 20000
	done
	for ((i = 1; i <= SB_COUNT; i++)); do
		send_both "$i" 20
	done
	for ((i = 1; i <= SB_COUNT; i++)); do
		expect_counted "$i" ".frames == 40 and .by == {\"udp:$(port_of "$i")\": 40}"
	done
	assert_eq "$(($(counter hn0/tunnel_host_counters forwarded) - fwd))" $((40 * SB_COUNT)) "frames hn0 forwarded"
	assert_eq "$(host_ip_seen)" "$seen" "IPv4 packets the host's stack received"
}

@test "ARP and neighbour discovery from outside are answered by each sandbox itself" {
	local i mac
	for ((i = 1; i <= SB_COUNT; i++)); do
		ipn outside neigh del "$(sb_v4 "$i")" dev on0
		ipn outside neigh del "$(sb_v6 "$i")" dev on0
	done
	# A datagram to a neighbour not yet known makes outside ask for it:
	# an ARP request (broadcast) or a solicitation to the solicited-node
	# group; the sandbox's kernel (no socket in it now) answers.
	for ((i = 1; i <= SB_COUNT; i++)); do
		from_outside udp-send "$(sb_v4 "$i")" 9 1
		from_outside udp-send "$(sb_v6 "$i")" 9 1
	done
	for ((i = 1; i <= SB_COUNT; i++)); do
		mac=$(sb_mac "sb$i" "sv$i")
		poll_until 5000 neigh_is "$(sb_v4 "$i")" "$mac"
		poll_until 5000 neigh_is "$(sb_v6 "$i")" "$mac"
	done
}

# neigh_is ADDR MAC: outside resolved ADDR to MAC.
neigh_is() {
	[[ $(ipn outside -j neigh show to "$1" dev on0 |
		jq -r '.[0] | select(.state != ["FAILED"] and .state != ["INCOMPLETE"]) | .lladdr // empty') == "$2" ]]
}

@test "TCP/22 to the host's address reaches the host; to a sandbox's, that sandbox" {
	local pass fwd
	bed_bg in_ns host "$XW_HELPERS/xw-netprobe" tcp-listen 10.80.0.1 22 \
		--count 1 --ready-file "$BED_DIR/h22" >"$BED_DIR/h22.out"
	bed_bg in_ns sb3 "$XW_HELPERS/xw-netprobe" tcp-listen "$(sb_v4 3)" 22 \
		--count 1 --ready-file "$BED_DIR/s22" >"$BED_DIR/s22.out"
	poll_until 5000 test -f "$BED_DIR/h22" -a -f "$BED_DIR/s22"
	pass=$(counter hn0/tunnel_host_counters pass_port)
	fwd=$(counter hn0/tunnel_host_counters forwarded)
	run -0 from_outside tcp-connect "$(sb_v4 3)" 22 3000
	poll_until 5000 grep -q "accepted 10.80.0.2:" "$BED_DIR/s22.out"
	# A sandbox's own SSH: forwarded at port 22 too, never the host's.
	assert_eq "$(counter hn0/tunnel_host_counters pass_port)" "$pass" "hn0 pass-port frames for the sandbox's TCP/22"
	(($(counter hn0/tunnel_host_counters forwarded) - fwd >= 2))
	run -0 from_outside tcp-connect 10.80.0.1 22 3000
	poll_until 5000 grep -q "accepted 10.80.0.2:" "$BED_DIR/h22.out"
	(($(counter hn0/tunnel_host_counters pass_port) - pass >= 2))
	assert_eq "$(grep -c accepted "$BED_DIR/s22.out")" 1 "connections sandbox 3 accepted"
	assert_eq "$(grep -c accepted "$BED_DIR/h22.out")" 1 "connections the host accepted"
}

@test "frames to an address nobody owns reach the host's kernel, no sandbox's socket" {
	local i seen none
	for ((i = 1; i <= SB_COUNT; i++)); do
		sandbox_socket "$i" --timeout-ms 30000
	done
	ipn outside neigh replace 10.80.9.9 lladdr "$(sb_mac host hn0)" nud permanent dev on0
	seen=$(host_ip_seen) none=$(counter hn0/tunnel_host_counters no_target)
	from_outside udp-send 10.80.9.9 9000 5
	poll_until 5000 host_saw_more "$seen" 5
	assert_eq "$(($(counter hn0/tunnel_host_counters no_target) - none))" 5 "hn0 frames with no target"
	for ((i = 1; i <= SB_COUNT; i++)); do
		sandbox_socket_stop "$i"
		expect_counted "$i" '.frames == 0'
	done
}

# counter_rose NAME BASE N: hn0's counter NAME is at least BASE + N.
counter_rose() {
	(($(counter hn0/tunnel_host_counters "$1") - $2 >= $3))
}

host_saw_more() {
	(($(host_ip_seen) - $1 >= $2))
}

@test "every sandbox's replies leave through the NIC to outside" {
	local i r4 r6 fwd=()
	bed_bg in_ns outside "$XW_HELPERS/xw-netprobe" udp-recv 10.80.0.2 7777 \
		$((5 * SB_COUNT)) 10000 --ready-file "$BED_DIR/r4"
	r4=$BED_PID
	bed_bg in_ns outside "$XW_HELPERS/xw-netprobe" udp-recv fd80::2 7778 \
		$((5 * SB_COUNT)) 10000 --ready-file "$BED_DIR/r6"
	r6=$BED_PID
	poll_until 5000 test -f "$BED_DIR/r4" -a -f "$BED_DIR/r6"
	for ((i = 1; i <= SB_COUNT; i++)); do
		fwd[i]=$(counter "hv$i/tunnel_veth_counters" forwarded)
		in_ns "sb$i" "$XW_HELPERS/xw-netprobe" udp-send 10.80.0.2 7777 5
		in_ns "sb$i" "$XW_HELPERS/xw-netprobe" udp-send fd80::2 7778 5
	done
	wait "$r4"
	wait "$r6"
	for ((i = 1; i <= SB_COUNT; i++)); do
		assert_eq "$(($(counter "hv$i/tunnel_veth_counters" forwarded) - fwd[i]))" 10 "frames hv$i forwarded"
	done
}

# sender I COUNT BATCH: COUNT datagrams to each address of sandbox I, in
# batches of BATCH, each batch a process of its own: that paces them, so
# that the senders together never have more frames in flight than a
# veth's ring holds (256), and a loss is the removal's, not the ring's.
sender() {
	local i=$1 count=$2 batch=$3 k
	for ((k = 0; k < count; k += batch)); do
		send_both "$i" "$batch" || return
	done
}

@test "removing one sandbox under traffic to the others loses none of their frames" {
	local i n=200 batch=20 senders=() alive=0
	local base=() seen fwd
	for ((i = 1; i < SB_COUNT; i++)); do
		sandbox_socket "$i" --until "udp:$(port_of "$i")=$((2 * n))" --timeout-ms 60000
		base[i]=$(redirected "$i")
	done
	for ((i = 1; i < SB_COUNT; i++)); do
		bed_bg sender "$i" "$n" "$batch"
		senders[i]=$BED_PID
	done
	# Traffic flows to every remaining sandbox before the removal...
	for ((i = 1; i < SB_COUNT; i++)); do
		poll_until 10000 redirected_more "$i" "${base[i]}"
	done
	run -0 sandbox_unregister "$SB_COUNT"
	# ... and still after it: the removal happened in the middle.
	for ((i = 1; i < SB_COUNT; i++)); do
		bed_gone "${senders[i]}" || alive=$((alive + 1))
	done
	((alive > 0))
	for ((i = 1; i < SB_COUNT; i++)); do
		wait "${senders[i]}"
	done
	for ((i = 1; i < SB_COUNT; i++)); do
		expect_counted "$i" ".by == {\"udp:$(port_of "$i")\": $((2 * n))}"
	done
	run -0 status_sandboxes
	[[ $output != *"hv$SB_COUNT "* ]]
	# Gone from the data path: frames to its address go the host's way
	# (whose kernel drops them: they carry the sandbox's MAC).
	seen=$(counter hn0/tunnel_host_counters no_target)
	fwd=$(counter hn0/tunnel_host_counters forwarded)
	from_outside udp-send "$(sb_v4 "$SB_COUNT")" "$(port_of "$SB_COUNT")" 5
	poll_until 5000 counter_rose no_target "$seen" 5
	assert_eq "$(counter hn0/tunnel_host_counters forwarded)" "$fwd" "frames hn0 forwarded after the removal"
	run -0 sandbox_register "$SB_COUNT"
}

# redirected I: frames sv$I's XDP redirected (to its socket), as the
# driver counts them; the holder itself reports only when it ends.
redirected() {
	in_ns "sb$1" ethtool -S "sv$1" |
		awk '/rx_queue_[0-9]+_xdp_redirect:/ { n += $2 } END { print n + 0 }'
}

# redirected_more I BASE: sv$I redirected a frame since BASE.
redirected_more() {
	(($(redirected "$1") > $2))
}

@test "a sandbox whose veth is deleted: status says stale, pin-gc removes it, the others keep their traffic" {
	local i gone=5 ifindex
	ifindex=$(ipn host -j link show dev "hv$gone" | jq '.[0].ifindex')
	ipn host link del "hv$gone"
	run -0 --separate-stderr in_ns host "$XW" status -j --device hn0
	assert_json ".directories[0].installs[] | select(.kind == \"tunnel host\") |
		[.sandboxes[] | select(.ifindex == $ifindex) | del(.repair)] ==
		[{veth: null, ifindex: $ifindex, committed: false,
		  addresses: [\"$(sb_v4 $gone)\", \"$(sb_v6 $gone)\"], health: \"stale\",
		  why: \"veth ifindex $ifindex is gone\", pin_gc: \"remove\"}]"
	run -0 status_sandboxes
	assert_eq "$(grep -c ' ok ' <<<"$output")" $((SB_COUNT - 1)) "sandboxes still ok"
	assert_eq "$(grep -c '^null stale ' <<<"$output")" 1 "stale sandboxes"
	run -0 --separate-stderr in_ns host "$XW" pin-gc
	[[ ! -e $BPFFS/hv$gone ]]
	run -0 status_sandboxes
	assert_eq "$(grep -c ' ok ' <<<"$output")" $((SB_COUNT - 1)) "sandboxes after pin-gc"
	[[ $output != *stale* ]]
	for ((i = 1; i <= SB_COUNT; i++)); do
		((i == gone)) || sandbox_socket "$i" --until "udp:$(port_of "$i")=10" --timeout-ms 20000
	done
	for ((i = 1; i <= SB_COUNT; i++)); do
		((i == gone)) || send_both "$i" 5
	done
	for ((i = 1; i <= SB_COUNT; i++)); do
		((i == gone)) || expect_counted "$i" ".by == {\"udp:$(port_of "$i")\": 10}"
	done
}

@test "a runtime that writes slot 0 itself works unchanged beside registered sandboxes" {
	local pass
	# The runtime's sandbox: the host's address and MAC, on hv0/sv0.
	bed_ns sb0
	bed_veth host hv0 sb0 sv0
	ipn sb0 link set sv0 address "$(sb_mac host hn0)"
	ipn sb0 addr add 10.80.0.1/16 dev sv0
	ipn sb0 neigh replace 10.80.0.2 lladdr "$(sb_mac outside on0)" nud permanent dev sv0
	in_ns sb0 ethtool -K sv0 tx off >/dev/null
	in_ns host "$XW" redirect-install --netns "$(ns_path sb0)" --device sv0 -q
	in_ns host "$XW_HELPERS/xw-runtime-wire" "$XW_HELPERS/runtime_veth.bpf.o" \
		hv0 "$BPFFS/hv0" "$BPFFS/hn0/tunnel_host_map" hn0
	assert_eq "$(bed_devmap_slot0 "$BPFFS/hn0/tunnel_host_map")" \
		"$(ipn host -j link show dev hv0 | jq '.[0].ifindex')" "hn0's slot 0"
	xsk_hold sb0 sv0 0 --until udp:9100=10 --timeout-ms 20000 -- \
		nsenter --net="$(ns_path host)" "$XW" sockmap-insert \
		--netns "$(ns_path sb0)" --device sv0 --fd '{fd}' -q
	SB_PID[0]=$XSK_PID SB_OUT[0]=$XSK_OUT
	sandbox_socket 1 --until "udp:$(port_of 1)=10" --timeout-ms 20000
	from_outside udp-send 10.80.0.1 9100 10
	send_both 1 5
	expect_counted 0 '.by == {"udp:9100": 10}'
	expect_counted 1 ".by == {\"udp:$(port_of 1)\": 10}"
	# TCP/22 to the host's address stays the host's.
	bed_bg in_ns host "$XW_HELPERS/xw-netprobe" tcp-listen 10.80.0.1 22 \
		--count 1 --ready-file "$BED_DIR/h22b" >"$BED_DIR/h22b.out"
	poll_until 5000 test -f "$BED_DIR/h22b"
	pass=$(counter hn0/tunnel_host_counters pass_port)
	run -0 from_outside tcp-connect 10.80.0.1 22 3000
	poll_until 5000 grep -q "accepted 10.80.0.2:" "$BED_DIR/h22b.out"
	(($(counter hn0/tunnel_host_counters pass_port) - pass >= 2))
}
