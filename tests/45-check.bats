#!/usr/bin/env bats
# check on real devices: each finding produced on a bed of its own and read
# both ways (text and -j), the kernel's own refusal proved where check
# predicts one, and independent tools (ethtool, ip, bpftool) agreeing.
# Devices are veth pairs "node" <-> "peer"; each test makes its own.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
}

setup() {
	STATE_NS="node peer"
	# The single-buffer limit of native XDP on a veth: a page less the
	# headroom (256), skb_shared_info (320) and the peer's header (14).
	LIMIT=$(($(getconf PAGESIZE) - 256 - 320 - 14))
}

# dev NAME [ip link options]: a fresh veth NAME in node, its peer pNAME in peer.
dev() {
	local name=$1
	shift
	bed_veth node "$name" peer "p$name" "$@"
}

xw() {
	in_ns node "$XW" "$@"
}

# finding CHECK: the text line of CHECK in $output (level, name, why).
finding() {
	grep -E "^(ok|warn|fail) +$1 " <<<"$output"
}

# level CHECK: the level -j gives CHECK in $output.
level() {
	jq -r --arg c "$1" '[.findings[] | select(.check == $c) | .level] | join(",")' <<<"$output"
}

# fix CHECK: the fix -j gives CHECK.
fix() {
	jq -r --arg c "$1" '.findings[] | select(.check == $c) | .fix // ""' <<<"$output"
}

@test "every finding is listed, text and -j alike, with the summary last" {
	dev a0
	run -0 --separate-stderr xw check --device a0
	local c
	for c in xdp-features multi-buffer mtu queues peer gro bpffs privileges attached; do
		finding "$c" >/dev/null || { echo "no $c in: $output" >&2; false; }
	done
	assert_eq "$stderr" "" "stderr"
	[[ ${output##*$'\n'} =~ ^[0-9]+\ ok,\ [0-9]+\ warn,\ 0\ fail$ ]] ||
		{ echo "summary: ${output##*$'\n'}" >&2; false; }
	run -0 --separate-stderr xw check --device a0 -j
	assert_json '.version == 1 and .command == "check" and .device == "a0" and .install == "redirect"'
	assert_json '[.findings[].check] == ["xdp-features","multi-buffer","mtu","queues","peer","gro","bpffs","privileges","attached"]'
	assert_json '.findings | all(.level == "ok" or .level == "warn")'
	assert_json '.findings | all(has("check") and has("level") and has("why") and has("fix"))'
	assert_json '[.findings[] | select(.check == "xdp-features")][0].why | test("basic, redirect")'
}

@test "-q: nothing but the exit code, 0 or 1" {
	dev q9
	run -0 --separate-stderr xw check --device q9 -q
	assert_eq "$output$stderr" "" "output of -q"
	ipn peer link set dev pq9 mtu 9000
	run -1 --separate-stderr xw check --device q9 -q
	assert_eq "$output$stderr" "" "output of -q with a failing finding"
}

@test "mtu: a veth whose peer's MTU is over the single-buffer limit fails, and the kernel refuses a native install (ERANGE)" {
	dev m0
	ipn peer link set dev pm0 mtu 9000
	run -1 --separate-stderr xw check --device m0
	finding mtu | grep -q "^fail  *mtu  *peer pm0 .*has MTU 9000, over $LIMIT, the single-buffer limit of native XDP"
	grep -q "fix: ip link set dev pm0 mtu $LIMIT" <<<"$output"
	grep -q "a frags-aware program (xdp.frags) would take it, xdpwire's are not; generic mode works" <<<"$output"
	[[ ${output##*$'\n'} == *" 1 fail" ]]
	run -1 --separate-stderr xw check --device m0 -j
	assert_eq "$(level mtu)" fail "mtu level"
	assert_eq "$(fix mtu)" "ip link set dev pm0 mtu $LIMIT (in its namespace), or --mode generic" "mtu fix"

	# What check predicts, the kernel does.
	run -71 --separate-stderr xw redirect-install --device m0 --mode native
	[[ $stderr == *"Numerical result out of range"* ]] || { echo "$stderr" >&2; false; }
	assert_eq "$(bed_prog_id node m0)" "" "nothing attached after the refusal"

	# The limit is exact: at it, ok and a native install works; one over, fail.
	ipn peer link set dev pm0 mtu "$LIMIT"
	run -0 --separate-stderr xw check --device m0 -j
	assert_eq "$(level mtu)" ok "mtu level at the limit"
	run -0 --separate-stderr xw redirect-install --device m0 --mode native -j
	assert_json '.mode == "native"'
	run -0 xw redirect-install --device m0 --unpin
	poll_until 2000 test -z "$(bed_prog_id node m0)"
	ipn peer link set dev pm0 mtu $((LIMIT + 1))
	run -1 --separate-stderr xw check --device m0 -j
	assert_eq "$(level mtu)" fail "mtu level one over the limit"
}

@test "queues: a multi-queue veth warns; --set-channels 1 sets both ends, then ok (ethtool -l agrees)" {
	ipn node link add q0 numrxqueues 4 numtxqueues 4 type veth peer name pq0 \
		numrxqueues 4 numtxqueues 4 netns "$BED_ID-peer"
	ipn node link set q0 up && ipn peer link set pq0 up
	run -0 --separate-stderr xw check --device q0
	finding queues | grep -q "^warn  *queues  *4 RX queue(s) .*a runtime that binds only queue 0 loses every frame the device hashes to the other 3"
	grep -q "fix: ethtool -L q0 rx 1 tx 1 " <<<"$output"
	run -0 --separate-stderr xw check --device q0 -j
	assert_eq "$(level queues)" warn "queues level"
	assert_json '.changed == false and .changes == []'

	run -0 --separate-stderr xw check --device q0 --set-channels 1 -j
	assert_eq "$(level queues)" ok "queues level after --set-channels 1"
	assert_json '[.changes[] | [.action, .object, .path, .detail]] == [["set","channels","pq0","rx 1 tx 1"],["set","channels","q0","rx 1 tx 1"]]'
	run -0 in_ns node ethtool -l q0
	grep -A3 "^Current" <<<"$output" | grep -q "^RX:[[:space:]]*1$"
	grep -A3 "^Current" <<<"$output" | grep -q "^TX:[[:space:]]*1$"
	run -0 in_ns peer ethtool -l pq0
	grep -A3 "^Current" <<<"$output" | grep -q "^TX:[[:space:]]*1$"
	# Both ends set: the kernel takes native XDP (ENOSPC otherwise).
	run -0 --separate-stderr xw redirect-install --device q0 --mode native
	run -0 xw redirect-install --device q0 --unpin
}

@test "queues: only the device's end set leaves a veth that cannot take native XDP, and check says so" {
	ipn node link add q1 numrxqueues 4 numtxqueues 4 type veth peer name pq1 \
		numrxqueues 4 numtxqueues 4 netns "$BED_ID-peer"
	ipn node link set q1 up && ipn peer link set pq1 up
	in_ns node ethtool -L q1 rx 1 tx 1
	run -0 --separate-stderr xw check --device q1 -j
	assert_json '[.findings[] | select(.check == "queues")][0] | .level == "warn" and (.why | test("peer pq1 .*sends on 4"))'
	assert_eq "$(level xdp-features)" warn "xdp-features level (the kernel clears them)"
	run -71 --separate-stderr xw redirect-install --device q1 --mode native
	[[ $stderr == *"No space left on device"* ]] || { echo "$stderr" >&2; false; }
}

@test "peer: no program and GRO off fails for a tunnel and warns for a redirect; GRO on, or a program on the peer, is ok" {
	dev g0
	in_ns peer ethtool -K pg0 gro off
	run -1 --separate-stderr xw check --device g0 --install tunnel
	finding peer | grep -q "^fail  *peer  *peer pg0 .*has no XDP program and GRO off: a frame redirected into g0 (ndo_xdp_xmit) is dropped"
	run -1 --separate-stderr xw check --device g0 --install tunnel -j
	assert_json '.install == "tunnel"'
	assert_eq "$(level peer)" fail "peer level (tunnel)"
	assert_eq "$(fix peer)" 'attach an XDP program to pg0 (xdp-loader load pg0 ...) or `ethtool -K pg0 gro on`, in its namespace' "peer fix"
	run -0 --separate-stderr xw check --device g0 -j
	assert_eq "$(level peer)" warn "peer level (redirect)"

	in_ns peer ethtool -K pg0 gro on
	run -0 in_ns peer ethtool -k pg0
	grep -q "^generic-receive-offload: on" <<<"$output"
	run -0 --separate-stderr xw check --device g0 --install tunnel -j
	assert_eq "$(level peer)" ok "peer level with GRO on"
	assert_json '[.findings[] | select(.check == "peer")][0].why | test("has GRO on")'

	in_ns peer ethtool -K pg0 gro off
	ipn peer link set dev pg0 xdpgeneric obj "$XW_HELPERS/pass.bpf.o" sec xdp
	local id
	id=$(bed_prog_id peer pg0)
	[[ -n $id ]]
	run -0 --separate-stderr xw check --device g0 --install tunnel -j
	assert_eq "$(level peer)" ok "peer level with a program on it"
	assert_json "[.findings[] | select(.check == \"peer\")][0].why | test(\"XDP program id $id attached\")"
	ipn peer link set dev pg0 xdpgeneric off
}

@test "privileges: without capabilities check still runs, and fails naming what the install needs" {
	dev c0
	run -1 --separate-stderr in_ns node setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-all -- "$XW" check --device c0
	finding privileges | grep -q "^fail  *privileges  *redirect-install would refuse this run: missing capability CAP_SYS_ADMIN (needs CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON)"
	assert_eq "$stderr" "" "stderr"
	run -1 --separate-stderr in_ns node setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-all -- "$XW" check --device c0 -j --install tunnel
	assert_eq "$(level privileges)" fail "privileges level"
	assert_json '[.findings[] | select(.check == "privileges")][0].why | test("tunnel-install would refuse this run: missing capability CAP_SYS_ADMIN")'
	# The peer is in another namespace, entered only with CAP_SYS_ADMIN.
	assert_eq "$(level peer)" warn "peer level without CAP_SYS_ADMIN"
	# With the capabilities the install takes instead of CAP_SYS_ADMIN: ok.
	run -0 --separate-stderr in_ns node setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-all,+bpf,+net_admin,+perfmon -- "$XW" check --device c0 -j
	assert_eq "$(level privileges)" ok "privileges level with CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON"
	# --set-channels is the one option that needs one: refused before anything.
	expect_refused 77 "xdpwire check: missing capability CAP_NET_ADMIN (--set-channels changes the device's channels)" \
		in_ns node setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- \
		"$XW" check --device c0 --set-channels 1
}

@test "attached: a foreign program fails by name and id; our own install is ok, of the other kind a warning" {
	dev f0
	ipn node link set dev f0 xdpgeneric obj "$XW_HELPERS/pass.bpf.o" sec xdp
	local id name
	id=$(bed_prog_id node f0)
	name=$(bpftool prog show id "$id" -j | jq -r .name)
	[[ -n $id && -n $name ]]
	run -1 --separate-stderr xw check --device f0
	finding attached | grep -q "^fail  *attached  *program $name id $id is attached to f0 in generic mode, not by xdpwire in $BPFFS: an install refuses the device (exit 69)"
	grep -q "fix: remove it: ip link set dev f0 xdpgeneric off" <<<"$output"
	run -1 --separate-stderr xw check --device f0 -j
	assert_eq "$(level attached)" fail "attached level (foreign)"
	# What check predicts, the install does.
	run -69 --separate-stderr xw redirect-install --device f0
	ipn node link set dev f0 xdpgeneric off

	run -0 --separate-stderr xw redirect-install --device f0 -j
	local prog link
	prog=$(json .program_id) link=$(json .link_id)
	run -0 --separate-stderr xw check --device f0 -j
	assert_eq "$(level attached)" ok "attached level (ours)"
	assert_json "[.findings[] | select(.check == \"attached\")][0].why | test(\"xdpwire's redirect install \\\\(program id $prog, link id $link, native mode\\\\) in .*: a re-run replaces it in place\")"
	# (the peer has neither program nor GRO: a tunnel's peer check fails)
	run -1 --separate-stderr xw check --device f0 -j --install tunnel
	assert_eq "$(level attached)" warn "attached level (ours, of the other kind)"
	run -0 xw redirect-install --device f0 --unpin
}

@test "attached: a foreign program on a bpf_link is named with the link id to detach" {
	dev l0
	# Another xdpwire's install, in another bpffs: foreign to this one.
	mkdir "$BED_DIR/other-bpffs" && mount -t bpf bpf "$BED_DIR/other-bpffs"
	run -0 --separate-stderr xw redirect-install --device l0 --bpffs "$BED_DIR/other-bpffs" -j
	local prog link
	prog=$(json .program_id) link=$(json .link_id)
	run -1 --separate-stderr xw check --device l0 -j
	assert_eq "$(level attached)" fail "attached level"
	assert_json "[.findings[] | select(.check == \"attached\")][0].why | test(\"program xw_redirect id $prog is attached to l0 in native mode, not by xdpwire in \")"
	assert_eq "$(fix attached)" "remove it: bpftool link detach id $link (or end what holds the link)" "attached fix"
	run -0 xw redirect-install --device l0 --bpffs "$BED_DIR/other-bpffs" --unpin
	umount "$BED_DIR/other-bpffs"
}

@test "bpffs: a directory that is no bpffs, or none at all, fails with the mount command" {
	dev b0
	mkdir "$BED_DIR/notbpf" && mount -t tmpfs tmpfs "$BED_DIR/notbpf"
	run -1 --separate-stderr xw check --device b0 --bpffs "$BED_DIR/notbpf"
	finding bpffs | grep -q "^fail  *bpffs  *$BED_DIR/notbpf: not a bpf filesystem"
	grep -q "fix: mount -t bpf -o mode=0700 bpf $BED_DIR/notbpf$" <<<"$output"
	run -1 --separate-stderr xw check --device b0 --bpffs "$BED_DIR/notbpf" -j
	assert_eq "$(level bpffs)" fail "bpffs level (tmpfs)"
	umount "$BED_DIR/notbpf"
	run -1 --separate-stderr xw check --device b0 --bpffs "$BED_DIR/missing" -j
	assert_eq "$(level bpffs)" fail "bpffs level (missing)"
	assert_eq "$(fix bpffs)" "mkdir -p $BED_DIR/missing && mount -t bpf -o mode=0700 bpf $BED_DIR/missing" "bpffs fix"
	[[ ! -e $BED_DIR/missing ]]
	run -0 --separate-stderr xw check --device b0 -j
	assert_eq "$(level bpffs)" ok "bpffs level (the bed's)"
}

@test "bad input: one line, the documented exit code, nothing changed" {
	dev e0
	expect_refused 66 "xdpwire check: nosuch0: no such device" xw check --device nosuch0
	expect_refused_json 66 xw check --device nosuch0
	expect_refused 65 "xdpwire check: --install: 'sideways' is not an install (redirect or tunnel)" \
		xw check --device e0 --install sideways
	expect_refused 65 "xdpwire check: --set-channels: '0' is not a number of channels (1-65535)" \
		xw check --device e0 --set-channels 0
	local max
	max=$(in_ns node ethtool -l e0 | awk '/^Pre-set/ { p = 1 } p && /^RX:/ { print $2; exit }')
	[[ $max =~ ^[0-9]+$ ]]
	expect_refused 65 "xdpwire check: --set-channels: $((max + 1)) is over what e0 takes (0 combined, $max rx, $max tx)" \
		xw check --device e0 --set-channels $((max + 1))
	expect_refused 64 "xdpwire check: --device: no device specified (--device NAME or --device-idx N)" xw check
}

@test "peer: a sandbox's veth (xdpwire's tunnel veth install on it) needs its peer to take redirected frames: fail" {
	dev n5
	dev s5
	xw tunnel-install --device n5 -q
	xw tunnel-install --device n5 --veth s5 -q
	in_ns peer ethtool -K ps5 gro off
	run -1 --separate-stderr xw check --device s5 -j
	assert_eq "$(level peer)" fail "peer level of a sandbox's veth"
	assert_json '[.findings[] | select(.check == "peer")][0].why | test("it is a sandbox.s veth: the tunnel redirects into it")'
	# Ours, of the tunnel: a redirect install would refuse it, a tunnel's replaces it.
	assert_eq "$(level attached)" warn "attached level (redirect asked)"
	run -1 --separate-stderr xw check --device s5 -j --install tunnel
	assert_eq "$(level attached)" ok "attached level (tunnel asked)"
	assert_json '[.findings[] | select(.check == "attached")][0].why | test("xdpwire.s tunnel veth install")'
	xw tunnel-install --device n5 --veth s5 --unpin -q
	xw tunnel-install --device n5 --unpin -q
}

@test "--netns: the device is looked up there, and an install made with --netns is ours" {
	dev j5
	run -0 --separate-stderr "$XW" redirect-install --netns "$(ns_path node)" --device j5 -j
	local prog
	prog=$(json .program_id)
	run -0 --separate-stderr "$XW" check --netns "$(ns_path node)" --device j5 -j
	assert_json '.device == "j5"'
	assert_eq "$(level attached)" ok "attached level (ours, under netns:<inode>/)"
	assert_json "[.findings[] | select(.check == \"attached\")][0].why | test(\"program id $prog\")"
	assert_eq "$(level peer)" warn "peer level (looked at in its namespace)"
	assert_json '[.findings[] | select(.check == "peer")][0].why | test("^peer pj5 \\(netns id [0-9]+\\) has no XDP program")'
	run -0 "$XW" redirect-install --netns "$(ns_path node)" --device j5 --unpin -q
}

@test "--set-channels: a failure on the device puts its peer's channels back" {
	ipn node link add q6 numrxqueues 4 numtxqueues 4 type veth peer name pq6 \
		numrxqueues 4 numtxqueues 4 netns "$BED_ID-peer"
	ipn node link set q6 up && ipn peer link set pq6 up
	local before_dev before_peer
	before_dev=$(in_ns node ethtool -l q6) before_peer=$(in_ns peer ethtool -l pq6)
	# The peer's are set first (fault point's 1st time), the device's second.
	XDPWIRE_TEST_FAULT=set-channels@2 \
		expect_refused 71 "xdpwire check: q6: --set-channels 1: cannot set channels: Input/output error" \
		xw check --device q6 --set-channels 1
	assert_eq "$(in_ns node ethtool -l q6)" "$before_dev" "q6's channels"
	assert_eq "$(in_ns peer ethtool -l pq6)" "$before_peer" "pq6's channels, put back"
	XDPWIRE_TEST_FAULT=set-channels@2 run -71 --separate-stderr xw check --device q6 --set-channels 1 -j
	assert_json '.exit_code == 71 and .errno == "EIO"'
	# And the fault point is real: without it, both are set.
	run -0 --separate-stderr xw check --device q6 --set-channels 1 -q
	[[ $(in_ns peer ethtool -l pq6) != "$before_peer" ]]
}
