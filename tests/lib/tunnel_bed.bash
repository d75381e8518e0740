# The runtime's tunnel topology, for 41-tunnel-traffic.bats and the tunnel
# demo (after bed_setup):
#
#   outside: on0 10.80.0.2  <->  host: hn0 10.80.0.1 (the NIC)
#                                host: hv0  <->  sandbox: sv0 10.80.0.1
#
# The sandbox takes the host's address and MAC, as the runtime's sandbox
# does.  Neighbours are permanent and IPv6 is off, so no frame crosses the
# bed that nobody sent.  A veth takes redirected frames only when its peer
# runs XDP: on0 gets a pass program here; sv0 gets the AF_XDP redirect
# from the caller.

tunnel_bed_build() {
	local dev hmac omac
	bed_ns outside host sandbox || return
	bed_veth outside on0 host hn0 && bed_veth host hv0 sandbox sv0 || return
	for dev in outside:on0 host:hn0 host:hv0 sandbox:sv0; do
		in_ns "${dev%:*}" sysctl -qw "net.ipv6.conf.${dev#*:}.disable_ipv6=1" ||
			return
	done
	hmac=$(ipn host -j link show dev hn0 | jq -r '.[0].address')
	omac=$(ipn outside -j link show dev on0 | jq -r '.[0].address')
	ipn sandbox link set sv0 address "$hmac" &&
		ipn outside addr add 10.80.0.2/24 dev on0 &&
		ipn host addr add 10.80.0.1/24 dev hn0 &&
		ipn sandbox addr add 10.80.0.1/24 dev sv0 &&
		ipn outside neigh replace 10.80.0.1 lladdr "$hmac" nud permanent dev on0 &&
		ipn host neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev hn0 &&
		ipn sandbox neigh replace 10.80.0.2 lladdr "$omac" nud permanent dev sv0 ||
		return
	# A frame XDP redirects keeps a checksum its stack left to the
	# device: the sandbox's own stack must finish its checksums.  (The
	# runtime's sandbox writes whole frames to its AF_XDP socket.)
	in_ns sandbox ethtool -K sv0 tx off >/dev/null &&
		ipn outside link set dev on0 xdpdrv obj "$XW_HELPERS/pass.bpf.o" sec xdp
}

# tunnel_sandbox_socket [XSK-RECV OPTIONS]: the sandbox's test socket on
# sv0, inserted from host, where a runtime's tooling runs.
tunnel_sandbox_socket() {
	xsk_hold sandbox sv0 0 "$@" -- nsenter --net="$(ns_path host)" \
		"$XW" sockmap-insert --netns "$(ns_path sandbox)" --device sv0 \
		--fd '{fd}' -q
}
