#!/usr/bin/env bats
# status and pin-gc on the sandboxes of a tunnel host install (issue 15):
# each state of design15.md section 4 is made by hand with bpftool on the
# pinned tables (no traffic), then status must list and judge it without
# changing the install's own health, pin-gc --dry-run must change nothing,
# and pin-gc (with --repair too) must free only the stale sandboxes' slots.

load lib/test
load lib/sandbox_state

setup_file() {
	bed_setup
	bed_ns node peer
	in_ns node sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	in_ns peer sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}

setup() {
	SANDBOX_NS=node
	NIC=$BPFFS/n0
}

teardown() {
	# Each test builds its own node: nothing of one leaks into the next.
	in_ns node "$XW" tunnel-install --device n0 --unpin -q 2>/dev/null || true
	local dev
	for dev in n0 h1 h2 h3 h4; do
		ipn node link del "$dev" 2>/dev/null || true
	done
	find "$BPFFS" -mindepth 1 -delete 2>/dev/null || true
}

# Every status run's document is checked against the status schema too.
xw() {
	if [[ $1 == status ]]; then
		status_checked in_ns node "$XW" "$@"
	else
		in_ns node "$XW" "$@"
	fi
}

ifindex() {
	ipn node -j link show "$1" | jq '.[0].ifindex'
}

# node: n0 the NIC, h1 its one sandbox wired by tunnel-install, h2..h4
# veths with no install of their own.
node() {
	local d
	for d in n0 h1 h2 h3 h4; do
		bed_veth node "$d" peer "p$d"
	done
	xw tunnel-install --device n0 -q
	xw tunnel-install --device n0 --veth h1 -q
	I1=$(ifindex h1) I2=$(ifindex h2) I3=$(ifindex h3) I4=$(ifindex h4)
	GONE=99999
}

# states: h1 ok, h2 committed without an install (broken), h3 not
# committed and not wired (stale), ifindex 99999 gone (stale).
states() {
	owner_set "$NIC" 10.80.1.1 "$I1" >/dev/null
	owner_set "$NIC" fd80::1:1 "$I1" >/dev/null
	sandbox_commit "$NIC" "$I1"
	owner_set "$NIC" 10.80.1.2 "$I2" >/dev/null
	sandbox_commit "$NIC" "$I2"
	owner_set "$NIC" 10.80.1.3 "$I3" >/dev/null
	owner_set "$NIC" 10.80.1.9 "$GONE" >/dev/null
	owner_set "$NIC" fd80::1:9 "$GONE" >/dev/null
	owner_set "$NIC" 10.80.1.8 "$GONE" >/dev/null
}

host_json() {
	xw status -j --device n0 |
		jq -c '.directories[0].installs[] | select(.kind == "tunnel host")'
}

@test "each sandbox state: status JSON and rows, the install stays ok, --check unchanged" {
	node
	run -0 --separate-stderr xw status -j --device n0
	python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$output"
	assert_json '.directories[0].installs[0] | .health == "ok" and .sandboxes == [] and .sandboxes_note == null'
	assert_json '.directories[0].installs[0].maps | .tunnel_host_sandbox_map.used == 0 and .tunnel_host_ipv4_owner_map.used == 0 and .tunnel_host_ipv6_owner_map.used == 0'
	states
	run -0 --separate-stderr xw status -j --device n0
	python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$output"
	assert_json '.directories[0].installs[0] | .health == "ok" and .why == null and .pin_gc == "none"'
	assert_json '.directories[0].installs[0].maps | .tunnel_host_sandbox_map.used == 2 and .tunnel_host_ipv4_owner_map.used == 5 and .tunnel_host_ipv6_owner_map.used == 2 and (.tunnel_host_sandbox_map | has("slots") | not)'
	local want
	want=$(jq -cn --argjson i1 "$I1" --argjson i2 "$I2" --argjson i3 "$I3" --arg b "$BPFFS" '[
		{veth:"h1", ifindex:$i1, committed:true, addresses:["10.80.1.1","fd80::1:1"], health:"ok", why:null, pin_gc:"none", repair:null},
		{veth:"h2", ifindex:$i2, committed:true, addresses:["10.80.1.2"], health:"broken", why:"committed, but h2 has no tunnel veth install", pin_gc:"leave", repair:("xdpwire tunnel-install --bpffs " + $b + " --device n0 --veth h2 --unpin")},
		{veth:"h3", ifindex:$i3, committed:false, addresses:["10.80.1.3"], health:"stale", why:"not committed, and h3 is not wired to n0", pin_gc:"remove", repair:("xdpwire pin-gc --bpffs " + $b + " --device n0")},
		{veth:null, ifindex:99999, committed:false, addresses:["10.80.1.8","10.80.1.9","fd80::1:9"], health:"stale", why:"veth ifindex 99999 is gone", pin_gc:"remove", repair:("xdpwire pin-gc --bpffs " + $b + " --device n0")}]')
	assert_json ".directories[0].installs[0].sandboxes == $want"
	run -0 --separate-stderr xw status --device n0
	[[ $output == *$'\n''n0  '*'sandbox h1 ok 10.80.1.1 fd80::1:1'$'\n'* ]]
	[[ $output == *'sandbox h2 broken 10.80.1.2'$'\n'*'  broken: committed, but h2 has no tunnel veth install'$'\n'*"  repair: xdpwire tunnel-install --bpffs $BPFFS --device n0 --veth h2 --unpin"* ]]
	[[ $output == *'sandbox h3 stale 10.80.1.3'$'\n'*"  repair: xdpwire pin-gc --bpffs $BPFFS --device n0"* ]]
	[[ $output == *'sandbox ifindex:99999 stale 10.80.1.8 10.80.1.9 fd80::1:9'$'\n'*'  stale: veth ifindex 99999 is gone'* ]]
	assert_eq "${lines[-1]}" "1 install(s), 1 ok, 0 not" "summary"
	run -0 --separate-stderr xw status --check -q
	assert_eq "$output" "" "status --check -q"
}

@test "not committed while wired here: broken (killed half-way), its repair the veth's --unpin" {
	node
	owner_set "$NIC" 10.80.1.1 "$I1" >/dev/null
	run -0 --separate-stderr xw status -j --device n0
	assert_json '.directories[0].installs[0].health == "ok"'
	assert_json ".directories[0].installs[0].sandboxes == [{\"veth\":\"h1\",\"ifindex\":$I1,\"committed\":false,\"addresses\":[\"10.80.1.1\"],\"health\":\"broken\",\"why\":\"not committed, but h1 is wired to n0: a registration or removal killed half-way\",\"pin_gc\":\"leave\",\"repair\":\"xdpwire tunnel-install --bpffs $BPFFS --device n0 --veth h1 --unpin\"}]"
	run -0 --separate-stderr xw status --check -q
	# pin-gc and --repair leave it, with a warning.
	local before
	before=$(owners_dump "$NIC")
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changes == [] and (.warnings | length) == 1'
	[[ $stderr == *"sandbox h1 (ifindex $I1) left alone: not committed, but h1 is wired to n0"* ]]
	run -0 --separate-stderr xw pin-gc --repair -j
	assert_json '.changes == []'
	assert_eq "$(owners_dump "$NIC")" "$before" "tables after pin-gc"
}

@test "pin-gc --dry-run changes nothing; pin-gc frees only the stale; --repair the same; a second run has nothing" {
	node
	states
	local before after
	before=$(owners_dump "$NIC")
	STATE_NS=node
	local state
	state=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --dry-run -j
	assert_json '.changed == false and .dry_run == true'
	assert_json '[.changes[] | select(.object == "address") | .action] | length == 4 and all(. == "would free")'
	assert_eq "$(owners_dump "$NIC")" "$before" "tables after --dry-run"
	assert_eq "$(bed_state node)" "$state" "pins after --dry-run"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changed == true'
	assert_json '[.changes[] | select(.object == "address") | .action] == ["freed","freed","freed","freed"]'
	assert_json '[.changes[] | select(.object == "address") | .detail | split(" ")[0]] == ["10.80.1.3","10.80.1.8","10.80.1.9","fd80::1:9"]'
	assert_json '[.changes[] | select(.object == "address") | .path] | map(endswith("_owner_map")) | all'
	[[ $output == *"\"detail\":\"10.80.1.9 of ifindex 99999 (slot "*"): veth ifindex 99999 is gone\""* ]]
	# Independent: only h1's and h2's slots are left, both committed.
	after=$(owners_dump "$NIC")
	assert_eq "$(grep -c . <<<"$after")" 5 "slots and commits left"
	assert_eq "$(awk '$1 != "c" { print "0x" $3 }' <<<"$after" | sort -u | xargs printf '%d\n' | sort -n | xargs)" \
		"$(printf '%d\n' "$I1" "$I2" | sort -n | xargs)" "owners left"
	run -0 --separate-stderr xw status -j --device n0
	assert_json '[.directories[0].installs[0].sandboxes[] | .health] == ["ok","broken"]'
	assert_json '.directories[0].installs[0].maps.tunnel_host_ipv4_owner_map.used == 2'
	# Freed slots are tombstones: a probe for another address goes on.
	run -0 --separate-stderr xw pin-gc --repair -j
	assert_json '[.changes[] | select(.object == "address")] == []'
	assert_eq "$(owners_dump "$NIC")" "$after" "tables after --repair"
	run -0 --separate-stderr xw pin-gc
	assert_eq "$output" "nothing to do" "second pin-gc"
	run -0 --separate-stderr xw status --check -q
}

@test "a committed sandbox's veth deleted: the kernel uncommits it, status says stale, pin-gc frees it" {
	node
	owner_set "$NIC" 10.80.1.4 "$I4" >/dev/null
	owner_set "$NIC" fd80::1:4 "$I4" >/dev/null
	sandbox_commit "$NIC" "$I4"
	owner_set "$NIC" 10.80.1.1 "$I1" >/dev/null
	sandbox_commit "$NIC" "$I1"
	run -0 --separate-stderr xw status -j --device n0
	assert_json "[.directories[0].installs[0].sandboxes[] | select(.ifindex == $I4) | .health] == [\"broken\"]"
	ipn node link del h4
	# DEVMAP_HASH drops a device's entry as it is unregistered (the
	# netdev notifier runs before ip link del returns).
	[[ $(owners_dump "$NIC" | grep -c '^c ') == 1 ]]
	run -0 --separate-stderr xw status -j --device n0
	assert_json "[.directories[0].installs[0].sandboxes[] | {ifindex, veth, committed, health, why}] == [{\"ifindex\":$I1,\"veth\":\"h1\",\"committed\":true,\"health\":\"ok\",\"why\":null},{\"ifindex\":$I4,\"veth\":null,\"committed\":false,\"health\":\"stale\",\"why\":\"veth ifindex $I4 is gone\"}]"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '[.changes[] | select(.object == "address") | .detail | split(" ")[0]] == ["10.80.1.4","fd80::1:4"]'
	run -0 --separate-stderr xw status -j --device n0
	assert_json "[.directories[0].installs[0].sandboxes[] | .ifindex] == [$I1]"
	assert_json '.directories[0].installs[0].maps | .tunnel_host_ipv4_owner_map.used == 1 and .tunnel_host_ipv6_owner_map.used == 0'
}

@test "tables' pins lost: the install is broken, sandboxes null with a note; --repair re-pins them, entries kept" {
	node
	owner_set "$NIC" 10.80.1.1 "$I1" >/dev/null
	sandbox_commit "$NIC" "$I1"
	local before
	before=$(owners_dump "$NIC")
	rm "$NIC/tunnel_host_sandbox_map" "$NIC/tunnel_host_ipv4_owner_map" "$NIC/tunnel_host_ipv6_owner_map"
	run -0 --separate-stderr xw status -j --device n0
	assert_json '.directories[0].installs[0] | .health == "broken" and .pin_gc_repair == "repin" and .sandboxes == null and .sandboxes_note == "its address tables are not all pinned (see why)"'
	run -0 --separate-stderr xw status --device n0
	[[ $output == *'sandboxes: none listed: its address tables are not all pinned (see why)'* ]]
	run -0 --separate-stderr xw pin-gc --repair -j
	assert_json '[.changes[] | select(.action == "pinned") | .path | split("/")[-1]] | sort == ["tunnel_host_ipv4_owner_map","tunnel_host_ipv6_owner_map","tunnel_host_sandbox_map"]'
	assert_eq "$(owners_dump "$NIC")" "$before" "tables after --repair"
	run -0 --separate-stderr xw status -j --device n0
	assert_json ".directories[0].installs[0] | .health == \"ok\" and .sandboxes_note == null and ([.sandboxes[] | {veth, health, addresses}] == [{\"veth\":\"h1\",\"health\":\"ok\",\"addresses\":[\"10.80.1.1\"]}])"
}

@test "registered by tunnel-install: ok; a removal failing half-way is broken until its repair command; a deleted veth is freed by pin-gc" {
	node
	xw tunnel-install --device n0 --veth h2 --address 10.80.1.2 --address fd80::1:2 -q
	xw tunnel-install --device n0 --veth h3 --address 10.80.1.3 -q
	run -0 --separate-stderr xw status -j --device n0
	assert_json "[.directories[0].installs[0].sandboxes[] | {veth, ifindex, committed, addresses, health}] == [{\"veth\":\"h2\",\"ifindex\":$I2,\"committed\":true,\"addresses\":[\"10.80.1.2\",\"fd80::1:2\"],\"health\":\"ok\"},{\"veth\":\"h3\",\"ifindex\":$I3,\"committed\":true,\"addresses\":[\"10.80.1.3\"],\"health\":\"ok\"}]"
	run -71 --separate-stderr in_ns node env XDPWIRE_TEST_FAULT=owner-remove@1 "$XW" tunnel-install --device n0 --veth h3 --unpin
	run -0 --separate-stderr xw status -j --device n0
	assert_json ".directories[0].installs[0].sandboxes[1] | .health == \"broken\" and .committed == false and .pin_gc == \"leave\" and .repair == \"xdpwire tunnel-install --bpffs $BPFFS --device n0 --veth h3 --unpin\""
	local repair before
	repair=$(json '.directories[0].installs[0].sandboxes[1].repair')
	before=$(owners_dump "$NIC")
	run -0 --separate-stderr xw pin-gc --repair
	assert_eq "$(owners_dump "$NIC")" "$before" "tables after pin-gc --repair"
	# The repair command as status gives it, word for word.
	read -r -a words <<<"${repair#xdpwire }"
	xw "${words[@]}" -q
	run -0 --separate-stderr xw status -j --device n0
	assert_json "[.directories[0].installs[0].sandboxes[] | {veth, health}] == [{\"veth\":\"h2\",\"health\":\"ok\"}]"
	# h2's veth deleted: uncommitted by the kernel, then stale.
	ipn node link del h2
	run -0 --separate-stderr xw status -j --device n0
	assert_json ".directories[0].installs[0] | .health == \"ok\" and ([.sandboxes[] | {veth, committed, health, why}] == [{\"veth\":null,\"committed\":false,\"health\":\"stale\",\"why\":\"veth ifindex $I2 is gone\"}])"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '[.changes[] | select(.object == "address") | .detail | split(" ")[0]] == ["10.80.1.2","fd80::1:2"]'
	[[ ! -e $BPFFS/h2 ]]
	assert_eq "$(owners_dump "$NIC")" "" "tables after pin-gc"
	run -0 --separate-stderr xw status --check -q
}

@test "the status schema: the document of each state matches it; each kind of wrong document is refused" {
	node
	states
	run -0 --separate-stderr xw status -j --device n0
	local doc=$output bad
	status_schema_check "$doc"
	# Each edit breaks one rule of man/xdpwire-status.schema.json.
	local -a edits=(
		'.version = 2'
		'.changed = true'
		'.directories[0].installs[0].sandboxes[0].health = "fine"'
		'del(.directories[0].installs[0].sandboxes[1].committed)'
		'.directories[0].installs[0].sandboxes[0].why = "ok, but says why"'
		'.directories[0].installs[0].sandboxes[0].addresses += [7]'
		'.directories[0].installs[0].sandboxes[2].pin_gc = "repin"'
		'.directories[0].installs[0].sandboxes = null'
		'.directories[0].installs[0].sandboxes_note = "listed"'
		'.directories[0].installs[0].maps.tunnel_host_sandbox_map.slots = []'
		'del(.directories[0].installs[0].maps.tunnel_host_ipv4_owner_map.used)'
		'.directories[0].installs[0].maps.tunnel_host_counters.counters.dropped = 0'
		'.directories[0].installs[0].pins.redirect_link = "present"'
		'.directories[0].installs[0].kind = "tunnel veth"'
		'.directories[0].installs[0].health = "fine"'
		'.directories[0].installs[0].extra = 1'
		'.directories[0].ifindex = 0'
		'del(.directories[0].empty)'
	)
	local e
	for e in "${edits[@]}"; do
		bad=$(jq -c "$e" <<<"$doc")
		run -1 --separate-stderr status_schema_check "$bad"
		[[ $stderr == document* ]] || {
			printf 'edit %s: no error line: %s\n' "$e" "$stderr" >&2
			return 1
		}
	done
	run -2 --separate-stderr status_schema_check 'not json'
}
