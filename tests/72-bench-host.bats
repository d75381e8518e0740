#!/usr/bin/env bats
# make bench's host-traffic section (tests/bench/60-host-traffic.bash,
# issue 17) and its tools: xw-tcprr must make the transactions it claims
# and fail on a refused connection or bad arguments, the section's iperf3
# parser must read the receiver's rate and refuse an error report, and the
# section's bed must carry on each device what its rows say, with each
# path's traffic crossing the programs it names.  No timing is asserted.

load lib/test

setup_file() {
	bed_setup
	bed_ns a b
	bed_veth a a0 b b0
	ipn a addr add 10.70.0.1/24 dev a0
	ipn b addr add 10.70.0.2/24 dev b0
}

setup() {
	# shellcheck source=tests/bench/lib.bash
	source "$XW_ROOT/tests/bench/lib.bash"
	XW_BENCH=$XW_ROOT/${XW_BUILD:-build}/tests/bench
	RR=$XW_BENCH/xw-tcprr
	# shellcheck source=tests/bench/60-host-traffic.bash
	source "$XW_ROOT/tests/bench/60-host-traffic.bash"
}

listening() {
	host_listening "$@"
}

@test "xw-tcprr: N one-byte transactions cross one connection, and the numbers agree" {
	local out=$BATS_TEST_TMPDIR/served segs
	bed_bg in_ns b "$RR" --listen 7001 --once --cpu 0 >"$out"
	local srv=$BED_PID
	poll_until 2000 listening b 7001
	segs=$(bed_snmp b Tcp InSegs)
	run -0 --separate-stderr in_ns a "$RR" --connect 10.70.0.2 --port 7001 \
		--count 500 --cpu 0
	[[ $output =~ ^500\ ([0-9]+)\ ([0-9]+)\ ([0-9]+)\ ([0-9]+)$ ]] ||
		{ echo "got '$output'" >&2; false; }
	local mean=${BASH_REMATCH[1]} p50=${BASH_REMATCH[2]} p99=${BASH_REMATCH[3]}
	local tps=${BASH_REMATCH[4]}
	((mean > 0 && p50 <= p99 && tps > 0)) ||
		{ echo "mean $mean p50 $p50 p99 $p99 tps $tps" >&2; false; }
	# The rate is over the whole loop, each mean over its transaction:
	# N transactions cannot take less than N means.
	((tps <= 1000000000 / mean + 1)) || { echo "tps $tps mean $mean" >&2; false; }
	# The server echoed every byte (it prints when the client closes),
	# and its kernel saw at least a segment per request.
	poll_until 2000 bed_gone "$srv"
	assert_eq "$(cat "$out")" "served 500" "server's count"
	(($(bed_snmp b Tcp InSegs) - segs >= 500)) ||
		{ echo "InSegs $segs -> $(bed_snmp b Tcp InSegs)" >&2; false; }
}

@test "xw-tcprr: a refused connection and bad arguments fail without a line" {
	run -1 --separate-stderr in_ns a "$RR" --connect 10.70.0.2 --port 7002 \
		--count 10
	assert_eq "$output" "" "no figures"
	assert_eq "$stderr" "xw-tcprr: 10.70.0.2:7002: cannot connect: Connection refused" "stderr"
	run -2 --separate-stderr "$RR" --connect 10.70.0.2 --port 7002 --count 0
	assert_eq "$stderr" "xw-tcprr: count: '0' is not a number in 1-10000000" "count"
	run -2 --separate-stderr "$RR" --connect 10.70.0.2 --port 70000 --count 1
	run -2 --separate-stderr "$RR" --connect nope --port 7002 --count 1
	assert_eq "$stderr" "xw-tcprr: 'nope': not an IPv4 address" "address"
	run -2 --separate-stderr "$RR" --listen 7002 --connect 10.70.0.2
	run -2 --separate-stderr "$RR" --connect 10.70.0.2 --port 7002
	run -2 --separate-stderr "$RR" --listen 7002 extra
	run -2 --separate-stderr "$RR"
	[[ $stderr == "usage: xw-tcprr --listen PORT"* ]]
}

@test "host_iperf3_bps: the receiver's bits/s from iperf3 -J; an error report or none fails" {
	local j=$BATS_TEST_TMPDIR/j.json
	echo '{"end": {"sum_sent": {"bits_per_second": 9e9},
		"sum_received": {"bits_per_second": 2345678901.5}}}' >"$j"
	run -0 host_iperf3_bps "$j"
	assert_eq "$output" "2345678901.5" "received, not sent"
	echo '{"start": {}, "intervals": [], "end": {},
		"error": "unable to connect to server: Connection refused"}' >"$j"
	run -5 host_iperf3_bps "$j"
	[[ $output == *"unable to connect to server"* ]]
	echo '{"end": {}}' >"$j"
	run ! host_iperf3_bps "$j"
	# A real report: the rate it states is its bytes over its seconds.
	bed_bg in_ns b iperf3 -s -p 7003 -1
	poll_until 2000 listening b 7003
	in_ns a iperf3 -c 10.70.0.2 -p 7003 -n 4M -J >"$j"
	run -0 host_iperf3_bps "$j"
	jq -e --argjson bps "$output" '.end.sum_received |
		(.bytes * 8 / .seconds - $bps | fabs) < $bps / 100' "$j"
}

# xdp_progs NS...: "DEV=NAME" for every device of the namespaces but lo,
# NAME the XDP program's by bpftool, "-" for none; one ip and one bpftool.
xdp_progs() {
	local ns names
	names=$(bpftool -j prog show | jq -c 'map({key: (.id | tostring), value: .name}) | from_entries')
	for ns; do
		ipn "$ns" -j -d link show | jq -r --argjson n "$names" '.[] |
			select(.ifname != "lo") |
			"\(.ifname)=\(if .xdp.prog.id then $n[.xdp.prog.id | tostring] else "-" end)"'
	done | sort | tr '\n' ' '
}

feature() {
	in_ns "$1" ethtool -k "$2" | awk -v f="$3:" '$1 == f { print $2 }'
}

@test "60-host-traffic: the bed carries what its rows say, and each path crosses it" {
	local key ns want names
	HOST_RR=50
	host_bed_build
	names=$(xdp_progs peer node sbx tsbx ksbx)
	want="hv0=- hv1=xw_test_pass kh0=- kn0=xw_test_pass ks0=xw_test_pass "
	want+="kv0=- nn0=- nn1=xw_test_pass nn2=xw_redirect nn3=xw_tunnel_host "
	want+="nn4=- nn5=xw_test_pass nn6=xw_pass_frags pn0=- pn1=- pn2=- "
	want+="pn3=- pn4=- pn5=- pn6=- "
	want+="sv0=- sv1=- th0=xw_tunnel_host tn0=xw_test_pass "
	want+="ts0=xw_test_pass tv0=xw_tunnel_veth "
	assert_eq "$names" "$want" "XDP programs"
	# The kernel takes TSO from a veth whose peer runs XDP (the rows'
	# explanation); pn4 has it off by hand, nn5 GRO on by hand.
	assert_eq "$(feature peer pn0 tcp-segmentation-offload) $(feature peer pn1 tcp-segmentation-offload) $(feature peer pn4 tcp-segmentation-offload) $(feature sbx sv1 tcp-segmentation-offload)" \
		"on off off off" "TSO"
	assert_eq "$(feature node nn1 generic-receive-offload) $(feature node nn5 generic-receive-offload)" \
		"off on" "GRO"
	# xdp.frags: the peer may take a larger MTU, and TSO stays off.
	assert_eq "$(feature peer pn6 tcp-segmentation-offload)" off "TSO with frags"
	(($(ipn peer -j -d link show dev pn6 | jq '.[0].max_mtu') > \
		$(ipn peer -j -d link show dev pn1 | jq '.[0].max_mtu')))
	ipn peer -j route show 10.89.0.0/24 | jq -e '.[0].gateway == "10.88.0.1"'
	assert_eq "$(in_ns node sysctl -n net.ipv4.ip_forward)" 1 "forwarding"
	# No IPv6 on the bed's devices: no frame crosses that nobody sent.
	for ns in peer node sbx tsbx ksbx; do
		assert_eq "$(ipn "$ns" -6 -j addr show | jq -c '[.[] | select(.ifname != "lo") | .ifname]')" \
			"[]" "$ns IPv6"
	done

	host_servers_start
	declare -gA GBPS MEAN P99 TPS
	for key in "${HOST_KEYS[@]}"; do
		host_rr "$key"
		[[ ${MEAN[$key]} =~ ^\ [0-9.]+$ && ${TPS[$key]} =~ ^\ [0-9]+$ ]] ||
			{ echo "$key: '${MEAN[$key]}' '${TPS[$key]}'" >&2; false; }
	done
	# Our programs saw the traffic: the NIC's as the host's (pass port),
	# the tunnel's both ways as forwarded.
	(($(bed_counter "$BPFFS/nn2/redirect_counters" pass_port) >= 50))
	(($(bed_counter "$BPFFS/nn3/tunnel_host_counters" pass_port) >= 50))
	(($(bed_counter "$BPFFS/th0/tunnel_host_counters" forwarded) >= 50))
	(($(bed_counter "$BPFFS/tv0/tunnel_veth_counters" forwarded) >= 50))
	assert_eq "$(bed_counter "$BPFFS/nn2/redirect_counters" forwarded)" 0 "nothing redirected"
	# The kernel's twin forwarded through the node's stack.
	(($(ipn node -j -s link show dev kv0 | jq '.[0].stats64.tx.packets') >= 50))

	HOST_SECONDS=1
	host_iperf3 nic_redirect
	[[ ${GBPS[nic_redirect]} =~ ^\ [0-9]+\.[0-9]{3}$ ]] ||
		{ echo "'${GBPS[nic_redirect]}'" >&2; false; }
}
