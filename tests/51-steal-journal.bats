#!/usr/bin/env bats
# scrape --steal's journal: killed at each of its system calls, a --steal
# leaves every address either in the namespace or in the journal, and
# both --restore and a re-run of --steal converge (the re-run to the
# document and state of an undisturbed run); the journal's directory,
# file and lock are refused when they are not ours alone; IPv6 link-local
# addresses stay.

load lib/test
load lib/kill

setup_file() {
	bed_setup
}

# The addresses jbed gives, "DEVICE ADDRESS/LEN", in the order given.
ADDRS=("j0 10.66.0.2/24" "j0 10.66.0.3/24" "j0 fd66::2/64" "j1 10.67.0.2/24"
	"j1 fd67::2/64")

# give_back NAME: the addresses and the route through a gateway of jbed.
give_back() {
	local a
	for a in "${ADDRS[@]}"; do
		if [[ $a == *:* ]]; then
			ipn "$1" addr add "${a#* }" dev "${a%% *}" nodad || return
		else
			ipn "$1" addr add "${a#* }" dev "${a%% *}" || return
		fi
	done
	ipn "$1" route add 192.168.66.0/24 via 10.66.0.1
}

# jbed NAME: two interfaces with IPv4 (primary and secondary) and IPv6
# addresses, an IPv6 link-local address of our own, and a route through a
# gateway.
jbed() {
	bed_ns "$1" "$1-peer"
	bed_veth "$1" j0 "$1-peer" pj0
	bed_veth "$1" j1 "$1-peer" pj1
	ipn "$1" addr add fe80::66:2/64 dev j0 nodad
	give_back "$1"
}

# state NAME: addresses (without lifetimes) and main-table routes.
state() {
	ipn "$1" -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[] |
		{family, local, prefixlen, scope}] | sort}]'
	ipn "$1" -j route show table main | jq -c 'sort_by(.dst, .dev)'
	ipn "$1" -j -6 route show table main | jq -c '[.[] | del(.expires)] | sort_by(.dst, .dev)'
}

# journal NAME: where the journal of the namespace is (its nsfs identity).
journal() {
	echo "$XDPWIRE_STATE_DIR/steal-$(stat -L -c '%d-%i' "$(ns_path "$1")").json"
}

# accounted NAME OUT: every address of jbed is in the namespace, in the
# journal, or in the document OUT the run delivered before it was killed.
accounted() {
	local ns=$1 out=$2 j a have
	j=$(journal "$ns")
	have=$(ipn "$ns" -j addr show | jq -r '.[] | .ifname as $d |
		.addr_info[] | "\($d) \(.local)/\(.prefixlen)"')
	if [[ -e $j ]]; then
		have+=$'\n'$(jq -r '.addresses[] | "\(.interface) \(.address)"' "$j") || return
	fi
	if delivered "$out"; then
		have+=$'\n'$(jq -r '.changes[].detail | capture("^(?<a>.*) from (?<d>.*)$") | "\(.d) \(.a)"' "$out") || return
	fi
	for a in "${ADDRS[@]}"; do
		grep -qxF "$a" <<<"$have" || {
			echo "lost: $a" >&2
			return 1
		}
	done
}

# delivered OUT: the killed run had written its whole document.
delivered() {
	[[ -s $1 ]] && jq -e '.version == 1' "$1" >/dev/null 2>&1
}

# valid DOC: DOC is a document of man/xdpwire-scrape.schema.json.
valid() {
	/usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.loads(sys.argv[2]))' \
		"$XW_ROOT/man/xdpwire-scrape.schema.json" "$1"
}

steal() {
	"$XW" scrape -j --steal --netns "$(ns_path "$1")"
}

# The points to kill at: each netlink request (the removals among them),
# each write, fsync, rename and unlink of the journal and the lock; every
# stateful call under XW_LONG=1.
steal_points() {
	if [[ ${XW_LONG:-0} == 1 ]]; then
		kill_points "$1"
	else
		kill_points "$1" | grep -E '^(sendmsg|write|fsync|renameat|unlinkat|flock) '
	fi
}

@test "killed at each step: every address is in the namespace or the journal, and --restore puts them all back" {
	jbed kr
	local before trace=$BED_DIR/trace-kr name n rc points=0 delivered=0
	local out=$BED_DIR/kr.json journaled
	before=$(state kr)
	kill_trace "$trace" "$XW" scrape -q --steal --netns "$(ns_path kr)"
	give_back kr
	assert_eq "$(state kr)" "$before" "the bed again"
	while read -r name n; do
		rc=0
		kill_at "$name" "$n" "$XW" scrape -j --steal --netns "$(ns_path kr)" >"$out" || rc=$?
		assert_eq "$rc" 137 "status when killed at $name $n"
		accounted kr "$out" || { echo "killed at $name $n" >&2; return 1; }
		journaled=0
		[[ -e $(journal kr) ]] && journaled=1
		run -0 --separate-stderr "$XW" scrape -q --restore --netns "$(ns_path kr)"
		assert_eq "$stderr" "" "stderr of --restore after $name $n"
		# Killed only after its document was out and its journal gone:
		# the steal was done, and --restore has nothing to undo.
		if delivered "$out"; then
			((journaled)) || give_back kr
			delivered=$((delivered + 1))
		fi
		assert_eq "$(state kr)" "$before" "state after --restore ($name $n)"
		assert_eq "$(ls -A "$XDPWIRE_STATE_DIR")" "" "journal and lock after --restore ($name $n)"
		points=$((points + 1))
	done < <(steal_points "$trace")
	# The 5 removals are among the points, and the kills after the
	# document (removing the journal, then the lock) are the only ones
	# that find it delivered.
	((points >= 12)) || { echo "only $points points" >&2; return 1; }
	assert_eq "$delivered" 2 "kills after the document was out"
}

@test "killed at each step, the next --steal prints the undisturbed run's document and leaves its state" {
	jbed ks
	local before after trace=$BED_DIR/trace-ks name n rc doc=$BED_DIR/ks.json
	local out=$BED_DIR/ks-killed.json
	before=$(state ks)
	kill_trace "$trace" "$XW" scrape -j --steal --netns "$(ns_path ks)" >"$doc"
	after=$(state ks)
	jq -e '[.changes[] | select(.action == "removed")] | length == 5' "$doc"
	give_back ks
	while read -r name n; do
		rc=0
		kill_at "$name" "$n" "$XW" scrape -j --steal --netns "$(ns_path ks)" >"$out" || rc=$?
		assert_eq "$rc" 137 "status when killed at $name $n"
		run -0 --separate-stderr steal ks
		assert_eq "$stderr" "" "stderr of the re-run after $name $n"
		# The caller has its document: from the killed run when it got
		# that far, else from the re-run.
		delivered "$out" || echo "$output" >"$out"
		assert_eq "$(jq -S . "$out")" "$(jq -S . "$doc")" "document the caller has after $name $n"
		assert_eq "$(state ks)" "$after" "state after the re-run ($name $n)"
		assert_eq "$(ls -A "$XDPWIRE_STATE_DIR")" "" "journal and lock after the re-run ($name $n)"
		give_back ks
		assert_eq "$(state ks)" "$before" "the bed again after $name $n"
	done < <(steal_points "$trace")
}

@test "--restore: nothing to restore is no error; restored addresses are changes; -j is one document" {
	jbed rs
	run -0 --separate-stderr "$XW" scrape --restore --netns "$(ns_path rs)"
	assert_eq "$output" "nothing to restore: no --steal of this namespace was interrupted"
	run -0 --separate-stderr "$XW" scrape -j --restore --netns "$(ns_path rs)"
	assert_json '.changed == false and .journal == null and .changes == [] and .netns.initial == false'
	valid "$output"
	# Killed at its third removal (sendmsg: 5 dump requests, then removals).
	local before j
	before=$(state rs)
	j=$(journal rs)
	run -137 kill_at sendmsg 8 "$XW" scrape -q --steal --netns "$(ns_path rs)"
	[[ -f $j ]]
	run -0 --separate-stderr "$XW" scrape -j --restore --netns "$(ns_path rs)"
	assert_eq "$stderr" ""
	assert_json '.changed and .journal == "'"$j"'" and ([.changes[] | select(.action == "restored" and .object == "address")] | length) == 2'
	assert_json '[.changes[].detail] | index("fd67::2/64 to j1") != null'
	valid "$output"
	assert_eq "$(state rs)" "$before" "state after --restore"
	[[ ! -e $j ]]
	expect_refused 64 "xdpwire scrape: --restore: goes with neither --steal nor --device: it puts back all the journal lists" \
		"$XW" scrape --restore --steal --netns "$(ns_path rs)"
	expect_refused 64 "xdpwire scrape: --restore: goes with neither --steal nor --device: it puts back all the journal lists" \
		"$XW" scrape --restore --device j0 --netns "$(ns_path rs)"
	load lib/complete
	run -0 complete_in rs "xdpwire scrape --res"
	assert_eq "$output" --restore "--res<TAB>"
}

@test "the journal is owner-only, written whole, and removed when the steal is done" {
	jbed jw
	local j
	j=$(journal jw)
	# Stopped at the first removal: the journal is complete by then.
	run -137 kill_at sendmsg 6 "$XW" scrape -q --steal --netns "$(ns_path jw)"
	assert_eq "$(stat -c '%a %U %F' "$j")" "600 root regular file"
	assert_eq "$(stat -c '%a %U' "$XDPWIRE_STATE_DIR")" "700 root"
	run -0 jq -r '.addresses[] | "\(.interface) \(.address)"' "$j"
	# The kernel's order (IPv4 first), in which they are put back.
	assert_eq "$output" "$(printf '%s\n' "j0 10.66.0.2/24" "j0 10.66.0.3/24" "j1 10.67.0.2/24" "j0 fd66::2/64" "j1 fd67::2/64")" "journaled addresses"
	run -0 jq -r '.addresses[].address | select(startswith("fe80:"))' "$j"
	assert_eq "$output" "" "link-local addresses in the journal"
	[[ ! -e $j.tmp ]]
	run -0 --separate-stderr steal jw
	[[ ! -e $j ]]
	assert_eq "$(ls -A "$XDPWIRE_STATE_DIR")" "" "journal and lock after --steal"
}

@test "IPv6 link-local addresses are reported but not stolen" {
	jbed ll
	run -0 --separate-stderr steal ll
	assert_json '[.interfaces[] | select(.name == "j0") | .addresses[].address] | index("fe80::66:2") != null'
	assert_json '[.changes[].detail | select(startswith("fe80:"))] == []'
	valid "$output"
	run -0 ipn ll -j addr show dev j0
	assert_json '[.[].addr_info[].local] | index("fe80::66:2") != null'
	run -0 ipn ll -j -6 route show dev j0
	assert_json '[.[].dst] | index("fe80::/64") != null'
}

@test "a second --steal or --restore of a namespace being stolen is refused with exit 75, nothing changed" {
	jbed lk
	local j lock before
	j=$(journal lk)
	lock=${j%.json}.lock
	mkdir -p "$XDPWIRE_STATE_DIR"
	before=$(state lk)
	run -75 --separate-stderr flock "$lock" "$XW" scrape --steal --netns "$(ns_path lk)"
	assert_eq "$stderr" "xdpwire scrape: $j: another scrape --steal or --restore of this namespace is running; retry"
	run -75 --separate-stderr flock "$lock" "$XW" scrape --restore --netns "$(ns_path lk)"
	assert_eq "$stderr" "xdpwire scrape: $j: another scrape --steal or --restore of this namespace is running; retry"
	assert_eq "$(state lk)" "$before" "state after the refusals"
	rm -f "$lock"
}

@test "a state directory or journal that is not ours alone is refused, nothing changed, nothing followed" {
	jbed hs
	local j before dir=$BED_DIR/hostile
	before=$(state hs)
	mkdir -m 0777 "$dir"
	run -65 --separate-stderr env XDPWIRE_STATE_DIR="$dir" "$XW" scrape --steal --netns "$(ns_path hs)"
	assert_eq "$stderr" "xdpwire scrape: $dir: state directory owned by uid 0 with mode 0777: others could plant a journal of --steal in it"
	chmod 0700 "$dir"
	chown 65534 "$dir"
	run -65 --separate-stderr env XDPWIRE_STATE_DIR="$dir" "$XW" scrape --restore --netns "$(ns_path hs)"
	assert_eq "$stderr" "xdpwire scrape: $dir: state directory owned by uid 65534 with mode 0700: others could plant a journal of --steal in it"
	rmdir "$dir"
	ln -s "$BED_DIR" "$dir"
	run -65 --separate-stderr env XDPWIRE_STATE_DIR="$dir" "$XW" scrape --steal --netns "$(ns_path hs)"
	assert_eq "$stderr" "xdpwire scrape: $dir: state directory is a symbolic link, not followed"
	rm "$dir"
	assert_eq "$(state hs)" "$before" "state after the refusals"

	# A journal that is a symlink, of loose mode, or not a journal.
	j=$(journal hs)
	mkdir -p "$XDPWIRE_STATE_DIR"
	echo '{}' >"$BED_DIR/elsewhere.json"
	ln -s "$BED_DIR/elsewhere.json" "$j"
	run -65 --separate-stderr "$XW" scrape --steal --netns "$(ns_path hs)"
	assert_eq "$stderr" "xdpwire scrape: $j: a symbolic link, not followed: left alone"
	assert_eq "$(cat "$BED_DIR/elsewhere.json")" "{}" "the symlink's target"
	rm "$j"
	echo '{}' >"$j"
	chmod 0644 "$j"
	run -65 --separate-stderr "$XW" scrape --restore --netns "$(ns_path hs)"
	assert_eq "$stderr" "xdpwire scrape: $j: not a journal of ours (a regular file of uid 0, mode 0600, at most 268435456 bytes): left alone"
	chmod 0600 "$j"
	run -65 --separate-stderr "$XW" scrape --steal --netns "$(ns_path hs)"
	assert_eq "$stderr" "xdpwire scrape: $j: not a journal of scrape --steal (version 1 with netns_cookie, addresses, routes expected): left alone"
	[[ -f $j ]]
	assert_eq "$(state hs)" "$before" "state after the refused journals"
	rm "$j"
}

@test "a journal that cannot be written stops --steal before any removal (exit 73)" {
	jbed jf
	local before
	before=$(state jf)
	run -73 --separate-stderr env XDPWIRE_TEST_FAULT=steal-journal "$XW" scrape -j --steal --netns "$(ns_path jf)"
	assert_eq "$stderr" "xdpwire scrape: $(journal jf): cannot write the journal (nothing removed): Input/output error"
	assert_json '.exit_code == 73'
	assert_eq "$(state jf)" "$before" "state"
	assert_eq "$(ls -A "$XDPWIRE_STATE_DIR")" "" "journal and lock"
}

@test "a failed removal puts back what was taken and removes the journal" {
	jbed rb
	local before
	before=$(state rb)
	run -71 --separate-stderr env XDPWIRE_TEST_FAULT=steal-address@3 "$XW" scrape --steal --netns "$(ns_path rb)"
	[[ $stderr == *"(the 2 removed before it were put back)" ]]
	assert_eq "$(state rb)" "$before" "state"
	assert_eq "$(ls -A "$XDPWIRE_STATE_DIR")" "" "journal and lock"
}

@test "after a kill: an interface deleted is passed over with a warning; a journal of a namespace gone is dropped" {
	jbed gone
	local j
	j=$(journal gone)
	local idx
	idx=$(ipn gone -j link show j1 | jq '.[0].ifindex')
	# Killed as it removes the journal: every address is taken.
	run -137 kill_at unlinkat 2 "$XW" scrape -q --steal --netns "$(ns_path gone)"
	[[ -f $j ]]
	ipn gone link del j1
	run -0 --separate-stderr "$XW" scrape --restore --netns "$(ns_path gone)"
	assert_eq "${#stderr_lines[@]}" 2 "warnings"
	assert_eq "${stderr_lines[0]}" "xdpwire scrape: warning: j1: gone (ifindex $idx): address 10.67.0.2/24 cannot be put back"
	assert_eq "${stderr_lines[1]}" "xdpwire scrape: warning: j1: gone (ifindex $idx): address fd67::2/64 cannot be put back"
	[[ ! -e $j ]]
	run -0 ipn gone -j addr show dev j0
	assert_json '[.[].addr_info[].local] | (index("10.66.0.2") != null and index("10.66.0.3") != null and index("fd66::2") != null)'

	# The same namespace identity with another cookie: a journal of a
	# namespace that is gone, whose inode this one was given.
	run -137 kill_at sendmsg 7 "$XW" scrape -q --steal --netns "$(ns_path gone)"
	jq -c '.netns_cookie = 1' "$j" >"$j.new" && mv "$j.new" "$j" && chmod 0600 "$j"
	run -0 --separate-stderr "$XW" scrape -j --restore --netns "$(ns_path gone)"
	assert_eq "$stderr" "xdpwire scrape: warning: $j: journal of a namespace that is gone (this one has its inode): removed"
	assert_json '.changed == false and .changes == [] and .journal == null'
	[[ ! -e $j ]]
}
