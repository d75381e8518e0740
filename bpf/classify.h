/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame classification shared by every xdpwire XDP program: is this TCP to a
 * pass port (keep it for the host), too short to parse (let the kernel judge
 * it), or traffic to forward?  Every read goes through a bounds-checked
 * cursor so the verifier and a reader can both see that nothing is read past
 * data_end.
 */
#ifndef XW_CLASSIFY_H
#define XW_CLASSIFY_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xw_abi.h"

enum xw_verdict {
	XW_FORWARD,
	XW_PASS_PORT,
	XW_MALFORMED,
};

/* 802.1Q and 802.1ad tags we look through; deeper stacks are forwarded. */
#define XW_MAX_VLAN_TAGS 2
/* IPv6 extension headers we walk before giving up and forwarding. */
#define XW_MAX_IPV6_EXT 6

#define XW_IP_OFFSET_MASK 0x1fff
#define XW_IP6_FRAG_OFFSET_MASK 0xfff8

struct xw_cursor {
	void *pos;
	void *end;
};

/* Returns a pointer to len bytes at the cursor and advances it, or NULL. */
static __always_inline void *xw_pull(struct xw_cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

/*
 * Advances the cursor over len bytes if the frame has them.  The hot paths
 * use this rather than xw_pull where the pointer is not needed or is read
 * before: testing xw_pull's result for NULL costs a compare and a branch
 * per header in the JIT'd program (the compiler cannot know that packet
 * pointers are never NULL).
 */
static __always_inline bool xw_skip(struct xw_cursor *c, __u32 len)
{
	if (c->pos + len > c->end)
		return false;
	c->pos += len;
	return true;
}

struct xw_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* Returns the ethertype after any VLAN tags, or 0 if the frame is short. */
static __always_inline __be16 xw_parse_eth(struct xw_cursor *c)
{
	struct ethhdr *eth = c->pos;
	__be16 proto;
	int i;

	if (!xw_skip(c, sizeof(*eth)))
		return 0;
	proto = eth->h_proto;
	/* Untagged IP, the frame to be fast for: one compare each. */
	if (proto == bpf_htons(ETH_P_IP) || proto == bpf_htons(ETH_P_IPV6))
		return proto;
#pragma unroll
	for (i = 0; i < XW_MAX_VLAN_TAGS; i++) {
		struct xw_vlan_hdr *vh = c->pos;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if (!xw_skip(c, sizeof(*vh)))
			return 0;
		proto = vh->encap_proto;
	}
	return proto;
}

/*
 * Leaves the cursor at the L4 header and returns its protocol, -1 for a
 * short or invalid header, or IPPROTO_FRAGMENT for a non-first fragment
 * (which carries no ports to look at).
 */
static __always_inline int xw_parse_ipv4(struct xw_cursor *c)
{
	struct iphdr *iph = c->pos;
	__u32 ihl;

	if (!xw_skip(c, sizeof(*iph)))
		return -1;
	/*
	 * Options make the header longer than the struct: honour IHL.  The
	 * header without options is the one to be fast for: it is already
	 * skipped, so it costs one compare.
	 */
	ihl = iph->ihl;
	if (ihl != sizeof(*iph) / 4 &&
	    (ihl < sizeof(*iph) / 4 || !xw_skip(c, ihl * 4 - sizeof(*iph))))
		return -1;
	if (iph->frag_off & bpf_htons(XW_IP_OFFSET_MASK))
		return IPPROTO_FRAGMENT;
	return iph->protocol;
}

struct xw_ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct xw_ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

static __always_inline int xw_parse_ipv6(struct xw_cursor *c)
{
	struct ipv6hdr *ip6h = c->pos;
	__u8 next;
	int i;

	if (!xw_skip(c, sizeof(*ip6h)))
		return -1;
	next = ip6h->nexthdr;
	/* The common frame has no extension header: skip the walk. */
	if (next == IPPROTO_TCP || next == IPPROTO_UDP)
		return next;
#pragma unroll
	for (i = 0; i < XW_MAX_IPV6_EXT; i++) {
		struct xw_ipv6_opt_hdr *opt = c->pos;
		struct xw_ipv6_frag_hdr *frag;

		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if ((void *)(opt + 1) > c->end)
				return -1;
			next = opt->nexthdr;
			if (!xw_skip(c, (opt->hdrlen + 1) * 8))
				return -1;
			break;
		case IPPROTO_AH:
			if ((void *)(opt + 1) > c->end)
				return -1;
			next = opt->nexthdr;
			if (!xw_skip(c, (opt->hdrlen + 2) * 4))
				return -1;
			break;
		case IPPROTO_FRAGMENT:
			frag = c->pos;
			if (!xw_skip(c, sizeof(*frag)))
				return -1;
			if (frag->frag_off & bpf_htons(XW_IP6_FRAG_OFFSET_MASK))
				return IPPROTO_FRAGMENT;
			next = frag->nexthdr;
			break;
		default:
			return next;
		}
	}
	return next;
}

static __always_inline bool
xw_is_pass_port(const volatile struct xw_pass_cfg *cfg, __be16 port)
{
	int i;

#pragma unroll
	for (i = 0; i < XW_MAX_PASS_PORTS; i++) {
		if (i >= cfg->n_ports)
			break;
		if (port == cfg->ports[i])
			return true;
	}
	return false;
}

/*
 * Parses the L3 header at the cursor for ethertype proto: leaves the cursor
 * at the L4 header, *l3 at the L3 header, and returns the L4 protocol, -1
 * for a short or invalid header, or XW_L4_NONE for a frame that is not IP.
 */
#define XW_L4_NONE 256

static __always_inline int xw_parse_l3(struct xw_cursor *c, __be16 proto,
				       void **l3)
{
	*l3 = c->pos;
	if (proto == bpf_htons(ETH_P_IP))
		return xw_parse_ipv4(c);
	if (proto == bpf_htons(ETH_P_IPV6))
		return xw_parse_ipv6(c);
	return XW_L4_NONE;
}

/* The verdict on L4 protocol l4 (from xw_parse_l3) at the cursor. */
static __always_inline enum xw_verdict
xw_classify_l4(struct xw_cursor *c, int l4,
	       const volatile struct xw_pass_cfg *cfg)
{
	__be16 *ports = c->pos;

	if (l4 == XW_L4_NONE)
		return XW_FORWARD;
	if (l4 < 0)
		return XW_MALFORMED;
	if (l4 != IPPROTO_TCP)
		return XW_FORWARD;
	/* Source and destination port are all we need of the TCP header. */
	if (!xw_skip(c, 2 * sizeof(__be16)))
		return XW_MALFORMED;
	return xw_is_pass_port(cfg, ports[1]) ? XW_PASS_PORT : XW_FORWARD;
}

static __always_inline enum xw_verdict
xw_classify(struct xdp_md *ctx, const volatile struct xw_pass_cfg *cfg)
{
	struct xw_cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	__be16 proto;
	void *l3;

	proto = xw_parse_eth(&c);
	if (!proto)
		return XW_MALFORMED;
	return xw_classify_l4(&c, xw_parse_l3(&c, proto, &l3), cfg);
}

#endif /* XW_CLASSIFY_H */
