/* verify's canonical frames; see verify_frames.h. */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/verify_frames.h"

const struct xw_ip xw_vframe_dst4 = { AF_INET, { 198, 18, 0, 1 } };
const struct xw_ip xw_vframe_dst6 = { AF_INET6,
				      { 0x20, 0x01, 0, 0x02, [15] = 1 } };

/* Source addresses from the same ranges: nothing verify sends is real. */
static const uint8_t src4[4] = { 198, 18, 0, 2 };
static const uint8_t src6[16] = { 0x20, 0x01, 0, 0x02, [15] = 2 };
/* Locally administered unicast MACs. */
static const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void put(struct xw_vframe *f, const void *p, size_t n)
{
	if (f->len + n > sizeof(f->b))
		return; /* every frame here fits: sized by hand */
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put16(struct xw_vframe *f, uint16_t v)
{
	v = htons(v);
	put(f, &v, 2);
}

static void eth(struct xw_vframe *f, const uint8_t *dst, uint16_t proto)
{
	put(f, dst, 6);
	put(f, mac_src, 6);
	put16(f, proto);
}

/* Headers are copied in, never cast onto the buffer: after a tag nothing
 * is aligned. */
static void ipv4(struct xw_vframe *f, uint8_t proto, const uint8_t *dst,
		 uint16_t payload)
{
	struct iphdr h = {
		.version = 4,
		.ihl = 5,
		.ttl = 64,
		.protocol = proto,
		.tot_len = htons((uint16_t)(sizeof(h) + payload)),
	};

	memcpy(&h.saddr, src4, 4);
	memcpy(&h.daddr, dst, 4);
	put(f, &h, sizeof(h));
}

static void ipv6(struct xw_vframe *f, uint8_t next, const uint8_t *src,
		 const uint8_t *dst, uint16_t payload, uint8_t hlim)
{
	struct ip6_hdr h = {
		.ip6_flow = htonl(6u << 28),
		.ip6_plen = htons(payload),
		.ip6_nxt = next,
		.ip6_hlim = hlim,
	};

	memcpy(&h.ip6_src, src, 16);
	memcpy(&h.ip6_dst, dst, 16);
	put(f, &h, sizeof(h));
}

static void udp(struct xw_vframe *f, uint16_t dport)
{
	struct udphdr h = {
		.source = htons(40000),
		.dest = htons(dport),
		.len = htons(sizeof(h) + 4),
	};

	put(f, &h, sizeof(h));
	put(f, "ping", 4);
}

static void tcp(struct xw_vframe *f, uint16_t dport)
{
	struct tcphdr h = {
		.source = htons(40000),
		.dest = htons(dport),
		.doff = 5,
		.syn = 1,
		.window = htons(64240),
	};

	put(f, &h, sizeof(h));
}

static void arp_request(struct xw_vframe *f, const uint8_t *target)
{
	struct arphdr h = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETHERTYPE_IP),
		.ar_hln = 6,
		.ar_pln = 4,
		.ar_op = htons(ARPOP_REQUEST),
	};
	static const uint8_t unknown[6];

	eth(f, mac_bcast, ETHERTYPE_ARP);
	put(f, &h, sizeof(h));
	put(f, mac_src, 6);
	put(f, src4, 4);
	put(f, unknown, 6);
	put(f, target, 4);
}

/* To the target's solicited-node multicast address and MAC. */
static void ndisc(struct xw_vframe *f, const uint8_t *target)
{
	uint8_t mac[6] = {
		0x33, 0x33, 0xff, target[13], target[14], target[15]
	};
	uint8_t group[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	struct nd_neighbor_solicit ns = { .nd_ns_type = ND_NEIGHBOR_SOLICIT };
	/* Source link-layer address option: type 1, 8 bytes. */
	uint8_t opt[8] = { 1, 1 };

	memcpy(group + 13, target + 13, 3);
	memcpy(&ns.nd_ns_target, target, 16);
	memcpy(opt + 2, mac_src, 6);
	eth(f, mac, ETHERTYPE_IPV6);
	ipv6(f, IPPROTO_ICMPV6, src6, group, sizeof(ns) + sizeof(opt), 255);
	put(f, &ns, sizeof(ns));
	put(f, opt, sizeof(opt));
}

void xw_vframe_build(struct xw_vframe *f, enum xw_vframe_kind kind,
		     const struct xw_ip *dst, uint16_t dport)
{
	const uint8_t *d4 = (dst ?: &xw_vframe_dst4)->a;
	const uint8_t *d6 = (dst ?: &xw_vframe_dst6)->a;
	static const uint8_t ten[10];

	memset(f, 0, sizeof(*f));
	switch (kind) {
	case XW_VF_UDP4:
		eth(f, mac_dst, ETHERTYPE_IP);
		ipv4(f, IPPROTO_UDP, d4, sizeof(struct udphdr) + 4);
		udp(f, dport);
		break;
	case XW_VF_UDP6:
		eth(f, mac_dst, ETHERTYPE_IPV6);
		ipv6(f, IPPROTO_UDP, src6, d6, sizeof(struct udphdr) + 4, 64);
		udp(f, dport);
		break;
	case XW_VF_TCP4:
		eth(f, mac_dst, ETHERTYPE_IP);
		ipv4(f, IPPROTO_TCP, d4, sizeof(struct tcphdr));
		tcp(f, dport);
		break;
	case XW_VF_TCP6:
		eth(f, mac_dst, ETHERTYPE_IPV6);
		ipv6(f, IPPROTO_TCP, src6, d6, sizeof(struct tcphdr), 64);
		tcp(f, dport);
		break;
	case XW_VF_VLAN_UDP4:
		eth(f, mac_dst, ETHERTYPE_VLAN);
		put16(f, 100);
		put16(f, ETHERTYPE_IP);
		ipv4(f, IPPROTO_UDP, d4, sizeof(struct udphdr) + 4);
		udp(f, dport);
		break;
	case XW_VF_ARP:
		arp_request(f, d4);
		break;
	case XW_VF_NDISC:
		ndisc(f, d6);
		break;
	case XW_VF_TRUNCATED:
		eth(f, mac_dst, ETHERTYPE_IP);
		put(f, ten, sizeof(ten));
		break;
	}
}
