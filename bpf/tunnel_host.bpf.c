// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tunnel host: the node's NIC side of the XDP fast path.  A frame whose
 * destination a registered sandbox owns (an IPv4 or IPv6 destination, an
 * ARP target, a neighbour message's target) goes to that sandbox's veth,
 * whatever its port.  Other broadcast and multicast frames are the host's.
 * The rest goes as before sandboxes were registered: TCP to a pass port
 * (by default SSH) and what cannot be parsed to the host, everything else
 * to the device in slot 0 of dev_map (the runtime's one sandbox), or to
 * the host while the slot is empty.
 */
#include "redirect_body.h"
#include "steer.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dev_map SEC(".maps");

const volatile struct xw_pass_cfg cfg = {};

/* The committed sandbox that owns the frame, 0 for none. */
static __always_inline __u32 xw_owner_of(struct xw_cursor *c, __be16 proto,
					 int l4, void *l3)
{
	struct iphdr *iph = l3;

	if (proto == bpf_htons(ETH_P_IP))
		return xw_owner4_find(iph->daddr);
	if (proto == bpf_htons(ETH_P_IPV6))
		return xw_owner6_of(c, l4, l3);
	if (proto == bpf_htons(ETH_P_ARP)) {
		__be32 target = xw_arp_target(c);

		return target ? xw_owner4_find(target) : 0;
	}
	return 0;
}

SEC("xdp")
int xw_tunnel_host(struct xdp_md *ctx)
{
	struct xw_cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct ethhdr *eth = c.pos;
	__u32 owner;
	__be16 proto;
	void *l3;
	int l4;

	proto = xw_parse_eth(&c);
	if (!proto)
		return xw_count(XW_CNT_MALFORMED, XDP_PASS);
	l4 = xw_parse_l3(&c, proto, &l3);
	if (l4 < 0)
		return xw_count(XW_CNT_MALFORMED, XDP_PASS);
	owner = xw_owner_of(&c, proto, l4, l3);
	if (owner &&
	    bpf_redirect_map(&sandbox_map, owner, XDP_PASS) == XDP_REDIRECT)
		return xw_count(XW_CNT_FORWARDED, XDP_REDIRECT);
	/* Group bit: broadcast and multicast nobody owns are the host's. */
	if (eth->h_dest[0] & 1)
		return xw_count(XW_CNT_NO_TARGET, XDP_PASS);
	switch (xw_classify_l4(&c, l4, &cfg)) {
	case XW_PASS_PORT:
		return xw_count(XW_CNT_PASS_PORT, XDP_PASS);
	case XW_MALFORMED:
		return xw_count(XW_CNT_MALFORMED, XDP_PASS);
	case XW_FORWARD:
		break;
	}
	return xw_redirect_counted(&dev_map, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
