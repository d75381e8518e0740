#!/usr/bin/env bats
# The least capabilities of each command and mode, as uid 0 with an exact
# effective set (setpriv: bounding set, no inheritable or ambient ones):
# each least set works, and each capability of it dropped is refused before
# anything is touched, in one line naming it, exit 77, nothing changed.
# The table is the one of the man pages' CAPABILITIES sections.

load lib/test

LOAD_P="(needs CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON)"
LOAD="(needs CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN)"
NETNS="(--netns enters a network namespace)"

setup_file() {
	bed_setup
	bed_ns node peer other
	bed_veth node v0 peer p0
	bed_veth node i0 peer q0 numrxqueues 2
	bed_veth node n0 peer m0
	bed_veth node t0 peer s0
	bed_veth node w0 peer x0
	ipn peer addr add 192.0.2.2/24 dev p0
	in_ns node "$XW" redirect-install --device i0 -q
	in_ns node "$XW" tunnel-install --device t0 -q
}

setup() {
	STATE_NS=node
}

# capped CAPS CMD...: CMD as uid 0 in the node namespace with exactly the
# effective capabilities CAPS ("" for none, else "bpf,net_admin").
capped() {
	local caps=$1 set=-all
	shift
	[[ -n $caps ]] && set+=",+${caps//,/,+}"
	in_ns node setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set="$set" -- "$@"
}

# without CAPS CAP: CAPS less CAP.
without() {
	local IFS=, c out=()
	for c in $1; do
		[[ $c == "$2" ]] || out+=("$c")
	done
	echo "${out[*]}"
}

# least CAPS WHY ARGS...: `xdpwire ARGS` with each capability of CAPS
# dropped is refused with "missing capability CAP_<X> WHY", exit 77,
# nothing changed; then with exactly CAPS it exits 0.
least() {
	local caps=$1 why=$2 cap list
	shift 2
	IFS=, read -ra list <<<"$caps"
	for cap in "${list[@]}"; do
		expect_refused 77 "xdpwire $1: missing capability CAP_${cap^^} $why" \
			capped "$(without "$caps" "$cap")" "$XW" "$@" || return
	done
	run -0 --separate-stderr capped "$caps" "$XW" "$@"
	assert_eq "$stderr" "" "stderr of $* with $caps"
}

no_xdp() {
	[[ -z $(bed_prog_id node "$1") ]]
}

# undo DEV ARGS...: `xdpwire ARGS --unpin` as root; then waits for DEV's
# detach, which removing the link's last pin only starts.
undo() {
	local dev=$1
	shift
	in_ns node "$XW" "$@" --unpin -q
	poll_until 2000 no_xdp "$dev"
}

@test "redirect-install from nothing: CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON; --unpin none" {
	least sys_admin "$LOAD_P" redirect-install --device v0
	undo v0 redirect-install --device v0
	least bpf,net_admin,perfmon "$LOAD_P" redirect-install --device v0
	assert_eq "$(bed_prog_id node v0)" "$(bpftool link show pinned "$BPFFS/v0/redirect_link" -j | jq .prog_id)"
	# The pins' owner needs no capability to remove them.
	run -0 --separate-stderr capped "" "$XW" redirect-install --device v0 --unpin -q
	assert_eq "$stderr" "" "stderr of --unpin"
	poll_until 2000 no_xdp v0
	[[ ! -e $BPFFS/v0 ]]
}

@test "redirect-install over an install in place (re-run, new pass ports): CAP_SYS_ADMIN" {
	least sys_admin "$LOAD_P" redirect-install --device i0
	assert_eq "$output" "i0: redirect already installed (program $(bed_prog_id node i0), native mode): nothing changed"
	least sys_admin "$LOAD_P" redirect-install --device i0 --pass-port 2222
	# The loader's set is not enough to read the install in place: said
	# as the missing CAP_SYS_ADMIN, before anything changed.
	expect_refused 77 "xdpwire redirect-install: missing capability CAP_SYS_ADMIN (an install in place is read by its program's id)" \
		capped bpf,net_admin,perfmon "$XW" redirect-install --device i0
	run -77 --separate-stderr capped bpf,net_admin,perfmon "$XW" redirect-install --device i0 -vv
	local line n=0
	for line in "${stderr_lines[@]}"; do
		[[ $line != *"libbpf: libbpf:"* ]] || { echo "doubled: $line" >&2; return 1; }
		[[ $line == "xdpwire redirect-install: libbpf: "* ]] && n=$((n + 1))
	done
	((n > 0)) || { echo "no libbpf line under -vv: $stderr" >&2; return 1; }
	assert_eq "${stderr_lines[-1]}" "xdpwire redirect-install: missing capability CAP_SYS_ADMIN (an install in place is read by its program's id)"
	in_ns node "$XW" redirect-install --device i0 -q
}

@test "tunnel-install of a NIC: CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON" {
	least sys_admin "$LOAD_P" tunnel-install --device n0
	undo n0 tunnel-install --device n0
	least bpf,net_admin,perfmon "$LOAD_P" tunnel-install --device n0
	undo n0 tunnel-install --device n0
}

@test "tunnel-install wiring a veth: CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN; --unpin none" {
	least sys_admin "$LOAD" tunnel-install --device t0 --veth w0
	undo w0 tunnel-install --device t0 --veth w0
	least bpf,net_admin "$LOAD" tunnel-install --device t0 --veth w0
	run -0 --separate-stderr capped "" "$XW" tunnel-install --device t0 --veth w0 --unpin -q
	assert_eq "$stderr" "" "stderr"
	poll_until 2000 no_xdp w0
}

@test "tunnel-install registering a sandbox with addresses: as wiring a veth; --unpin none" {
	least sys_admin "$LOAD" tunnel-install --device t0 --veth w0 --address 192.0.2.9 --address 2001:db8::9
	undo w0 tunnel-install --device t0 --veth w0
	least bpf,net_admin "$LOAD" tunnel-install --device t0 --veth w0 --address 192.0.2.9 --address 2001:db8::9
	run -0 --separate-stderr capped "" "$XW" tunnel-install --device t0 --veth w0 --unpin -q
	assert_eq "$stderr" "" "stderr"
	poll_until 2000 no_xdp w0
	run -0 bpftool map dump pinned "$BPFFS/t0/tunnel_host_sandbox_map" -j
	assert_json '. == []'
}

# sock CAPS: inserts a socket bound to i0 queue 0 by --fd, as CAPS; the
# helper holds it only for the insert, so the slot empties again.
sock() {
	in_ns node "$XW_HELPERS/xw-xsk-recv" --dev i0 --queue 0 --timeout-ms 0 \
		-- setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set="-all${1:+,+${1//,/,+}}" -- \
		"$XW" sockmap-insert --device i0 --fd '{fd}' -q
}

@test "sockmap-insert: CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON" {
	local caps cap
	for caps in sys_admin bpf,net_admin,perfmon; do
		run -0 sock "$caps"
		least "$caps" "$LOAD_P" sockmap-insert --device i0 --queue 0 --delete
		assert_eq "$output" "slot already empty $BPFFS/i0/redirect_ip_map: queue 0"
	done
	for cap in bpf net_admin perfmon; do
		run -3 --separate-stderr sock "$(without bpf,net_admin,perfmon $cap)"
		assert_eq "$stderr" "xdpwire sockmap-insert: missing capability CAP_${cap^^} $LOAD_P
xw-xsk-recv: insert command failed with status 77" "stderr without $cap"
	done
}

@test "sockmap-insert --pid of a process holding every capability: CAP_SYS_PTRACE as well" {
	local fd before caps
	xsk_hold node i0 0
	fd=$(xsk_target_fd)
	before=$(bed_state node)
	expect_refused 77 "xdpwire sockmap-insert: process $XSK_PID: cannot take descriptor $fd (needs CAP_SYS_PTRACE, or every capability the process holds): Operation not permitted" \
		capped bpf,net_admin,perfmon "$XW" sockmap-insert --device i0 --queue 0 --pid "$XSK_PID" --target-fd "$fd"
	assert_eq "$(bed_state node)" "$before" "state after the refusal"
	for caps in sys_admin,sys_ptrace bpf,net_admin,perfmon,sys_ptrace; do
		run -0 --separate-stderr capped "$caps" "$XW" sockmap-insert --device i0 --queue 0 --pid "$XSK_PID" --target-fd "$fd"
		assert_eq "$output" "inserted socket $BPFFS/i0/redirect_ip_map: queue 0" "with $caps"
		in_ns node "$XW" sockmap-insert --device i0 --queue 0 --delete -q
	done
	xsk_stop
}

@test "status, pin-gc and pin-gc --repair: CAP_SYS_ADMIN; they never judge what they cannot see" {
	local why="(status reads programs and maps by id)"
	least sys_admin "$why" status
	run -0 --separate-stderr capped sys_admin "$XW" status -j
	assert_json '[.directories[] | select(.device == "i0") | .installs[].health] == ["ok"]'
	expect_refused 77 "xdpwire status: missing capability CAP_SYS_ADMIN $why" \
		capped bpf,net_admin,perfmon "$XW" status
	run -77 --separate-stderr capped bpf,net_admin,perfmon "$XW" status -j
	assert_json ".exit_code == 77 and .error == \"missing capability CAP_SYS_ADMIN $why\""
	why="(pin-gc judges installs by their programs' and maps' ids)"
	least sys_admin "$why" pin-gc
	assert_eq "$output" "nothing to do"
	least sys_admin "$why" pin-gc --repair
	expect_refused 77 "xdpwire pin-gc: missing capability CAP_SYS_ADMIN $why" \
		capped bpf,net_admin,perfmon "$XW" pin-gc --repair
}

# addrs NS: the namespace's addresses, for what scrape --steal changes.
addrs() {
	ipn "$1" -j addr show | jq -c '[.[] | {ifname, a: [.addr_info[].local]}]'
}

@test "scrape: none; --netns CAP_SYS_ADMIN; --steal CAP_NET_ADMIN" {
	local before
	run -0 --separate-stderr capped "" "$XW" scrape -j
	assert_json '.interfaces | map(.name) | index("i0") != null'
	least sys_admin "$NETNS" scrape --netns "$(ns_path peer)"
	run -0 --separate-stderr capped sys_admin "$XW" scrape --netns "$(ns_path peer)" -j
	assert_json '.interfaces | map(.name) | index("p0") != null and index("i0") == null'
	before=$(addrs peer)
	STATE_NS=peer
	expect_refused 77 "xdpwire scrape: missing capability CAP_NET_ADMIN (--steal removes addresses)" \
		capped sys_admin "$XW" scrape --netns "$(ns_path peer)" --steal
	expect_refused 77 "xdpwire scrape: missing capability CAP_SYS_ADMIN $NETNS" \
		capped net_admin "$XW" scrape --netns "$(ns_path peer)" --steal
	assert_eq "$(addrs peer)" "$before" "addresses after the refusals"
	run -0 --separate-stderr capped sys_admin,net_admin "$XW" scrape --netns "$(ns_path peer)" --steal -q
	[[ $(addrs peer) != *192.0.2.2* ]] || { echo "not stolen: $(addrs peer)" >&2; false; }
}

@test "check: none (it answers privileges' question itself); --set-channels CAP_NET_ADMIN; --netns CAP_SYS_ADMIN" {
	# v0 carries nothing: only privileges fails without capabilities.
	run -1 --separate-stderr capped "" "$XW" check --device v0 -j
	assert_eq "$stderr" "" "stderr of check without capabilities"
	assert_json '[.findings[] | select(.level == "fail") | .check] == ["privileges"]'
	run -0 --separate-stderr capped bpf,net_admin,perfmon "$XW" check --device v0 -j
	assert_json '[.findings[] | select(.check == "privileges")][0].level == "ok"'
	expect_refused 77 "xdpwire check: missing capability CAP_NET_ADMIN (--set-channels changes the device's channels)" \
		capped sys_admin "$XW" check --device v0 --set-channels 1
	expect_refused 77 "xdpwire check: missing capability CAP_SYS_ADMIN $NETNS" \
		capped net_admin "$XW" check --netns "$(ns_path peer)" --device p0
	run -0 --separate-stderr capped sys_admin "$XW" check --netns "$(ns_path peer)" --device p0 -q
}

@test "--steal in the namespace it runs in: CAP_NET_ADMIN alone" {
	bed_veth other d0 other d1
	ipn other addr add 198.51.100.1/24 dev d0
	local before
	before=$(addrs other)
	STATE_NS=other
	expect_refused 77 "xdpwire scrape: missing capability CAP_NET_ADMIN (--steal removes addresses)" \
		nsenter --net="$(ns_path other)" setpriv --inh-caps=-all \
		--ambient-caps=-all --bounding-set=-all -- "$XW" scrape --steal
	assert_eq "$(addrs other)" "$before" "addresses after the refusal"
	run -0 --separate-stderr nsenter --net="$(ns_path other)" setpriv \
		--inh-caps=-all --ambient-caps=-all --bounding-set=-all,+net_admin \
		-- "$XW" scrape --steal -q
	assert_eq "$stderr" "" "stderr"
	[[ $(addrs other) != *198.51.100.1* ]] || { echo "not stolen: $(addrs other)" >&2; false; }
	# --restore puts addresses back: CAP_NET_ADMIN too.  The journal of a
	# steal that completed is gone, so give it one to put back.
	expect_refused 77 "xdpwire scrape: missing capability CAP_NET_ADMIN (--restore adds addresses)" \
		nsenter --net="$(ns_path other)" setpriv --inh-caps=-all \
		--ambient-caps=-all --bounding-set=-all -- "$XW" scrape --restore
	run -0 --separate-stderr nsenter --net="$(ns_path other)" setpriv \
		--inh-caps=-all --ambient-caps=-all --bounding-set=-all,+net_admin \
		-- "$XW" scrape --restore -j
	assert_json '.journal == null and .changed == false'
}

@test "--netns of any command needs CAP_SYS_ADMIN, named after the command's own needs" {
	in_ns peer ip link add k0 type veth peer name k1
	in_ns peer ip link set k0 up
	in_ns peer ip link set k1 up
	STATE_NS="node peer"
	expect_refused 77 "xdpwire redirect-install: missing capability CAP_SYS_ADMIN $NETNS" \
		capped bpf,net_admin,perfmon "$XW" redirect-install --netns "$(ns_path peer)" --device k0
	run -0 --separate-stderr capped sys_admin "$XW" redirect-install --netns "$(ns_path peer)" --device k0 -q
	in_ns node "$XW" redirect-install --netns "$(ns_path peer)" --device k0 --unpin -q
	in_ns peer ip link del k0
}
