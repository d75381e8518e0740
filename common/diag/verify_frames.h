/*
 * verify's canonical frames, built in user space: UDP and TCP over IPv4
 * and IPv6, an 802.1Q-tagged one, an ARP request, an IPv6 neighbour
 * solicitation and a truncated frame.  Each is what a wire could carry,
 * checksums aside (no XDP program of ours reads them).
 */
#ifndef XW_VERIFY_FRAMES_H
#define XW_VERIFY_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"

enum xw_vframe_kind {
	XW_VF_UDP4,
	XW_VF_UDP6,
	XW_VF_TCP4,
	XW_VF_TCP6,
	XW_VF_VLAN_UDP4, /* one 802.1Q tag, VLAN 100 */
	XW_VF_ARP, /* a broadcast who-has for the IPv4 destination */
	XW_VF_NDISC, /* a solicitation for the IPv6 destination */
	XW_VF_TRUNCATED, /* Ethernet, IPv4 ethertype, 10 bytes: too short */
};

struct xw_vframe {
	uint8_t b[128];
	uint32_t len;
};

/*
 * The destinations verify uses when no sandbox's address is meant: from
 * the benchmarking ranges (198.18.0.0/15, 2001:2::/48), which no sandbox
 * may own (xw_ip_refusal).
 */
extern const struct xw_ip xw_vframe_dst4, xw_vframe_dst6;

/*
 * Builds a frame of kind to dst (of the kind's family; NULL: the default
 * above) and, for UDP and TCP, destination port dport.
 */
void xw_vframe_build(struct xw_vframe *f, enum xw_vframe_kind kind,
		     const struct xw_ip *dst, uint16_t dport);

#endif /* XW_VERIFY_FRAMES_H */
