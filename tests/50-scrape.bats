#!/usr/bin/env bats
# scrape on real namespaces.  What it reads is compared with iproute2's view
# of the same namespace by tests/lib/scrape_check.py (which also validates
# the document against man/xdpwire-scrape.schema.json), over seeded random
# configurations from tests/lib/scrape_gen.py; then the refusals, --steal
# and its rollback, the --netns errors and a table of 100,000 routes.

load lib/test

PY=/usr/bin/python3

setup_file() {
	bed_setup
	bed_ns sb peer
}

xw() {
	"$XW" "$@"
}

# fresh NAME: an empty namespace pair NAME and NAME-peer (loopback up).
fresh() {
	bed_ns "$1" "$1-peer"
}

# apply SEED NS [GENERATOR OPTIONS]: the generator's configuration in NS.
apply() {
	local seed=$1 ns=$2 out
	shift 2
	out=$($PY "$XW_ROOT/tests/lib/scrape_gen.py" "$seed" "$BED_ID-$ns" \
		"$BED_ID-$ns-peer" "$@") || return
	grep '^NS ' <<<"$out" | cut -c4- | ipn "$ns" -batch - || return
	if grep -q '^PEER ' <<<"$out"; then
		grep '^PEER ' <<<"$out" | cut -c6- | ipn "$ns-peer" -batch -
	fi
}

# check NS [SCRAPE OPTIONS]: scrape -j of NS equals what ip reports.
check() {
	local ns=$1 doc=$BED_DIR/scrape-$1.json dev=()
	shift
	[[ ${1:-} == --device ]] && dev=(--device "$2")
	xw scrape -j --netns "$(ns_path "$ns")" "$@" >"$doc" || return
	$PY "$XW_ROOT/tests/lib/scrape_check.py" "$BED_ID-$ns" "$doc" "${dev[@]}"
}

# addr_state NS: addresses and routes as ip shows them, without lifetimes
# or DAD flags, for before/after comparisons.
addr_state() {
	ipn "$1" -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[] |
		{family, local, prefixlen, scope}] | sort}]'
	ipn "$1" -j route show table main | jq -c 'sort_by(.dst, .dev)'
	ipn "$1" -j -6 route show table main | jq -c '[.[] | del(.expires)] | sort_by(.dst, .dev)'
}

# regress_outputs NS: scrape -j, -p and text of NS, each byte as printed but
# for what differs from run to run, as placeholders: the bed's id, the
# namespace's inode and the links' link-layer addresses (random for some).
regress_outputs() {
	local ns=$1 mode out mac name
	for mode in -j -p ""; do
		echo "== $ns scrape $mode"
		out=$(xw scrape $mode --netns "$(ns_path "$ns")") || return
		while read -r mac name; do
			out=${out//$mac/<MAC-$name>}
		done < <(ipn "$ns" -j link show | jq -r '.[] | "\(.address) \(.ifname)"')
		out=${out//$BED_ID/<BED_ID>}
		sed -E 's/"inode": ?[0-9]+/"inode":<INODE>/' <<<"$out"
	done
}

# The outputs a namespace's configuration gave before scrape streamed its
# document (tests/lib/scrape_regress.txt): the same bytes for the same
# namespace, which the runtime's consumer relies on.  Generator seeds with
# multipath, blackhole, unreachable and prohibit routes, routes in other
# tables, permanent and other neighbours; 300 routes; a multipath default
# with IPv6 routes of its own.  XW_SCRAPE_REGRESS_UPDATE=1 rewrites the file.
# Neighbours are put in one order first (tests/lib/neigh_order.py), since
# the kernel's dump order of them changes from run to run.
@test "the same bytes as before, -j, -p and text, on rich namespaces" {
	local seed k want=$XW_ROOT/tests/lib/scrape_regress.txt got=$BED_DIR/regress.txt
	: >"$got"
	for seed in 1 3 4 9 23; do
		fresh "g$seed"
		apply "$seed" "g$seed" || return
		regress_outputs "g$seed" >>"$got" || return
	done
	fresh g300
	apply 7 g300 --routes 300 || return
	regress_outputs g300 >>"$got" || return
	fresh gmp
	# No link-local addresses: their DAD state would race the scrape.
	for k in 0 1; do
		ipn gmp link add "m$k" address "02:00:00:00:aa:0$k" type veth \
			peer name "pm$k" netns "$BED_ID-gmp-peer" || return
		ipn gmp link set "m$k" addrgenmode none || return
		ipn gmp link set "m$k" up && ipn gmp-peer link set "pm$k" up || return
	done
	ipn gmp addr add 10.50.0.2/24 dev m0
	ipn gmp addr add 10.51.0.2/24 dev m1
	ipn gmp -6 addr add 2001:db8:50::2/64 dev m0 nodad
	ipn gmp route add default nexthop via 10.50.0.1 dev m0 weight 1 \
		nexthop via 10.51.0.1 dev m1 weight 3
	ipn gmp route add 10.60.0.0/16 nexthop via 10.50.0.1 dev m0 \
		nexthop via 10.51.0.1 dev m1
	ipn gmp -6 route add 2001:db8:60::/48 via 2001:db8:50::1 dev m0 metric 7
	ipn gmp route add blackhole 10.70.0.0/16
	ipn gmp route add unreachable 10.71.0.0/16
	ipn gmp route add 10.72.0.0/16 via 10.50.0.1 dev m0 table 100
	ipn gmp neigh add 10.50.0.1 lladdr 02:00:00:00:bb:01 nud permanent dev m0
	ipn gmp neigh add 2001:db8:50::1 lladdr 02:00:00:00:bb:02 nud permanent dev m0
	regress_outputs gmp >>"$got" || return
	if [[ -n ${XW_SCRAPE_REGRESS_UPDATE:-} ]]; then
		cp "$got" "$want"
	fi
	# The kernel lists neighbours in its hash table's order, seeded at
	# random: only their order may differ.
	diff -u <(python3 "$XW_ROOT/tests/lib/neigh_order.py" <"$want") \
		<(python3 "$XW_ROOT/tests/lib/neigh_order.py" <"$got")
}

@test "random configurations: scrape equals ip, field by field (seeds 1-40)" {
	local seed
	for seed in $(seq 1 40); do
		fresh "r$seed"
		apply "$seed" "r$seed" || { echo "seed $seed: configuration failed" >&2; return 1; }
		check "r$seed" || { echo "seed $seed: scrape differs from ip" >&2; return 1; }
		ip netns del "$BED_ID-r$seed"
		ip netns del "$BED_ID-r$seed-peer"
	done
}

@test "random configurations with --device: only that interface and loopback" {
	local seed dev
	for seed in $(seq 101 115); do
		fresh "d$seed"
		apply "$seed" "d$seed" || { echo "seed $seed: configuration failed" >&2; return 1; }
		# Not "link show up": ip 6.1 prints {} for each link it filters.
		dev=$(ipn "d$seed" -j link show | jq -r '[.[] | select((.flags | index("UP")) and (.flags | index("LOOPBACK") | not))][0].ifname')
		check "d$seed" --device "$dev" || { echo "seed $seed, --device $dev: scrape differs from ip" >&2; return 1; }
		ip netns del "$BED_ID-d$seed"
		ip netns del "$BED_ID-d$seed-peer"
	done
}

@test "a multipath default route is one route with its next hops through the interfaces read" {
	fresh mp
	bed_veth mp m0 mp-peer pm0
	bed_veth mp m1 mp-peer pm1
	ipn mp addr add 10.50.0.2/24 dev m0
	ipn mp addr add 10.51.0.2/24 dev m1
	ipn mp route add default nexthop via 10.50.0.1 dev m0 weight 1 \
		nexthop via 10.51.0.1 dev m1 weight 3
	check mp
	run -0 --separate-stderr xw scrape -j --netns "$(ns_path mp)"
	assert_json '.default_gateways.ipv4 | (.nexthops | length) == 2 and .interface == null'
	assert_json '.default_gateways.ipv4.nexthops == [{"interface":"m0","gateway":"10.50.0.1","weight":1},{"interface":"m1","gateway":"10.51.0.1","weight":3}]'
	# The sandbox of --device m1 has no m0: its hop is left out.
	check mp --device m1
	run -0 --separate-stderr xw scrape -j --netns "$(ns_path mp)" --device m1
	assert_json '.default_gateways.ipv4 == {"metric":0,"nexthops":[{"interface":"m1","gateway":"10.51.0.1","weight":3}],"interface":"m1","gateway":"10.51.0.1"}'
}

@test "-p: the same document as -j, indented, routes and all" {
	local plain
	fresh pp
	apply 7 pp || return
	run -0 --separate-stderr xw scrape -j --netns "$(ns_path pp)"
	plain=$output
	assert_json '[.interfaces[].routes[]] | length > 0'
	run -0 --separate-stderr xw scrape -p --netns "$(ns_path pp)"
	assert_eq "$(jq -c . <<<"$output")" "$plain" "scrape -p, compacted"
	# The routes' array is kept as text (json_text.c): indented all the same.
	assert_eq "$(grep -c '^          "destination": ' <<<"$output")" \
		"$(jq '[.interfaces[].routes[], .loopback[].routes[]] | length' <<<"$plain")" "indented routes"
}

@test "two default routes of a family, or one without a gateway: refused" {
	fresh two
	bed_veth two t0 two-peer pt0
	bed_veth two t1 two-peer pt1
	ipn two addr add 10.60.0.2/24 dev t0
	ipn two addr add 10.61.0.2/24 dev t1
	ipn two route add default via 10.60.0.1 dev t0 metric 100
	ipn two route add default via 10.61.0.1 dev t1 metric 200
	expect_refused 65 "xdpwire scrape: IPv4 default route: 2 of them (via 10.60.0.1 dev t0 metric 100; via 10.61.0.1 dev t1 metric 200): a sandbox takes one" \
		xw scrape --netns "$(ns_path two)"
	expect_refused_json 65 xw scrape --netns "$(ns_path two)"
	# Only t0 and loopback: one default route is left.
	run -0 --separate-stderr xw scrape -j --netns "$(ns_path two)" --device t0
	assert_json '.default_gateways.ipv4.gateway == "10.60.0.1"'

	fresh nogw
	bed_veth nogw g0 nogw-peer pg0
	ipn nogw addr add fd61::2/64 dev g0 nodad
	ipn nogw -6 route add default dev g0 metric 7
	expect_refused 65 "xdpwire scrape: IPv6 default route: no gateway (dev g0 metric 7): a sandbox needs one" \
		xw scrape --netns "$(ns_path nogw)"
}

@test "down interfaces are skipped, and said so with -v; a --device that is down is refused" {
	fresh dn
	bed_veth dn u0 dn-peer pu0
	ipn dn link add w0 type veth peer name pw0
	ipn dn addr add 10.62.0.2/24 dev w0
	run -0 --separate-stderr xw scrape -j -v --netns "$(ns_path dn)"
	assert_json '[.interfaces[].name] == ["u0"] and ([.skipped[] | select(.reason == "down") | .name] | sort) == ["pw0", "w0"]'
	[[ $stderr == *"w0: skipped: down"* ]]
	expect_refused 69 "xdpwire scrape: w0: is down: nothing to scrape" \
		xw scrape --netns "$(ns_path dn)" --device w0
}

@test "text output: a line per interface, routes and neighbours under it" {
	fresh tx
	bed_veth tx x0 tx-peer px0
	ipn tx addr add 10.63.0.2/24 dev x0
	ipn tx route add 192.168.63.0/24 via 10.63.0.1
	ipn tx neigh add 10.63.0.1 lladdr 02:00:00:00:63:01 nud permanent dev x0
	ipn tx route add default via 10.63.0.1
	run -0 --separate-stderr xw scrape --netns "$(ns_path tx)"
	[[ $output == *"x0 (ifindex "*", mtu 1500, "*"): 10.63.0.2/24"* ]]
	[[ $output == *"  route 192.168.63.0/24 via 10.63.0.1 metric 0"* ]]
	[[ $output == *"  neighbour 10.63.0.1 at 02:00:00:00:63:01"* ]]
	[[ $output == *"default IPv4: via 10.63.0.1 dev x0 metric 0"* ]]
	[[ ${lines[-1]} == "1 interface(s) up: "* ]]
	run -0 --separate-stderr xw scrape -q --netns "$(ns_path tx)"
	assert_eq "$output" "" "stdout with -q"
}

# steal_bed NAME: two interfaces with IPv4 (primary and secondary) and
# IPv6 addresses, and a route through a gateway.
steal_bed() {
	fresh "$1"
	bed_veth "$1" s0 "$1-peer" ps0
	bed_veth "$1" s1 "$1-peer" ps1
	ipn "$1" addr add 10.64.0.2/24 dev s0
	ipn "$1" addr add 10.64.0.3/24 dev s0
	ipn "$1" addr add fd64::2/64 dev s0 nodad
	ipn "$1" addr add 10.65.0.2/24 dev s1
	ipn "$1" addr add 127.0.0.9/8 dev lo
	ipn "$1" route add 192.168.64.0/24 via 10.64.0.1
}

@test "--steal removes the scraped addresses, loopback's and IPv6 link-local ones stay; ip agrees" {
	steal_bed st
	run -0 --separate-stderr xw scrape -j --steal --netns "$(ns_path st)"
	assert_json '.changed and ([.changes[] | select(.action == "removed" and .object == "address")] | length) == ([.interfaces[].addresses[] | select(.address | startswith("fe80:") | not)] | length)'
	assert_json '[.interfaces[].addresses[].address] | index("10.64.0.3") != null'
	run -0 ipn st -j addr show
	assert_json '[.[] | select(.ifname != "lo") | .addr_info[] | select(.local | startswith("fe80:") | not)] == []'
	assert_json '[.[] | select(.ifname == "lo") | .addr_info[].local] | index("127.0.0.9") != null'
}

@test "a removal failing midway puts back every address and route" {
	steal_bed sf
	local before
	before=$(addr_state sf)
	run -71 --separate-stderr env XDPWIRE_TEST_FAULT=steal-address@3 \
		"$XW" scrape --steal --netns "$(ns_path sf)"
	[[ $stderr == "xdpwire scrape: "*": cannot remove address "*": Input/output error (the 2 removed before it were put back)" ]]
	assert_eq "$output" "" "stdout"
	assert_eq "$(addr_state sf)" "$before" "addresses and routes after the rollback"
}

@test "--steal refuses the machine's initial namespace without --force" {
	# Were the check broken, the injected fault stops the first removal:
	# the machine's addresses are never at stake.
	local before
	before=$(ip -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[].local]}]')
	run -69 --separate-stderr env XDPWIRE_TEST_FAULT=steal-address@1 "$XW" scrape --steal
	assert_eq "$stderr" "xdpwire scrape: this network namespace: is the machine's initial network namespace: --steal would take the host's own addresses (add --force to do it anyway)"
	# --force goes past the check (and here into the injected fault).
	run -71 --separate-stderr env XDPWIRE_TEST_FAULT=steal-address@1 "$XW" scrape --steal --force
	[[ $stderr == *"(the 0 removed before it were put back)" ]]
	assert_eq "$(ip -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[].local]}]')" "$before" "the machine's addresses"
	run -0 --separate-stderr xw scrape -j
	assert_json '.netns.initial == true'
	run -0 --separate-stderr xw scrape -j --netns "$(ns_path sb)"
	assert_json '.netns.initial == false'
	expect_refused 64 "xdpwire scrape: --force: only goes with --steal" xw scrape --force
}

# netns_of_its_own PID: the process has left our network namespace.
netns_of_its_own() {
	[[ $(readlink "/proc/$1/ns/net") != "$(readlink /proc/self/ns/net)" ]]
}

@test "--netns: not a namespace, another kind, missing, exited: clear errors; a bind mount works" {
	expect_refused 65 "xdpwire scrape: /etc/hostname: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)" \
		xw scrape --netns /etc/hostname
	expect_refused 65 "xdpwire scrape: /proc/self/ns/mnt: not a network namespace" \
		xw scrape --netns /proc/self/ns/mnt
	expect_refused 66 "xdpwire scrape: /run/netns/$BED_ID-none: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)" \
		xw scrape --netns "/run/netns/$BED_ID-none"

	# A namespace held only by a process, then by a bind mount of it.
	bed_bg unshare --net sleep 600
	local pid=$BED_PID bind=$BED_DIR/held-netns
	poll_until 5000 netns_of_its_own "$pid"
	touch "$bind"
	mount --bind "/proc/$pid/ns/net" "$bind"
	run -0 --separate-stderr xw scrape -j --netns "/proc/$pid/ns/net"
	assert_json '.interfaces == [] and .skipped == [{"name":"lo","ifindex":1,"reason":"down"}]'
	kill "$pid"
	poll_until 5000 bed_gone "$pid"
	expect_refused 66 "xdpwire scrape: /proc/$pid/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)" \
		xw scrape --netns "/proc/$pid/ns/net"
	run -0 --separate-stderr xw scrape -j --netns "$bind"
	assert_json '.interfaces == [] and .skipped == [{"name":"lo","ifindex":1,"reason":"down"}]'
	umount "$bind"
}

@test "100,000 routes scrape correctly" {
	fresh big
	apply 7 big --routes 100000
	check big
	run -0 --separate-stderr xw scrape -j --netns "$(ns_path big)"
	assert_json '[.interfaces[].routes[] | select(.gateway)] | length == 100000'
}

# The routes go out while the document is printed: a write that fails then
# is still one error line and exit 71, as one at the end always was.
@test "a full disk midway through the routes: exit 71, one line naming stdout" {
	fresh full
	apply 7 full --routes 3000 || return
	run -71 --separate-stderr bash -c '"$0" scrape -j --netns "$1" >/dev/full' \
		"$XW" "$(ns_path full)"
	assert_eq "$stderr" "xdpwire scrape: stdout: write error: No space left on device" "stderr"
	run -71 --separate-stderr bash -c '"$0" scrape --netns "$1" >/dev/full' \
		"$XW" "$(ns_path full)"
	assert_eq "$stderr" "xdpwire scrape: stdout: write error: No space left on device" "stderr, text"
}

@test "completion: scrape's options, and --device offers the --netns namespace's devices" {
	load lib/complete
	fresh cpl
	bed_veth cpl cplx18 cpl-peer cply18
	run -0 complete_in sb "xdpwire scrape --st"
	assert_eq "$output" --steal "--st<TAB>"
	run -0 complete_in sb "xdpwire scrape --netns $(ns_path cpl) --device cpl"
	assert_eq "$output" cplx18 "--device cpl<TAB> with --netns"
	run -0 complete_in sb "xdpwire scrape --device cpl"
	assert_eq "$output" "" "--device cpl<TAB> without --netns"
}
