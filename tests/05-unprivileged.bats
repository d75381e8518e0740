#!/usr/bin/env bats
# Every command run without privileges (as nobody, no capabilities): one
# line on stderr naming the capability that is missing, decided before
# anything is touched (no libbpf line, no kernel call refused), or, for
# what needs no capability, the pin directory nobody may open; the
# documented exit code, and nothing changed.  The bpffs is reachable by
# nobody (its root is 1777, as bpffs makes it).  The least set of each
# command is tests/14-capabilities.bats.

load lib/test

setup_file() {
	bed_setup
	# nobody must reach the bpffs: mktemp made the bed's directory 0700.
	chmod 0755 "$BED_DIR"
	bed_ns node peer
	bed_veth node v0 peer p0
	# Something for sockmap-insert, status and pin-gc to look at.
	in_ns node "$XW" redirect-install --device v0 -q
}

setup() {
	STATE_NS=node
}

# nobody CMD...: xdpwire CMD... in the node namespace, as nobody without
# capabilities (entering the namespace takes root, so that comes first).
nobody() {
	in_ns node setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$XW" "$@"
}

LOAD_P="missing capability CAP_SYS_ADMIN (needs CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON)"

# addr_state: the node's addresses, for scrape --steal.
addr_state() {
	ipn node -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[].local]}]'
}

@test "redirect-install: a fresh install and one in place, each refused in one line, exit 77" {
	in_ns node ip link add v1 type veth peer name v1p
	in_ns node ip link set v1 up
	expect_refused 77 "xdpwire redirect-install: $LOAD_P" \
		nobody redirect-install --device v1
	# --unpin needs no capability, but its pin directory, made 0700 by
	# root's install, is out of reach.
	expect_refused 77 "xdpwire redirect-install: $BPFFS/v0: cannot open pin directory: Permission denied" \
		nobody redirect-install --device v0 --unpin
	run -77 --separate-stderr nobody redirect-install --device v1 -j
	assert_json ".exit_code == 77 and .errno == null and .error == \"$LOAD_P\""
	assert_eq "$stderr" "xdpwire redirect-install: $LOAD_P"
	in_ns node ip link del v1
}

@test "tunnel-install: refused in one line, exit 77, nothing left" {
	in_ns node ip link add v2 type veth peer name v2p
	expect_refused 77 "xdpwire tunnel-install: $LOAD_P" \
		nobody tunnel-install --device v2
	in_ns node ip link del v2
}

@test "sockmap-insert: refused in one line, exit 77" {
	expect_refused 77 "xdpwire sockmap-insert: $LOAD_P" \
		nobody sockmap-insert --device v0 --queue 0 --fd 0
}

@test "status and pin-gc: refused in one line, exit 77" {
	expect_refused 77 "xdpwire status: missing capability CAP_SYS_ADMIN (status reads programs and maps by id)" \
		nobody status
	expect_refused 77 "xdpwire pin-gc: missing capability CAP_SYS_ADMIN (pin-gc judges installs by their programs' and maps' ids)" \
		nobody pin-gc
}

@test "scrape reads; --steal and another's namespace are refused in one line, exit 77" {
	local before
	before=$(addr_state)
	run -0 --separate-stderr nobody scrape -j
	assert_json '.interfaces | map(.name) | index("v0") != null'
	assert_eq "$stderr" "" "stderr of scrape"
	# An address --steal would take, so a refused run could lose one.
	ipn node addr add 10.5.0.2/24 dev v0
	before=$(addr_state)
	expect_refused 77 "xdpwire scrape: missing capability CAP_NET_ADMIN (--steal removes addresses)" \
		nobody scrape --steal
	expect_refused 77 "xdpwire scrape: missing capability CAP_NET_ADMIN (--restore adds addresses)" \
		nobody scrape --restore
	assert_eq "$(addr_state)" "$before" "addresses after --steal"
	ipn node addr del 10.5.0.2/24 dev v0
	expect_refused 77 "xdpwire scrape: missing capability CAP_SYS_ADMIN (--netns enters a network namespace)" \
		nobody scrape --netns /proc/1/ns/net
}

@test "no libbpf line and no kernel call: the refusal comes first, also under -vv" {
	in_ns node ip link add v3 type veth peer name v3p
	run -77 --separate-stderr nobody redirect-install --device v3 -vv
	assert_eq "$stderr" "xdpwire redirect-install: $LOAD_P"
	in_ns node ip link del v3
}

@test "--version: what needs privileges to probe is unknown, not missing" {
	# nobody is what this file says it is: not root, no capabilities.
	run -0 in_ns node setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all sh -c 'id -u; grep ^CapEff /proc/self/status'
	assert_eq "$output" $'65534\nCapEff:\t0000000000000000'
	run -0 --separate-stderr nobody --version
	assert_eq "${lines[2]}" "features: btf, xdp_link, bpf_iter; unknown (needs CAP_BPF): xdp, xskmap, devmap"
	assert_eq "$stderr" "" "stderr"
	run -0 --separate-stderr nobody --version -j
	assert_json '.features == {"btf":"present","xdp":"unknown","xdp_link":"present","xskmap":"unknown","devmap":"unknown","bpf_iter":"present"}'
}
