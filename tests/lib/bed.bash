# Test beds for xdpwire's kernel tests: network namespaces, veth pairs and a
# bpffs of their own, so that the machine's /sys/fs/bpf and interfaces are
# never touched.  Used by the bats files (setup_file: bed_setup;
# teardown_file: bed_teardown) and by the demo.
#
# Requires root and a private mount namespace (tests/run provides one):
# without them a kernel test fails, it does not skip.

XW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# tests/run says which build is tested (make check SAN=1: build/san/).
XW=${XW_BIN:-$XW_ROOT/xdpwire}
XW_HELPERS=$XW_ROOT/${XW_BUILD:-build}/tests

bed_fail() {
	echo "bed: $*" >&2
	return 1
}

bed_require() {
	local tool
	((EUID == 0)) || bed_fail "must run as root: kernel tests do not skip" || return
	bed_in_private_mntns ||
		bed_fail "not in a private mount namespace: run through tests/run (make check)" ||
		return
	for tool in ip nsenter bpftool jq ethtool mount umount; do
		command -v "$tool" >/dev/null || bed_fail "$tool not installed (make deps)" || return
	done
	[[ -x $XW ]] || bed_fail "$XW not built (make)"
}

# bed_private_mntns CMD...: runs CMD in a new private mount namespace and
# tells it which namespace it left (pid 1's may not be readable to compare).
bed_private_mntns() {
	XW_OUTER_MNTNS=$(readlink /proc/self/ns/mnt) \
		exec unshare --mount --propagation private -- "$@"
}

bed_in_private_mntns() {
	[[ -n ${XW_OUTER_MNTNS:-} &&
		$(readlink /proc/self/ns/mnt) != "$XW_OUTER_MNTNS" ]]
}

# bed_setup: a fresh bpffs for this file and the bookkeeping for teardown.
bed_setup() {
	bed_require || return
	BED_ID=xwt$$
	BED_DIR=$(mktemp -d /tmp/xwbed-XXXXXX) || return
	export BED_ID BED_DIR
	mkdir "$BED_DIR/bpffs" && mount -t bpf bpf "$BED_DIR/bpffs" || return
	export XDPWIRE_BPFFS=$BED_DIR/bpffs BPFFS=$BED_DIR/bpffs
	# sockmap-insert's BTF cache: the bed's, never the node's /run/xdpwire.
	export XDPWIRE_CACHE_DIR=$BED_DIR/cache
	# scrape --steal's journals and locks: the bed's, never /run/xdpwire.
	export XDPWIRE_STATE_DIR=$BED_DIR/state
	: >"$BED_DIR/namespaces"
	: >"$BED_DIR/pids"
}

# bed_teardown: kills what the bed started and whatever else runs in its
# namespaces, deletes the namespaces and unmounts its bpffs.  Safe after a
# partial setup, and it never stops half-way: a failing step must not
# leave the rest behind.
bed_teardown() {
	local - pid ns pids=()
	set +e
	[[ -n ${BED_DIR:-} && -d $BED_DIR ]] || return 0
	mapfile -t pids <"$BED_DIR/pids"
	while read -r ns; do
		pids+=($(ip netns pids "$ns" 2>/dev/null))
	done <"$BED_DIR/namespaces"
	((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
	for pid in "${pids[@]}"; do
		poll_until 2000 bed_gone "$pid" 2>/dev/null ||
			kill -KILL "$pid" 2>/dev/null
	done
	while read -r ns; do
		ip netns del "$ns" 2>/dev/null
	done <"$BED_DIR/namespaces"
	# Every bpffs mounted under the bed (a test may mount more than the
	# bed's own and fail before it unmounts it), deepest first.
	awk -v d="$BED_DIR/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts |
		sort -r | while read -r mnt; do umount "$mnt" 2>/dev/null; done
	rm -rf "$BED_DIR"
	return 0
}

# bed_gone PID: the process has exited (a zombie has).
bed_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	[[ ${stat##*) } == Z* ]]
}

# bed_ns NAME...: creates namespaces (loopback up), known to tests as NAME.
bed_ns() {
	local name
	for name; do
		ip netns add "$BED_ID-$name" || return
		echo "$BED_ID-$name" >>"$BED_DIR/namespaces"
		ip -n "$BED_ID-$name" link set lo up || return
	done
}

ns_path() {
	echo "/run/netns/$BED_ID-$1"
}

# in_ns NAME CMD...: runs CMD in the namespace.  nsenter keeps our mounts
# (ip netns exec would remount /sys and hide the bpffs).
in_ns() {
	local ns=$1
	shift
	nsenter --net="$(ns_path "$ns")" "$@"
}

# ipn NAME ARGS...: ip(8) in the namespace.
ipn() {
	local ns=$1
	shift
	ip -n "$BED_ID-$ns" "$@"
}

# bed_veth NS1 DEV1 NS2 DEV2 [ip link options for DEV1...]: a veth pair, up.
bed_veth() {
	local ns1=$1 dev1=$2 ns2=$3 dev2=$4
	shift 4
	ipn "$ns1" link add "$dev1" "$@" type veth peer name "$dev2" \
		netns "$BED_ID-$ns2" || return
	ipn "$ns1" link set "$dev1" up && ipn "$ns2" link set "$dev2" up
}

# bed_bg [in_ns NS] CMD...: starts CMD in the background; teardown kills
# it.  $BED_PID is CMD's own pid (nsenter execs CMD), so it can be signalled
# and its descriptors taken.
bed_bg() {
	if [[ $1 == in_ns ]]; then
		nsenter --net="$(ns_path "$2")" "${@:3}" 3>&- &
	else
		"$@" 3>&- &
	fi
	BED_PID=$!
	echo "$BED_PID" >>"$BED_DIR/pids"
}

bed_now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# poll_until MS CMD...: runs CMD every 10 ms until it succeeds, for at most
# MS milliseconds.  The only way tests wait for state.
poll_until() {
	local ms=$1 deadline
	shift
	deadline=$(($(bed_now_ms) + ms))
	until "$@"; do
		if (($(bed_now_ms) >= deadline)); then
			echo "poll_until: still failing after $ms ms: $*" >&2
			return 1
		fi
		sleep 0.01
	done
}

# bed_state NS...: the bpffs tree and the XDP state of NS's devices, to
# prove that a refused run changed nothing.
bed_state() {
	local ns
	(cd "$BPFFS" && find . -printf '%y %m %p\n' | sort)
	for ns; do
		ipn "$ns" -j -d link show |
			jq -c '.[] | {ifname, xdp: (.xdp.prog.id // null)}'
	done
}

# bed_counters PIN: the counters map summed over CPUs, one number per key:
# forwarded, pass-port, no-target, malformed.
bed_counters() {
	bpftool map dump pinned "$1" -j |
		jq -r '[.[] | (.formatted // .) | [.values[].value] | add] | @tsv'
}

# bed_counter PIN forwarded|pass_port|no_target|malformed: one of them.
bed_counter() {
	local -a c
	read -r -a c < <(bed_counters "$1")
	case $2 in
	forwarded) echo "${c[0]}" ;;
	pass_port) echo "${c[1]}" ;;
	no_target) echo "${c[2]}" ;;
	malformed) echo "${c[3]}" ;;
	*) bed_fail "bed_counter: no counter '$2'" ;;
	esac
}

# bed_snmp NS PROTO FIELD: a counter of NS's /proc/net/snmp (e.g. Ip
# InReceives, Tcp PassiveOpens), found by its name in the header line.
bed_snmp() {
	in_ns "$1" awk -v p="$2:" -v f="$3" '
		$1 == p && !h { for (i = 2; i <= NF; i++) if ($i == f) c = i; h = 1; next }
		$1 == p && c { print $c; found = 1 }
		END { exit !found }' /proc/net/snmp
}

# bed_prog_id NS DEV: the id of the XDP program attached to DEV, or empty.
bed_prog_id() {
	ipn "$1" -j -d link show dev "$2" | jq -r '.[0].xdp.prog.id // empty'
}

# bed_devmap_slot0 MAPPIN: slot 0 of a pinned DEVMAP, as an ifindex (""
# when empty).  A DEVMAP carries no BTF: bpftool dumps its entries as bytes.
bed_devmap_slot0() {
	local hex
	hex=$(bpftool map dump pinned "$1" -j | jq -r '.[] |
		select(.key == ["0x00", "0x00", "0x00", "0x00"]) |
		.value | reverse | map(ltrimstr("0x")) | join("")')
	[[ -z $hex ]] || echo $((16#$hex))
}
