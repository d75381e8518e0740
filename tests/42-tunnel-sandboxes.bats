#!/usr/bin/env bats
# Many sandboxes on one NIC, without traffic (43-sandbox-traffic.bats has
# the frames): registering sandboxes with their addresses, the refusals
# with nothing changed, --unpin of one sandbox, and failures and kills at
# each step of a registration and a removal.  The tables are read with
# bpftool (tests/lib/owners.bash), not with xdpwire.
#
# Namespaces: "host" holds the NICs and the host sides of the sandboxes'
# pairs; each sandbox side is in "sandbox"; "outside" has the NICs' ends.

load lib/test
load lib/owners
load lib/kill

setup_file() {
	bed_setup
	bed_ns host outside sandbox
}

setup() {
	STATE_NS="host sandbox"
}

# nic NAME: a NIC in host, its other end in outside, with the node's
# install; 10.42.0.1/16 and fd42::1/64 are the host's own on it.
nic() {
	bed_veth host "$1" outside "o$1" || return
	ipn host addr add 10.42.0.1/16 dev "$1" &&
		ipn host addr add fd42::1/64 dev "$1" nodad &&
		xw tunnel-install --device "$1" -q "${@:2}"
}

# sandbox HOSTSIDE SANDBOXSIDE: a sandbox's pair.
sandbox() {
	bed_veth host "$1" sandbox "$2"
}

xw() {
	in_ns host "$XW" "$@"
}

ifindex() {
	ipn "$1" -j link show dev "$2" | jq -r '.[0].ifindex'
}

# lines IFINDEX ADDR...: what owners_visible prints for a committed sandbox.
lines() {
	local i=$1 a
	shift
	for a; do
		echo "$a $i committed"
	done
}

# everything NIC: the state a refused or failed run must leave as it was.
everything() {
	bed_state host sandbox
	owners_visible "$1"
}

@test "two sandboxes registered with IPv4 and IPv6 each: exactly their entries, committed" {
	nic n0
	sandbox h0a s0a
	sandbox h0b s0b
	run -0 --separate-stderr xw tunnel-install --device n0 --veth h0a --address 10.42.1.1 --address fd42::1:1 -j
	assert_json '.changed and .registered and .addresses == ["10.42.1.1", "fd42::1:1"] and .veth == "h0a"'
	assert_json '[.changes[] | select(.object == "address" or .object == "sandbox") | .action] == ["added", "added", "registered"]'
	# The NIC's slot 0 is not a registered sandbox's.
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n0/tunnel_host_map")" "" "NIC's slot 0"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/h0a/tunnel_veth_map")" "$(ifindex host n0)" "veth's slot 0"
	run -0 --separate-stderr xw tunnel-install --device n0 --veth h0b --address fd42::1:2 --address 10.42.1.2
	assert_eq "$(tail -1 <<<"$output")" "n0 <-> h0b: sandbox registered (2 addresses)"
	assert_eq "$(owners_visible n0)" "$(
		{
			lines "$(ifindex host h0a)" 10.42.1.1 fd42::1:1
			lines "$(ifindex host h0b)" 10.42.1.2 fd42::1:2
		} | sort
	)" "owner entries"
}

@test "a re-run with the same addresses changes nothing and keeps the maps" {
	nic n1
	sandbox h1 s1
	xw tunnel-install --device n1 --veth h1 --address 10.42.1.1 --address fd42::1:1 -q
	local before ids
	before=$(everything n1)
	ids=$(bpftool map show pinned "$BPFFS/n1/tunnel_host_sandbox_map" -j | jq .id)
	# Another order and a repeated address: the same set.
	run -0 --separate-stderr xw tunnel-install --device n1 --veth h1 --address fd42::1:1 --address 10.42.1.1 --address 10.42.1.1 -j
	assert_json '(.changed | not) and .changes == [] and .registered'
	run -0 --separate-stderr xw tunnel-install --device n1 --veth h1 --address fd42::1:1 --address 10.42.1.1
	assert_eq "$output" "n1 <-> h1: already registered: nothing changed"
	assert_eq "$(everything n1)" "$before" "state after the re-run"
	assert_eq "$(bpftool map show pinned "$BPFFS/n1/tunnel_host_sandbox_map" -j | jq .id)" "$ids" "map id"
}

@test "an address another sandbox owns is refused naming the owner, nothing changed" {
	nic n2
	sandbox h2a s2a
	sandbox h2b s2b
	xw tunnel-install --device n2 --veth h2a --address 10.42.1.1 --address fd42::1:1 -q
	local before
	before=$(everything n2)
	expect_refused 65 "xdpwire tunnel-install: fd42::1:1: owned by sandbox h2a (ifindex $(ifindex host h2a)) on n2: nothing changed (tunnel-install --device n2 --veth h2a --unpin frees it)" \
		xw tunnel-install --device n2 --veth h2b --address 10.42.1.2 --address fd42::1:1
	assert_eq "$(everything n2)" "$before" "state after the refusal"
	expect_refused_json 65 xw tunnel-install --device n2 --veth h2b --address 10.42.1.1
}

@test "the host's own address is refused; --force takes it with a warning" {
	nic n3
	sandbox h3 s3
	local before
	before=$(everything n3)
	expect_refused 65 "xdpwire tunnel-install: 10.42.0.1: assigned to n3 on this host; the host would lose its traffic to the sandbox (--force takes it)" \
		xw tunnel-install --device n3 --veth h3 --address 10.42.0.1
	assert_eq "$(everything n3)" "$before" "state after the refusal"
	run -0 --separate-stderr xw tunnel-install --device n3 --veth h3 --address 10.42.0.1 --address fd42::3 --force
	assert_eq "$stderr" "xdpwire tunnel-install: warning: n3: 10.42.0.1 is the host's own; its traffic now goes to h3, not the host" "warning"
	assert_eq "$(owners_visible n3)" "$(lines "$(ifindex host h3)" 10.42.0.1 fd42::3)" "owner entries"
}

@test "the host's own address on a NIC that is down is still refused" {
	# Down, it carries no traffic; up again, the host's traffic would be
	# lost.  (IPv4 only: the kernel drops a down device's IPv6 addresses.)
	nic n30
	sandbox h30 s30
	ipn host link set n30 down
	local before
	before=$(everything n30)
	expect_refused 65 "xdpwire tunnel-install: 10.42.0.1: assigned to n30 on this host; the host would lose its traffic to the sandbox (--force takes it)" \
		xw tunnel-install --device n30 --veth h30 --address 10.42.0.1 --address fd42::9
	assert_eq "$(everything n30)" "$before" "state after the refusal"
	xw tunnel-install --device n30 --unpin -q
	ipn host link del n30
}

@test "--unpin of one sandbox leaves the other's entries identical" {
	nic n4
	sandbox h4a s4a
	sandbox h4b s4b
	xw tunnel-install --device n4 --veth h4a --address 10.42.1.1 --address fd42::1:1 -q
	xw tunnel-install --device n4 --veth h4b --address 10.42.1.2 --address fd42::1:2 -q
	run -0 --separate-stderr xw tunnel-install --device n4 --peer s4b --netns "$(ns_path sandbox)" --unpin -j
	assert_json '[.changes[] | select(.object == "sandbox" or .object == "address") | .action] == ["unregistered", "removed", "removed"]'
	assert_eq "$(owners_visible n4)" "$(lines "$(ifindex host h4a)" 10.42.1.1 fd42::1:1)" "owner entries"
	[[ ! -e $BPFFS/h4b && -e $BPFFS/h4a ]]
	# Its addresses are free again.
	run -0 --separate-stderr xw tunnel-install --device n4 --veth h4b --address 10.42.1.2 -q
	run -0 --separate-stderr xw tunnel-install --device n4 --veth h4b --unpin
	run -0 --separate-stderr xw tunnel-install --device n4 --veth h4b --unpin
	assert_eq "$output" "n4 <-> h4b: not wired: nothing to remove"
}

@test "a registered sandbox asked for another set is refused: --unpin first" {
	nic n5
	sandbox h5 s5
	xw tunnel-install --device n5 --veth h5 --address 10.42.1.1 --address fd42::1:1 -q
	local before
	before=$(everything n5)
	expect_refused 65 "xdpwire tunnel-install: h5: registered on n5 without 10.42.1.9: nothing changed (tunnel-install --device n5 --veth h5 --unpin first)" \
		xw tunnel-install --device n5 --veth h5 --address 10.42.1.1 --address fd42::1:1 --address 10.42.1.9
	expect_refused 65 "xdpwire tunnel-install: h5: registered on n5 with fd42::1:1, which this run leaves out: nothing changed (tunnel-install --device n5 --veth h5 --unpin first)" \
		xw tunnel-install --device n5 --veth h5 --address 10.42.1.1
	assert_eq "$(everything n5)" "$before" "state after the refusals"
}

@test "the NIC's slot-0 veth is refused registration, a registered one slot 0" {
	nic n6
	sandbox h6 s6
	xw tunnel-install --device n6 --veth h6 -q
	expect_refused 69 "xdpwire tunnel-install: h6: wired to slot 0 of n6: unwire it first (tunnel-install --device n6 --veth h6 --unpin)" \
		xw tunnel-install --device n6 --veth h6 --address 10.42.1.1
	assert_eq "$(owners_visible n6)" "" "owner entries"
	# ... and a registered sandbox takes no slot 0.
	sandbox h6b s6b
	xw tunnel-install --device n6 --veth h6 --unpin -q
	xw tunnel-install --device n6 --veth h6b --address 10.42.1.1 -q
	expect_refused 69 "xdpwire tunnel-install: h6b: registered with addresses on n6: it takes no slot 0 (tunnel-install --device n6 --veth h6b --unpin first)" \
		xw tunnel-install --device n6 --veth h6b
}

@test "usage: addresses need a sandbox, --addresses-from-netns needs --peer and --netns, --force needs addresses, --unpin takes none" {
	nic n7
	sandbox h7 s7
	STATE_NS="host"
	run -64 --separate-stderr xw tunnel-install --device n7 --address 10.42.1.1
	run -64 --separate-stderr xw tunnel-install --device n7 --veth h7 --addresses-from-netns
	run -64 --separate-stderr xw tunnel-install --device n7 --veth h7 --force
	run -64 --separate-stderr xw tunnel-install --device n7 --veth h7 --address 10.42.1.1 --unpin
	run -64 --separate-stderr xw tunnel-install --device n7 --veth h7 $(for i in $(seq 33); do echo --address 10.42.2.$i; done)
}

@test "full tables: --max-sandboxes 2 and --max-addresses 1 refuse one more, 69 naming the option, nothing changed" {
	bed_veth host n14 outside on14
	xw tunnel-install --device n14 --max-sandboxes 2 -q
	sandbox h14a s14a
	sandbox h14b s14b
	sandbox h14c s14c
	xw tunnel-install --device n14 --veth h14a --address 10.42.1.1 -q
	xw tunnel-install --device n14 --veth h14b --address 10.42.1.2 -q
	local before
	before=$(everything n14)
	expect_refused 69 "xdpwire tunnel-install: n14: tunnel_host_sandbox_map is full (2 sandboxes): remove a sandbox, or install the node with a larger --max-sandboxes" \
		xw tunnel-install --device n14 --veth h14c --address 10.42.1.3 --address fd42::1:3
	assert_eq "$(everything n14)" "$before" "state after the refusal"

	bed_veth host n15 outside on15
	xw tunnel-install --device n15 --max-addresses 1 -q
	sandbox h15a s15a
	sandbox h15b s15b
	xw tunnel-install --device n15 --veth h15a --address 10.42.1.1 --address fd42::1:1 -q
	before=$(everything n15)
	expect_refused 69 "xdpwire tunnel-install: n15: tunnel_host_ipv6_owner_map is full (1 address): remove a sandbox, or install the node with a larger --max-addresses" \
		xw tunnel-install --device n15 --veth h15b --address fd42::1:2
	assert_eq "$(everything n15)" "$before" "state after the refusal"
	# Its removal frees the room.
	xw tunnel-install --device n15 --veth h15a --unpin -q
	run -0 --separate-stderr xw tunnel-install --device n15 --veth h15b --address fd42::1:2 -q
}

@test "tables smaller than the default are probed with their own mask: verify sends every address to its sandbox, also after a reload" {
	bed_veth host n17 outside on17
	xw tunnel-install --device n17 --max-addresses 16 -q
	# 16 addresses are 64 slots; bpftool, not xdpwire, says so.
	assert_eq "$(in_ns host bpftool -j map show pinned "$BPFFS/n17/tunnel_host_ipv4_owner_map" | jq .max_entries)" 64 "IPv4 slots"
	sandbox h17a s17a
	local a=()
	for i in 1 2 3 4 5 6 7 8; do
		a+=(--address "10.42.17.$i" --address "fd42::17:$i")
	done
	xw tunnel-install --device n17 --veth h17a "${a[@]}" -q
	# The program loaded with the default mask would look for most of
	# them in slots the 64-slot table does not have.
	run -0 --separate-stderr xw verify --device n17 -j
	assert_json '[.installs[0].frames[] | select(.frame | startswith("sandbox h17a ")) | .got] | length == 16 and all(. == "redirect")'
	# Another pass port loads a new program on the same pinned tables.
	xw tunnel-install --device n17 --max-addresses 16 --pass-port 2222 -q
	run -0 --separate-stderr xw verify --device n17 -j
	assert_json '[.installs[0].frames[] | select(.frame | startswith("sandbox h17a ")) | .got] | length == 16 and all(. == "redirect")'
}

@test "registering on a legacy install is refused (66) until the node's install is re-run, slot 0 kept" {
	bed_veth host n16 outside on16
	sandbox h16a s16a
	sandbox h16b s16b
	in_ns host "$XW_HELPERS/xw-legacy-host" "$XW_HELPERS/tunnel_host_v1.bpf.o" n16 "$BPFFS/n16"
	xw tunnel-install --device n16 --veth h16a -q
	expect_refused 66 "xdpwire tunnel-install: n16: the tunnel install has no address tables (made by an earlier xdpwire): re-run tunnel-install --device n16 first; slot 0 and its sandbox are kept" \
		xw tunnel-install --device n16 --veth h16b --address 10.42.1.2
	xw tunnel-install --device n16 -q
	run -0 --separate-stderr xw tunnel-install --device n16 --veth h16b --address 10.42.1.2 -j
	assert_json '.registered'
	assert_eq "$(owners_visible n16)" "$(lines "$(ifindex host h16b)" 10.42.1.2)" "owner entries"
	assert_eq "$(bed_devmap_slot0 "$BPFFS/n16/tunnel_host_map")" "$(ifindex host h16a)" "slot 0"
}

# scrape's addresses of the sandbox side, less IPv6 link-local, sorted.
scraped() {
	in_ns host "$XW" scrape --netns "$(ns_path sandbox)" --device "$1" -j |
		jq -r --arg d "$1" '.interfaces[] | select(.name == $d) | .addresses[].address' |
		grep -v '^fe80:' | sort
}

@test "--addresses-from-netns registers what scrape reads of the peer, less IPv6 link-local" {
	nic n8
	sandbox h8 s8
	ipn sandbox addr add 10.42.8.1/16 dev s8
	ipn sandbox addr add 10.42.8.2/32 dev s8
	ipn sandbox addr add fd42::8:1/64 dev s8 nodad
	run -0 --separate-stderr xw tunnel-install --device n8 --peer s8 --netns "$(ns_path sandbox)" --addresses-from-netns -j
	assert_json '.registered and .veth == "h8"'
	local want
	want=$(scraped s8)
	[[ -n $want ]]
	assert_eq "$(json '.addresses[]' | sort)" "$want" "registered addresses"
	assert_eq "$(owners_visible n8 | cut -d' ' -f1 | sort)" "$want" "owner entries"
}

@test "--addresses-from-netns with no address to take is refused, nothing changed" {
	nic n9
	sandbox h9 s9
	expect_refused 66 "xdpwire tunnel-install: s9 in $(ns_path sandbox): no address to register (stolen already? give --address)" \
		xw tunnel-install --device n9 --peer s9 --netns "$(ns_path sandbox)" --addresses-from-netns
}

# fault_register NIC POINT: a registration failing at POINT exits 71 and
# leaves everything as it was, a re-run registers.
fault_register() {
	local nic=$1 point=$2 before
	before=$(everything "$nic")
	run -71 --separate-stderr in_ns host env XDPWIRE_TEST_FAULT="$point" "$XW" \
		tunnel-install --device "$nic" --veth "${nic/n/h}b" --address 10.42.1.2 --address fd42::1:2
	[[ $stderr == *"Input/output error" ]]
	assert_eq "$(everything "$nic")" "$before" "state after a failure at $point"
	run -0 --separate-stderr xw tunnel-install --device "$nic" --veth "${nic/n/h}b" --address 10.42.1.2 --address fd42::1:2 -q
	xw tunnel-install --device "$nic" --veth "${nic/n/h}b" --unpin -q
}

@test "a registration failing at owner-add or owner-commit leaves nothing of the run behind" {
	nic n10
	sandbox h10a s10a
	sandbox h10b s10b
	xw tunnel-install --device n10 --veth h10a --address 10.42.1.1 --address fd42::1:1 -q
	local p
	for p in owner-add@1 owner-add@2 owner-commit; do
		fault_register n10 "$p"
	done
}

@test "a removal failing at owner-uncommit keeps the sandbox; at owner-remove it is out of the data path and a re-run finishes" {
	nic n11
	sandbox h11a s11a
	sandbox h11b s11b
	local a b before
	a=$(ifindex host h11a) b=$(ifindex host h11b)
	xw tunnel-install --device n11 --veth h11a --address 10.42.1.1 --address fd42::1:1 -q
	xw tunnel-install --device n11 --veth h11b --address 10.42.1.2 --address fd42::1:2 -q
	before=$(everything n11)
	run -71 --separate-stderr in_ns host env XDPWIRE_TEST_FAULT=owner-uncommit "$XW" tunnel-install --device n11 --veth h11b --unpin
	assert_eq "$(everything n11)" "$before" "state after a failure at owner-uncommit"
	run -71 --separate-stderr in_ns host env XDPWIRE_TEST_FAULT=owner-remove@1 "$XW" tunnel-install --device n11 --veth h11b --unpin
	# Uncommitted, so invisible: the data path already sees it removed;
	# its entries and its veth's wiring wait for the re-run.
	assert_eq "$(owners_committed n11)" "$(lines "$a" 10.42.1.1 fd42::1:1)" "committed entries"
	assert_eq "$(owners_visible n11 | grep -c " $b uncommitted")" 2 "h11b's entries left"
	[[ -e $BPFFS/h11b/tunnel_veth_link ]]
	run -0 --separate-stderr xw tunnel-install --device n11 --veth h11b --unpin
	assert_eq "$(owners_visible n11)" "$(lines "$a" 10.42.1.1 fd42::1:1)" "entries after the re-run"
	[[ ! -e $BPFFS/h11b ]]
}

# killed NIC POINT CMD...: CMD killed at fault point POINT, then the
# committed entries are OLD or NEW (as the data path sees them), and the
# re-run of CMD exits 0 with NEW.
killed() {
	local nic=$1 point=$2 rc=0 got
	shift 2
	in_ns host env XDPWIRE_TEST_FAULT="kill:$point" "$XW" "$@" -q || rc=$?
	((rc == 137)) || { echo "not killed at $point: exit $rc" >&2; return 1; }
	got=$(owners_committed "$nic")
	[[ $got == "$OLD" || $got == "$NEW" ]] ||
		{ printf 'killed at %s: committed entries\n%s\n' "$point" "$got" >&2; return 1; }
	run -0 --separate-stderr in_ns host "$XW" "$@" -q
	assert_eq "$(owners_committed "$nic")" "$NEW" "committed entries after the re-run (killed at $point)" &&
		assert_eq "$(owners_visible "$nic")" "$NEW" "all entries after the re-run (killed at $point)"
}

@test "a registration or removal killed at each of its steps: the old or the new state, the re-run finishes" {
	nic n12
	sandbox h12a s12a
	sandbox h12b s12b
	local a b p
	a=$(ifindex host h12a) b=$(ifindex host h12b)
	xw tunnel-install --device n12 --veth h12a --address 10.42.1.1 --address fd42::1:1 -q
	local one both
	one=$(lines "$a" 10.42.1.1 fd42::1:1)
	both=$({
		echo "$one"
		lines "$b" 10.42.1.2 fd42::1:2
	} | sort)
	# Every fault point a registration passes, the veth's own install
	# first (README's list, in order), then the owner steps; after each,
	# a removal killed at its first point puts the old state back.
	for p in pindir-lock@1 pindir-lock@2 load pin-map@1 pin-map@2 \
		pin-program attach pin-link set-slot owner-add@1 owner-add@2 \
		owner-commit; do
		OLD=$one NEW=$both killed n12 "$p" tunnel-install --device n12 --veth h12b --address 10.42.1.2 --address fd42::1:2
		OLD=$both NEW=$one killed n12 owner-uncommit tunnel-install --device n12 --veth h12b --unpin
	done
	# Every point a removal passes.
	for p in pindir-lock@1 owner-uncommit owner-remove@1 owner-remove@2 \
		pindir-lock@2; do
		xw tunnel-install --device n12 --veth h12b --address 10.42.1.2 --address fd42::1:2 -q
		OLD=$both NEW=$one killed n12 "$p" tunnel-install --device n12 --veth h12b --unpin
		[[ ! -e $BPFFS/h12b ]]
	done
}

@test "node --unpin removes every registered sandbox's entries with it" {
	nic n13
	sandbox h13a s13a
	sandbox h13b s13b
	xw tunnel-install --device n13 --veth h13a --address 10.42.1.1 -q
	xw tunnel-install --device n13 --veth h13b --address fd42::1:2 -q
	run -0 --separate-stderr xw tunnel-install --device n13 --unpin -j
	assert_json '[.changes[] | select(.object == "sandbox") | .action] == ["unregistered", "unregistered"]'
	[[ ! -e $BPFFS/n13 && ! -e $BPFFS/h13a && ! -e $BPFFS/h13b ]]
}

@test "registrations, a removal and status in parallel: each one done once, the tables exact" {
	nic n20
	local i pids=() rc want=
	for i in 1 2 3 4 5 6 7; do
		sandbox "h20$i" "s20$i"
	done
	xw tunnel-install --device n20 --veth h207 --address 10.42.20.7 -q
	# Serialised by the NIC's directory lock: none may fail, none may
	# see another's half-done state; 75 only if a lock wait ran out.
	for i in 1 2 3 4 5 6; do
		XDPWIRE_LOCK_TIMEOUT_MS=60000 xw tunnel-install --device n20 --veth "h20$i" \
			--address "10.42.20.$i" --address "fd42::20:$i" -q &
		pids+=($!)
	done
	XDPWIRE_LOCK_TIMEOUT_MS=60000 xw tunnel-install --device n20 --veth h207 --unpin -q &
	pids+=($!)
	XDPWIRE_LOCK_TIMEOUT_MS=60000 xw status -j >/dev/null &
	pids+=($!)
	for i in "${pids[@]}"; do
		rc=0
		wait "$i" || rc=$?
		assert_eq "$rc" 0 "exit of a parallel run" || return
	done
	want=$(for i in 1 2 3 4 5 6; do
		lines "$(ifindex host "h20$i")" "10.42.20.$i" "fd42::20:$i"
	done | sort)
	assert_eq "$(owners_visible n20)" "$want" "owner entries"
	[[ ! -e $BPFFS/h207 ]]
	run -0 --separate-stderr xw status --device n20 -j
	assert_json '[.directories[0].installs[0].sandboxes[] | select(.health == "ok")] | length == 6'
}
