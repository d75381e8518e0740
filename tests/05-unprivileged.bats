#!/usr/bin/env bats
# Every command run without privileges (as nobody, no capabilities): one
# line on stderr naming the permission that is missing, the documented exit
# code, no libbpf lines unless -v (and never "libbpf: libbpf:"), and
# nothing changed.  The bpffs is reachable by nobody (its root is 1777, as
# bpffs makes it), so a run gets as far as the kernel lets it: the refusal
# comes from the kernel, not from a path it cannot read.

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

NEEDS="needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root)"

# addr_state: the node's addresses, for scrape --steal.
addr_state() {
	ipn node -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[].local]}]'
}

@test "redirect-install: a fresh install and one in place, each refused in one line, exit 77" {
	in_ns node ip link add v1 type veth peer name v1p
	in_ns node ip link set v1 up
	expect_refused 77 "xdpwire redirect-install: v1: cannot load the redirect program: Operation not permitted: $NEEDS" \
		nobody redirect-install --device v1
	# Its pin directory, made 0700 by root's install, is out of reach.
	expect_refused 77 "xdpwire redirect-install: $BPFFS/v0: cannot open pin directory: Permission denied: $NEEDS" \
		nobody redirect-install --device v0 --unpin
	run -77 --separate-stderr nobody redirect-install --device v1 -j
	assert_json ".exit_code == 77 and .errno == \"EPERM\" and .error == \"v1: cannot load the redirect program: Operation not permitted: $NEEDS\""
	assert_eq "$stderr" "xdpwire redirect-install: v1: cannot load the redirect program: Operation not permitted: $NEEDS"
	in_ns node ip link del v1
}

@test "tunnel-install: refused in one line, exit 77, nothing left" {
	in_ns node ip link add v2 type veth peer name v2p
	expect_refused 77 "xdpwire tunnel-install: v2: cannot load the tunnel host program: Operation not permitted: $NEEDS" \
		nobody tunnel-install --device v2
	in_ns node ip link del v2
}

@test "sockmap-insert: refused in one line, exit 77" {
	expect_refused 77 "xdpwire sockmap-insert: $BPFFS/v0: cannot open pin directory: Permission denied: $NEEDS" \
		nobody sockmap-insert --device v0 --queue 0 --fd 0
}

@test "status and pin-gc: refused in one line, exit 77" {
	expect_refused 77 "xdpwire status: $BPFFS/v0: cannot open pin directory: Permission denied: $NEEDS" \
		nobody status
	expect_refused 77 "xdpwire pin-gc: $BPFFS/v0: cannot open pin directory: Permission denied: $NEEDS" \
		nobody pin-gc
}

@test "scrape reads; --steal and another's namespace are refused in one line, exit 77" {
	local before
	before=$(addr_state)
	run -0 --separate-stderr nobody scrape -j
	assert_json '.interfaces | map(.name) | index("v0") != null'
	assert_eq "$stderr" "" "stderr of scrape"
	# --steal journals first: without a state directory of its own,
	# nobody is refused there; with one, by the kernel.
	ipn node addr add 10.5.0.2/24 dev v0
	before=$(addr_state)
	run -77 --separate-stderr nobody scrape --steal
	assert_eq "$stderr" "xdpwire scrape: $BED_DIR/state: cannot create the state directory: Permission denied: $NEEDS"
	mkdir -m 0700 "$BED_DIR/state-nobody"
	chown 65534 "$BED_DIR/state-nobody"
	XDPWIRE_STATE_DIR=$BED_DIR/state-nobody run -77 --separate-stderr nobody scrape --steal
	[[ $stderr =~ ^"xdpwire scrape: v0: cannot remove address "[0-9a-f:./]+": Operation not permitted (the 0 removed before it were put back): $NEEDS"$ ]] ||
		{ echo "stderr: $stderr" >&2; false; }
	assert_eq "$output" "" "stdout"
	assert_eq "$(addr_state)" "$before" "addresses after --steal"
	assert_eq "$(ls -A "$BED_DIR/state-nobody")" "" "journal and lock after --steal"
	ipn node addr del 10.5.0.2/24 dev v0
	expect_refused 77 "xdpwire scrape: /proc/1/ns/net: cannot open network namespace: Permission denied: $NEEDS" \
		nobody scrape --netns /proc/1/ns/net
}

@test "libbpf's lines only with -v, each with one prefix" {
	local line n=0
	in_ns node ip link add v3 type veth peer name v3p
	run -77 --separate-stderr nobody redirect-install --device v3 -v
	for line in "${stderr_lines[@]}"; do
		[[ $line != *"libbpf: libbpf:"* ]] || { echo "doubled: $line" >&2; return 1; }
		[[ $line == "xdpwire redirect-install: libbpf: "* ]] && n=$((n + 1))
	done
	((n > 0)) || { echo "no libbpf line under -v: $stderr" >&2; return 1; }
	assert_eq "${stderr_lines[-1]}" "xdpwire redirect-install: v3: cannot load the redirect program: Operation not permitted: $NEEDS"
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
