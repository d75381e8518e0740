#!/usr/bin/env bats
# make bench's measuring tools, which make check does not run as a whole
# (minutes long): the timer must time and read the kernel's peak RSS, fail
# on a failing command, and the report must judge goals without rounding.
# The per-packet and throughput tools of issue 15 (xw-prog_run --slot0,
# xw-owners_fill, xw-livegen --dst-count) must do what their rows claim;
# no timing is asserted.

load lib/test

setup_file() {
	bed_setup
	bed_ns gen
}

setup() {
	BENCH=$XW_ROOT/${XW_BUILD:-build}/tests/bench
	TIMEIT=$BENCH/xw-timeit
	REPORT=$XW_ROOT/tests/bench/report.py
	ROWS=$BATS_TEST_TMPDIR/rows
}

@test "xw-timeit: one line, wall ns and peak RSS in KiB from the finished process" {
	run -0 --separate-stderr "$TIMEIT" true
	[[ $output =~ ^[0-9]+\ [0-9]+$ ]] || { echo "got '$output'" >&2; false; }
	# 64 MiB touched by the child must show in its peak, not in ours.
	run -0 --separate-stderr "$TIMEIT" python3 -c 'b = bytearray(64 << 20)'
	((${output#* } > 64 * 1024)) || { echo "RSS ${output#* } KiB" >&2; false; }
	run -0 --separate-stderr "$TIMEIT" sleep 0.2
	((${output% *} >= 200000000)) || { echo "wall ${output% *} ns" >&2; false; }
}

@test "xw-timeit: a sequence runs in order, stdout discarded, and a failure prints no sample" {
	local f=$BATS_TEST_TMPDIR/seq
	run -0 --separate-stderr "$TIMEIT" sh -c "echo a >>$f; echo out" --- \
		sh -c "echo b >>$f"
	assert_eq "$(cat "$f")" $'a\nb' "order"
	[[ $output =~ ^[0-9]+\ [0-9]+$ ]] || { echo "stdout leaked: '$output'" >&2; false; }
	run -1 --separate-stderr "$TIMEIT" true --- false --- sh -c "echo c >>$f"
	assert_eq "$output" "" "no sample of a failed sequence"
	assert_eq "$stderr" "xw-timeit: false exited with status 1" "stderr"
	assert_eq "$(cat "$f")" $'a\nb' "stopped at the failure"
	run -2 --separate-stderr "$TIMEIT" --nope true
	run -1 --separate-stderr "$TIMEIT" /nonexistent/cmd
}

row() {
	jq -cn --arg goal "$1" --argjson s "$2" --argjson a "$3" \
		'{section: "t", case: "c", unit: "ms", anchor: "a", goal: $goal,
		  note: "", samples: $s, anchor_samples: $a}' >>"$ROWS"
}

@test "report: paired ratios, goals judged without rounding, results.json" {
	row "ratio<=1.5" "[151, 151, 151]" "[100, 100, 100]"
	row "ratio<=1.5" "[150, 150, 150]" "[100, 100, 100]"
	row "ratio>=3" "[300, 310, 290]" "[100, 100, 100]"
	row "value<=8192" "[8000, 8193, 8000]" "[1, 1, 1]"
	row "" "[1, 2, 3]" "[1, 1, 1]"
	run -0 --separate-stderr python3 "$REPORT" --rows "$ROWS" \
		--json "$BATS_TEST_TMPDIR/r.json" --seconds 1
	[[ $output == *"| 1.51x (1.51-1.51) | ratio <= 1.5 | **no** |"* ]]
	[[ $output == *"| 1.50x (1.50-1.50) | ratio <= 1.5 | yes |"* ]]
	[[ $output == *"Goals: 2 met, 2 missed."* ]]
	run -0 jq -c '[.rows[].met]' "$BATS_TEST_TMPDIR/r.json"
	assert_eq "$output" '[false,true,true,false,null]' "verdicts"
	run -0 jq -c '.rows[0].ratio.median, .goals' "$BATS_TEST_TMPDIR/r.json"
	assert_eq "$output" $'1.51\n{"met":2,"missed":2}' "ratio and tally"
}

@test "report: unpaired samples are refused, not averaged" {
	row "" "[1, 2, 3]" "[1, 1]"
	run -1 --separate-stderr python3 "$REPORT" --rows "$ROWS"
	[[ $stderr == *"samples not paired"* ]]
}

@test "report: --readme replaces only the marked table and names every missed goal" {
	local md=$BATS_TEST_TMPDIR/README.md
	printf '%s\n' "# t" "before" \
		"<!-- bench:begin (tests/bench/report.py writes this part) -->" \
		"old table" "<!-- bench:end -->" "after" >"$md"
	row "ratio<=1.0" "[2, 2, 2]" "[1, 1, 1]"
	row "ratio<=1.0" "[1, 1, 1]" "[2, 2, 2]"
	run -0 --separate-stderr python3 "$REPORT" --rows "$ROWS" --readme "$md"
	run -0 cat "$md"
	[[ $output == "# t"$'\n'"before"$'\n'"<!-- bench:begin"* ]]
	[[ $output == *"<!-- bench:end -->"$'\n'"after" ]]
	[[ $output != *"old table"* ]]
	[[ $output == *"- t, c against a: 2.00x, goal ratio <= 1.0"* ]]
	[[ $(grep -c '^- t, c against' "$md") == 1 ]]
}

# A veth pair with both ends in gen, once per file.
gen_pair() {
	ipn gen link show s0 >/dev/null 2>&1 || bed_veth gen s0 gen s1
}

@test "xw-prog_run --slot0: the old tunnel host, pass port 22, DEV in slot 0, kernel time beside CPU time" {
	gen_pair
	run -0 --separate-stderr in_ns gen "$BENCH/xw-prog_run" --repeat 1000 \
		--rounds 2 --kernel-time \
		--slot0 "$XW_HELPERS/tunnel_host_v1.bpf.o" s0:redirect,pass,redirect,pass
	# floor and slot0, 4 frames each, CPU time then the kernel's duration.
	assert_eq "$(cut -d' ' -f1,2 <<<"$output" | tr '\n' ' ')" \
		"floor udp4 floor tcp4-22 floor tcp6-443 floor short slot0 udp4 slot0 tcp4-22 slot0 tcp6-443 slot0 short floor.kernel udp4 floor.kernel tcp4-22 floor.kernel tcp6-443 floor.kernel short slot0.kernel udp4 slot0.kernel tcp4-22 slot0.kernel tcp6-443 slot0.kernel short " \
		"lines"
	[[ $(grep -cE '^[a-z0-9.]+ [a-z0-9-]+ [0-9.]+ [0-9.]+$' <<<"$output") == 16 ]]
	# Slot 0 empty would pass udp4 to the kernel; port 22 not set would
	# redirect tcp4-22: the actions are checked, so a wrong load fails.
	run -1 --separate-stderr in_ns gen "$BENCH/xw-prog_run" --repeat 10 \
		--rounds 1 --slot0 "$XW_HELPERS/tunnel_host_v1.bpf.o" s0:redirect,redirect,redirect,pass
	assert_eq "$stderr" "xw-prog_run: slot0 on tcp4-22: returned 2, expected redirect: not the path to measure" "port 22"
	run -0 --separate-stderr in_ns gen "$BENCH/xw-prog_run" --repeat 10 \
		--rounds 1 --dst4 10.99.0.1 --dst6 fd99::1 \
		--slot0 "$XW_HELPERS/tunnel_host_v1.bpf.o" s0:redirect,pass,redirect,pass
	run -2 --separate-stderr in_ns gen "$BENCH/xw-prog_run" --dst4 nope \
		--slot0 "$XW_HELPERS/tunnel_host_v1.bpf.o" s0:redirect,pass,redirect,pass
	run -1 --separate-stderr in_ns gen "$BENCH/xw-prog_run" \
		--slot0 "$XW_HELPERS/tunnel_host_v1.bpf.o" nodev0:redirect,pass,redirect,pass
}

# owner_slots MAP: "SLOT VALUE-HEX" of every slot in use, by bpftool.
owner_slots() {
	bpftool -j map dump pinned "$1" | jq -r '.[] |
		select(.value | map(. != "0x00") | any) |
		"\(.key[0] | ltrimstr("0x")) \(.value | map(ltrimstr("0x")) | join(""))"'
}

@test "xw-owners_fill: slots where bpf/owner_table.h puts them, commits after them, a full window refused" {
	local d=$BPFFS/fill ifx out
	gen_pair
	mkdir -p "$d"
	bpftool map create "$d/tunnel_host_ipv4_owner_map" type array key 4 \
		value 8 entries 4 name o4
	bpftool map create "$d/tunnel_host_ipv6_owner_map" type array key 4 \
		value 32 entries 4 name o6
	bpftool map create "$d/tunnel_host_sandbox_map" type devmap_hash key 4 \
		value 4 entries 8 name sb
	ifx=$(ipn gen -j link show s0 | jq '.[0].ifindex')
	run -0 --separate-stderr in_ns gen "$BENCH/xw-owners_fill" "$d" \
		<<<"s0 10.0.0.1 fd00::1"
	assert_eq "$output" "sandboxes 1 addresses 2" "summary"
	# Home slots by the contract's hash, computed here independently.
	out=$(python3 -c '
import ipaddress, struct, sys
mix = lambda x: (lambda y: y ^ (y >> 16))(((x ^ (x >> 16)) * 0x9e3779b1) & 0xffffffff)
a4 = struct.unpack("<I", ipaddress.ip_address("10.0.0.1").packed)[0]
hi, lo = struct.unpack("<QQ", ipaddress.ip_address("fd00::1").packed)
x = hi ^ lo
print(mix(a4) & 3, mix((x ^ (x >> 32)) & 0xffffffff) & 3)')
	assert_eq "$(owner_slots "$d/tunnel_host_ipv4_owner_map")" \
		"0${out% *} 0a000001$(printf '%08x' "$ifx" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')" \
		"IPv4 slot"
	assert_eq "$(owner_slots "$d/tunnel_host_ipv6_owner_map")" \
		"0${out#* } fd000000000000000000000000000001$(printf '%08x' "$ifx" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')$(printf '0%.0s' {1..24})" \
		"IPv6 slot"
	assert_eq "$(bpftool -j map dump pinned "$d/tunnel_host_sandbox_map" |
		jq -c '[.[].key | map(ltrimstr("0x")) | reverse | join("")]')" \
		"[\"$(printf '%08x' "$ifx")\"]" "committed"
	# Four slots hold four addresses: the fifth finds its window full and
	# s1 is not committed (commits come after every slot).
	run -1 --separate-stderr in_ns gen "$BENCH/xw-owners_fill" "$d" \
		<<<"s1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5"
	assert_eq "$stderr" "xw-owners_fill: 10.0.0.5: No space left on device" "full"
	assert_eq "$(bpftool -j map dump pinned "$d/tunnel_host_sandbox_map" | jq length)" 1 "s1 not committed"
	run -1 --separate-stderr in_ns gen "$BENCH/xw-owners_fill" "$d" <<<"nodev0 10.0.0.9"
	assert_eq "$stderr" "xw-owners_fill: nodev0: no such device" "no device"
}

# snmp NS GROUP FIELD: a counter of the namespace's /proc/net/snmp (the
# first line of a group names the fields, the second holds the values).
snmp() {
	in_ns "$1" awk -v g="$2:" -v f="$3" '
		$1 == g && !seen++ { for (i = 2; i <= NF; i++) if ($i == f) k = i; next }
		$1 == g { print $k }' /proc/net/snmp
}

rx_received() {
	(($(snmp rx Ip InReceives) >= $1))
}

@test "xw-livegen --dst-count: the destinations in turn, across a byte carry, checksums right" {
	local a mac
	bed_ns rx
	bed_veth gen g0 rx r0
	in_ns rx ethtool -K r0 gro on >/dev/null
	# 10.2.0.254 and the 7 after it; the last one not ours.
	for a in 10.2.0.254 10.2.0.255 10.2.1.0 10.2.1.1 10.2.1.2 10.2.1.3 10.2.1.4; do
		ipn rx addr add "$a/32" dev r0
	done
	mac=$(ipn rx -j link show r0 | jq -r '.[0].address')
	run -0 --separate-stderr in_ns gen "$BENCH/xw-livegen" \
		--obj "$BENCH/livegen.bpf.o" --dev g0 --src-mac 02:00:00:00:00:02 \
		--dst-mac "$mac" --src-ip 10.1.0.2 --dst-ip 10.2.0.254 --count 16 \
		--dst-count 8
	[[ $output == "sent 16 elapsed_ns "* ]]
	poll_until 2000 rx_received 16
	# A bad checksum would count as InHdrErrors; 2 of 16 to 10.2.1.5.
	assert_eq "$(snmp rx Ip InHdrErrors) $(snmp rx Ip InAddrErrors) $(snmp rx Udp NoPorts)" \
		"0 2 14" "header errors, not ours, ours"
	run -2 --separate-stderr in_ns gen "$BENCH/xw-livegen" \
		--obj "$BENCH/livegen.bpf.o" --dev g0 --src-mac 02:00:00:00:00:02 \
		--dst-mac "$mac" --src-ip 10.1.0.2 --dst-ip 10.2.0.254 --dst-count 0
}
