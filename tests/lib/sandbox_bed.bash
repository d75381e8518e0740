# Many sandboxes on one NIC (issue 15), for 43-sandbox-traffic.bats (after
# bed_setup):
#
#   outside: on0 10.80.0.2/16 fd80::2/64  <->  host: hn0 10.80.0.1/16 fd80::1/64 (the NIC)
#   for i in 1..SB_COUNT:
#                   host: hv$i  <->  sb$i: sv$i 10.80.1.$i/16 fd80::1:$i/64
#
# Every device keeps its own MAC, so the MAC in an answer proves who gave
# it.  No DAD and no router solicitations, and the host side of each
# sandbox's veth has no IPv6 at all: no frame crosses the bed that nobody
# sent, so a socket's count is exact.  Neighbours are permanent
# (sandbox_bed_neigh) except where a test flushes them to see them
# resolved.  A veth takes redirected frames only when its peer runs XDP:
# on0 gets a pass program, each sv$i the AF_XDP redirect of
# redirect-install (installed from host with --netns), whose empty XSKMAP
# leaves every frame to the sandbox's kernel until a test inserts a socket
# (sandbox_socket).  The node's tunnel host program runs on hn0.

SB_COUNT=8

sb_v4() { echo "10.80.1.$1"; }
sb_v6() { echo "fd80::1:$1"; }

# sb_mac NS DEV: DEV's MAC.
sb_mac() {
	ipn "$1" -j link show dev "$2" | jq -r '.[0].address'
}

# No DAD, no router solicitations: set as the namespace's defaults before
# its devices exist, so no device ever starts either.
sb_quiet_ipv6() {
	local ns=$1 key
	for key in accept_dad=0 router_solicitations=0 dad_transmits=0; do
		in_ns "$ns" sysctl -qw "net.ipv6.conf.default.$key" "net.ipv6.conf.all.$key" ||
			return
	done
}

sandbox_bed_build() {
	local i
	bed_ns outside host || return
	sb_quiet_ipv6 outside && sb_quiet_ipv6 host || return
	# The host sides of the sandboxes' veths carry no IPv6 of their own.
	in_ns host sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return
	bed_veth outside on0 host hn0 || return
	in_ns host sysctl -qw net.ipv6.conf.hn0.disable_ipv6=0 &&
		ipn outside addr add 10.80.0.2/16 dev on0 &&
		ipn outside addr add fd80::2/64 dev on0 nodad &&
		ipn host addr add 10.80.0.1/16 dev hn0 &&
		ipn host addr add fd80::1/64 dev hn0 nodad || return
	for ((i = 1; i <= SB_COUNT; i++)); do
		sandbox_bed_add "$i" || return
	done
	# Outside's checksums too: its frames to a sandbox are redirected
	# twice before the sandbox's stack checks them.
	sandbox_bed_neigh && in_ns outside ethtool -K on0 tx off >/dev/null &&
		ipn outside link set dev on0 xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp &&
		in_ns host "$XW" tunnel-install --device hn0 -q
}

# sandbox_bed_add I: sandbox I's namespace, veth pair, addresses, the
# neighbours it needs, and its AF_XDP redirect.
sandbox_bed_add() {
	local i=$1 omac
	bed_ns "sb$i" && sb_quiet_ipv6 "sb$i" || return
	bed_veth host "hv$i" "sb$i" "sv$i" || return
	omac=$(sb_mac outside on0)
	ipn "sb$i" addr add "$(sb_v4 "$i")/16" dev "sv$i" &&
		ipn "sb$i" addr add "$(sb_v6 "$i")/64" dev "sv$i" nodad &&
		ipn "sb$i" neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev "sv$i" &&
		ipn "sb$i" neigh replace fd80::2 lladdr "$omac" nud permanent dev "sv$i" ||
		return
	# A frame XDP redirects keeps a checksum its stack left to the
	# device: the sandbox's own stack must finish its checksums.
	in_ns "sb$i" ethtool -K "sv$i" tx off >/dev/null &&
		in_ns host "$XW" redirect-install --netns "$(ns_path "sb$i")" \
			--device "sv$i" -q
}

# sandbox_bed_neigh: the neighbours outside and the host use, permanent:
# each sandbox's two addresses at its own MAC, the host's at hn0's.
sandbox_bed_neigh() {
	local i mac hmac omac
	hmac=$(sb_mac host hn0) omac=$(sb_mac outside on0)
	ipn outside neigh replace 10.80.0.1 lladdr "$hmac" nud permanent dev on0 &&
		ipn outside neigh replace fd80::1 lladdr "$hmac" nud permanent dev on0 &&
		ipn host neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev hn0 &&
		ipn host neigh replace fd80::2 lladdr "$omac" nud permanent dev hn0 || return
	for ((i = 1; i <= SB_COUNT; i++)); do
		# A sandbox whose veth a test deleted has no neighbours left.
		ipn "sb$i" link show dev "sv$i" >/dev/null 2>&1 || continue
		mac=$(sb_mac "sb$i" "sv$i") || return
		ipn outside neigh replace "$(sb_v4 "$i")" lladdr "$mac" nud permanent dev on0 &&
			ipn outside neigh replace "$(sb_v6 "$i")" lladdr "$mac" nud permanent dev on0 ||
			return
	done
}

# sandbox_register I: registers sandbox I with the node, as a runtime
# would: the odd ones by the host side and their addresses given, the even
# ones by the sandbox side with the addresses read in its namespace.
sandbox_register() {
	local i=$1
	if ((i % 2)); then
		in_ns host "$XW" tunnel-install --device hn0 --veth "hv$i" \
			--address "$(sb_v4 "$i")" --address "$(sb_v6 "$i")" -q
	else
		in_ns host "$XW" tunnel-install --device hn0 --peer "sv$i" \
			--netns "$(ns_path "sb$i")" --addresses-from-netns -q
	fi
}

# sandbox_unregister I: the runtime's removal of sandbox I.
sandbox_unregister() {
	local i=$1
	if ((i % 2)); then
		in_ns host "$XW" tunnel-install --device hn0 --veth "hv$i" --unpin -q
	else
		in_ns host "$XW" tunnel-install --device hn0 --peer "sv$i" \
			--netns "$(ns_path "sb$i")" --unpin -q
	fi
}

# sandbox_socket I [XSK-RECV OPTIONS]: sandbox I's test socket on sv$i,
# inserted from host, where a runtime's tooling runs.  SB_PID[I] and
# SB_OUT[I] are its holder and the file of its JSON summary.
declare -a SB_PID SB_OUT
sandbox_socket() {
	local i=$1
	shift
	xsk_hold "sb$i" "sv$i" 0 "$@" -- nsenter --net="$(ns_path host)" \
		"$XW" sockmap-insert --netns "$(ns_path "sb$i")" --device "sv$i" \
		--fd '{fd}' -q || return
	SB_PID[i]=$XSK_PID SB_OUT[i]=$XSK_OUT
}

# sandbox_socket_done I: waits (bounded) for holder I to end, by its
# --until or its --timeout-ms.
sandbox_socket_done() {
	poll_until "${2:-15000}" bed_gone "${SB_PID[$1]}"
}

# sandbox_socket_stop I: ends holder I now; it prints its summary.
sandbox_socket_stop() {
	kill -USR1 "${SB_PID[$1]}" 2>/dev/null
	sandbox_socket_done "$1" 5000
}
