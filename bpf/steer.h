/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Steering for the tunnel host: which registered sandbox owns a frame's
 * destination.  The owner tables are ARRAYs used as open-addressing hash
 * tables (owner_table.h), so each probe is an ARRAY lookup the verifier
 * inlines.  An owner is acted on only through a redirect via sandbox_map,
 * whose keys are the committed sandboxes: an entry of a sandbox that is
 * not committed (being registered or removed) is invisible.
 */
#ifndef XW_STEER_H
#define XW_STEER_H

#include "classify.h"
#include "owner_table.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XW_DEFAULT_MAX_SANDBOXES);
	__type(key, __u32);
	__type(value, __u32);
} sandbox_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XW_DEFAULT_MAX_ADDRESSES *XW_OWNER_SLOTS_PER_ADDR);
	__type(key, __u32);
	__type(value, struct xw_owner4);
} owner4_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XW_DEFAULT_MAX_ADDRESSES *XW_OWNER_SLOTS_PER_ADDR);
	__type(key, __u32);
	__type(value, struct xw_owner6);
} owner6_map SEC(".maps");

/*
 * Each table's mask, max_entries - 1, written by the loader before load
 * from the table the program gets (a pinned one is reused at its own
 * size: --max-addresses), so the verifier sees a constant.  Not a CO-RE
 * read of the kernel's struct bpf_map: that relocation made libbpf load
 * and parse the whole vmlinux BTF at every load (14 MiB and about 90 ms
 * of tunnel-install's node set-up in make bench).  A section of its own,
 * so .rodata stays the one struct xw_pass_cfg status and verify read.
 */
const volatile struct xw_owner_masks owner_masks SEC(".rodata.owners") = {
	.v4 = XW_DEFAULT_MAX_ADDRESSES * XW_OWNER_SLOTS_PER_ADDR - 1,
	.v6 = XW_DEFAULT_MAX_ADDRESSES * XW_OWNER_SLOTS_PER_ADDR - 1,
};

/*
 * The owner of an IPv4 address, 0 for none.  v4 and v6 each have their own
 * function and loop: clang may otherwise merge the two lookups into one
 * call with the map in a register, which the verifier cannot inline.
 */
static __always_inline __u32 xw_owner4_find(__be32 addr)
{
	__u32 mask = owner_masks.v4;
	__u32 home = xw_owner_home4(addr, mask);
	int i;

#pragma unroll
	for (i = 0; i < XW_OWNER_PROBES; i++) {
		__u32 key = (home + i) & mask;
		struct xw_owner4 *o = bpf_map_lookup_elem(&owner4_map, &key);

		if (!o || !o->ifindex)
			return 0;
		if (o->ifindex != XW_OWNER_TOMBSTONE && o->addr == addr)
			return o->ifindex;
	}
	return 0;
}

/* The owner of an IPv6 address (16 bytes, may be unaligned), 0 for none. */
static __always_inline __u32 xw_owner6_find(const void *addr)
{
	__u32 mask = owner_masks.v6;
	__u64 hi, lo;
	__u32 home;
	int i;

	/*
	 * Two 8-byte loads, not a memcpy: the address sits at an offset
	 * that is not 8-aligned, where clang would copy it byte by byte
	 * (16 loads and shifts: 1.38x the single-sandbox program on an
	 * owned IPv6 frame in make bench, 1.20x with these loads).
	 * XDP runs where unaligned loads are fine, and the verifier
	 * checks packet bounds, not alignment.
	 */
	hi = ((const __u64 *)addr)[0];
	lo = ((const __u64 *)addr)[1];
	home = xw_owner_home6(hi, lo, mask);
#pragma unroll
	for (i = 0; i < XW_OWNER_PROBES; i++) {
		__u32 key = (home + i) & mask;
		struct xw_owner6 *o = bpf_map_lookup_elem(&owner6_map, &key);

		if (!o || !o->ifindex)
			return 0;
		if (o->ifindex != XW_OWNER_TOMBSTONE && o->addr[0] == hi &&
		    o->addr[1] == lo)
			return o->ifindex;
	}
	return 0;
}

/* From linux/if_arp.h, which pulls in libc headers a BPF build lacks. */
#define XW_ARPHRD_ETHER 1
#define XW_ARPOP_REQUEST 1
#define XW_ARPOP_REPLY 2

/* An Ethernet/IPv4 ARP packet: only its target address is read. */
struct xw_arp_ipv4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__u8 spa[4];
	__u8 tha[ETH_ALEN];
	__u8 tpa[4];
};

/* The IPv4 address an ARP request or reply is about, 0 for none. */
static __always_inline __be32 xw_arp_target(struct xw_cursor *c)
{
	struct xw_arp_ipv4 *arp = xw_pull(c, sizeof(*arp));
	__be32 tpa;

	if (!arp || arp->htype != bpf_htons(XW_ARPHRD_ETHER) ||
	    arp->ptype != bpf_htons(ETH_P_IP) || arp->hlen != ETH_ALEN ||
	    arp->plen != 4)
		return 0;
	if (arp->op != bpf_htons(XW_ARPOP_REQUEST) &&
	    arp->op != bpf_htons(XW_ARPOP_REPLY))
		return 0;
	tpa = *(const __be32 *)arp->tpa; /* one load, as in xw_owner6_find */
	return tpa;
}

/* ICMPv6 types (RFC 4861) the kernel's uapi does not name. */
#define XW_ND_NEIGHBOUR_SOLICITATION 135
#define XW_ND_NEIGHBOUR_ADVERTISEMENT 136

/* Neighbour solicitation and advertisement: ICMPv6 header, then target. */
struct xw_nd_msg {
	__u8 type;
	__u8 code;
	__be16 checksum;
	__be32 reserved;
	__u8 target[16];
};

/*
 * The owner of the IPv6 frame at l3 whose L4 header (protocol l4) is at
 * the cursor: a neighbour message's target, else the destination, so the
 * sandbox that owns an address answers for it.
 */
static __always_inline __u32 xw_owner6_of(struct xw_cursor *c, int l4,
					  struct ipv6hdr *ip6h)
{
	struct xw_nd_msg *nd;
	__u32 owner;

	if (l4 == IPPROTO_ICMPV6) {
		nd = xw_pull(c, sizeof(*nd));
		if (nd && !nd->code &&
		    (nd->type == XW_ND_NEIGHBOUR_SOLICITATION ||
		     nd->type == XW_ND_NEIGHBOUR_ADVERTISEMENT)) {
			owner = xw_owner6_find(nd->target);
			if (owner)
				return owner;
		}
	}
	return xw_owner6_find(&ip6h->daddr);
}

#endif /* XW_STEER_H */
