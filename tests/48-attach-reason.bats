#!/usr/bin/env bats
# An install whose XDP attach the kernel refuses says the kernel's own
# reason (read from its tracepoint bpf_xdp_link_attach_failed, since a
# bpf_link attach has no extended ack) and points to `xdpwire check`;
# under -j the error document carries it as kernel_reason.  Without the
# privilege to read it, or when reading it fails, the line is the one of
# before, with the same exit code.  Nothing of a refused run stays behind.
# The reasons are produced on veths: a peer whose MTU is over the
# single-buffer limit of native XDP (veth_xdp_set: "Peer MTU is too large
# to set XDP"), and an upper device (a macvlan) with a program of its own
# (dev_xdp_attach: "Cannot attach when an upper device already has a
# program").

load lib/test

MTU_REASON="Peer MTU is too large to set XDP"
UPPER_REASON="Cannot attach when an upper device already has a program"

setup_file() {
	bed_setup
	bed_ns node peer
	# m0: its peer's MTU is too large for native XDP on a veth.
	bed_veth node m0 peer pm0
	ipn peer link set pm0 mtu 9000
	# u0: its macvlan u0mv runs a generic program of another tool.
	bed_veth node u0 peer pu0
	ipn node link add link u0 name u0mv type macvlan mode bridge
	ipn node link set u0mv up
	ipn node link set u0mv xdpgeneric obj "$XW_HELPERS/pass.bpf.o" sec xdp
	# t0: a NIC with the tunnel; w0: a sandbox veth whose peer's MTU is 9000.
	bed_veth node t0 peer pt0
	bed_veth node w0 peer pw0
	ipn peer link set pw0 mtu 9000
	in_ns node "$XW" tunnel-install --device t0 -q
}

setup() {
	STATE_NS=node
}

xw() {
	in_ns node "$XW" "$@"
}

# capped CAPS CMD...: CMD as uid 0 in node with exactly the effective
# capabilities CAPS ("bpf,net_admin"), as tests/14-capabilities.bats does.
capped() {
	local caps=$1
	shift
	in_ns node setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set="-all,+${caps//,/,+}" -- "$@"
}

no_xdp() {
	[[ -z $(bed_prog_id node "$1") ]]
}

# refused_with_reason RC DEV MODE REASON ERRNO_TEXT CMD...: CMD exits RC
# with exactly one line naming the kernel's REASON and `xdpwire check`,
# nothing on stdout, nothing pinned for DEV and nothing attached to it.
refused_with_reason() {
	local rc=$1 dev=$2 mode=$3 reason=$4 errtext=$5 sub arg
	shift 5
	for arg; do
		[[ $arg == *-install ]] && sub=$arg && break
	done
	expect_refused "$rc" "xdpwire $sub: $dev: cannot attach XDP program in $mode mode: the kernel says \"$(kernel_words "$reason")\"; see xdpwire check --device $dev: $errtext" \
		"$@" || return
	[[ ! -e $BPFFS/$dev ]] || { echo "$BPFFS/$dev left behind" >&2; return 1; }
	no_xdp "$dev" || { echo "a program is attached to $dev" >&2; return 1; }
}

# kernel_words REASON: REASON as this kernel words it: a driver's message
# carries its module's name first (NL_SET_ERR_MSG_MOD).
kernel_words() {
	[[ $1 == "$MTU_REASON" ]] && echo "veth: $1" || echo "$1"
}

@test "native XDP on a veth whose peer's MTU is too large: the kernel's reason, and check named" {
	refused_with_reason 71 m0 native "$MTU_REASON" "Numerical result out of range" \
		xw redirect-install --device m0 --mode native
	# What the kernel said, read independently: ip's netlink attach
	# carries the same extended ack.
	run ipn node link set dev m0 xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp
	((status != 0))
	[[ $output == *"$MTU_REASON"* ]]
	no_xdp m0
}

@test "auto mode does not fall back to generic on such a refusal, and names it" {
	refused_with_reason 71 m0 native "$MTU_REASON" "Numerical result out of range" \
		xw redirect-install --device m0
}

@test "-j: the error document carries kernel_reason, stderr its one line" {
	run -71 --separate-stderr xw redirect-install --device m0 --mode native -j
	assert_eq "$(wc -l <<<"$stderr")" 1 "stderr lines under -j"
	[[ $stderr == "xdpwire redirect-install: $(json .error)" ]]
	assert_json '.exit_code == 71 and .errno == "ERANGE"'
	assert_json ".kernel_reason == \"veth: $MTU_REASON\""
	assert_json '.error | endswith("see xdpwire check --device m0: Numerical result out of range")'
	[[ ! -e $BPFFS/m0 ]]
	no_xdp m0
}

@test "the same device in generic mode installs" {
	run -0 --separate-stderr xw redirect-install --device m0 --mode generic -j
	assert_json '.mode == "generic"'
	assert_eq "$(ipn node -j -d link show dev m0 | jq -r '.[0].xdp.mode')" 2 "ip's XDP mode (2: generic)"
	assert_eq "$(bed_prog_id node m0)" "$(json .program_id)" "attached program"
	xw redirect-install --device m0 --unpin -q
	poll_until 2000 no_xdp m0
	[[ ! -e $BPFFS/m0 ]]
}

@test "a second reason: an upper device with a program of its own, in each mode" {
	refused_with_reason 69 u0 native "$UPPER_REASON" "File exists" \
		xw redirect-install --device u0 --mode native
	refused_with_reason 69 u0 generic "$UPPER_REASON" "File exists" \
		xw redirect-install --device u0 --mode generic
	run -69 --separate-stderr xw redirect-install --device u0 --mode generic -j
	assert_json ".kernel_reason == \"$UPPER_REASON\" and .errno == \"EEXIST\""
}

@test "tunnel-install wiring a veth: the kernel's reason for its attach too" {
	refused_with_reason 71 w0 native "$MTU_REASON" "Numerical result out of range" \
		xw tunnel-install --device t0 --veth w0
}

@test "without CAP_PERFMON or CAP_SYS_ADMIN: the line of before, the same exit code; -v says why" {
	expect_refused 71 "xdpwire tunnel-install: w0: cannot attach XDP program: Numerical result out of range" \
		capped bpf,net_admin "$XW" tunnel-install --device t0 --veth w0
	run -71 --separate-stderr capped bpf,net_admin "$XW" tunnel-install --device t0 --veth w0 -v
	[[ $stderr == *"w0: no reason from the kernel: reading it needs CAP_PERFMON or CAP_SYS_ADMIN"* ]]
	run -71 --separate-stderr capped bpf,net_admin "$XW" tunnel-install --device t0 --veth w0 -j
	assert_json 'has("kernel_reason") | not'
	[[ ! -e $BPFFS/w0 ]]
	no_xdp w0
}

@test "a diagnosis that fails is silent: the line of before, the same exit code" {
	export XDPWIRE_TEST_FAULT=attach-reason
	expect_refused 71 \
		"xdpwire redirect-install: m0: cannot attach XDP program: Numerical result out of range" \
		xw redirect-install --device m0 --mode native
	expect_refused 69 \
		"xdpwire redirect-install: u0: cannot attach XDP program: File exists" \
		xw redirect-install --device u0 --mode native
	run -69 --separate-stderr xw redirect-install --device u0 --mode native -v
	[[ $stderr == *"u0: no reason from the kernel: injected fault at attach-reason"* ]]
	unset XDPWIRE_TEST_FAULT
}

failing() {
	grep -qx failing "$1"
}

@test "another process's refusals meanwhile are never reported as ours" {
	local out=$BED_DIR/attach-fail.out i
	# It keeps the tracepoint firing with "Peer MTU is too large" on m0.
	bed_bg in_ns node "$XW_HELPERS/xw-attach-fail" "$XW_HELPERS/pass.bpf.o" m0 60 >"$out"
	local pid=$BED_PID
	poll_until 5000 failing "$out"
	for i in $(seq 20); do
		run -69 --separate-stderr xw redirect-install --device u0 --mode native -j
		assert_json ".kernel_reason == \"$UPPER_REASON\"" || return
	done
	kill -0 "$pid" # it refused all along
	kill "$pid"
	poll_until 2000 bed_gone "$pid"
	no_xdp m0
}

# raw_tp_opens FILE: how many raw tracepoints strace saw opened in FILE.
raw_tp_opens() {
	grep -c 'BPF_RAW_TRACEPOINT_OPEN' "$1" || true
}

# traced RESULT FILE CMD...: runs CMD under strace in node, system calls
# of bpf(2) written to FILE, as `run -RESULT`.  LeakSanitizer cannot run
# under ptrace (make check SAN=1): ASan and UBSan stay on there.
traced() {
	local rc=$1 trace=$2
	shift 2
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run "-$rc" --separate-stderr in_ns node strace -f -qq -e trace=bpf \
		-o "$trace" "$@"
}

no_reason_prog() {
	[[ $(bpftool prog show -j | jq '[.[] | select(.name == "xw_attach_reaso")] | length') == 0 ]]
}

@test "an attach that works pays nothing; a refused one frees what it loaded" {
	local trace=$BED_DIR/strace.out
	traced 0 "$trace" "$XW" redirect-install --device m0 --mode generic
	assert_eq "$(raw_tp_opens "$trace")" 0 "raw tracepoints opened by a working install"
	xw redirect-install --device m0 --unpin -q
	poll_until 2000 no_xdp m0
	traced 71 "$trace" "$XW" redirect-install --device m0 --mode native
	assert_eq "$(raw_tp_opens "$trace")" 1 "raw tracepoints opened by a refused install"
	# The program name is cut to 15 characters by the kernel.
	poll_until 2000 no_reason_prog
}
