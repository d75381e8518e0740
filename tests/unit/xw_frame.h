/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frames for packet tests, built one header at a time: Ethernet, 802.1Q or
 * 802.1ad tags, IPv4 (any IHL) or IPv6 with extension headers, TCP or UDP.
 * Headers are copied in, never cast onto the buffer, since after a VLAN tag
 * nothing is aligned.  The IP length field is set once L4 is in; a test
 * that wants a broken frame cuts f->len afterwards.  Include after
 * <cmocka.h>.
 */
#ifndef XW_FRAME_H
#define XW_FRAME_H

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ETHERTYPE_8021AD 0x88a8

struct frame {
	uint8_t b[256];
	size_t len;
	size_t l3; /* where the IP header starts */
	int family; /* 4 or 6 once an IP header is in */
};

static inline void append(struct frame *f, const void *p, size_t n)
{
	assert_true(f->len + n <= sizeof(f->b));
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

/* Sets the IP length field to what follows the header start. */
static inline void fix_ip_len(struct frame *f)
{
	uint8_t *ip = f->b + f->l3;
	uint16_t v;

	if (f->family == 4) {
		v = htons((uint16_t)(f->len - f->l3));
		memcpy(ip + offsetof(struct ip, ip_len), &v, 2);
	} else if (f->family == 6) {
		v = htons((uint16_t)(f->len - f->l3 - sizeof(struct ip6_hdr)));
		memcpy(ip + offsetof(struct ip6_hdr, ip6_plen), &v, 2);
	}
}

static inline void eth(struct frame *f, uint16_t proto)
{
	struct ether_header h = {
		.ether_dhost = { 0x02, 0, 0, 0, 0, 0x02 },
		.ether_shost = { 0x02, 0, 0, 0, 0, 0x01 },
		.ether_type = htons(proto),
	};

	memset(f, 0, sizeof(*f));
	append(f, &h, sizeof(h));
}

/* A tag after an 802.1Q/802.1ad TPID: TCI, then the next ethertype. */
static inline void vlan(struct frame *f, uint16_t vid, uint16_t next)
{
	uint16_t tag[2] = { htons(vid), htons(next) };

	append(f, tag, sizeof(tag));
}

/* IHL is taken as given; options past the first 20 bytes are NOPs. */
static inline void ipv4(struct frame *f, uint8_t proto, unsigned int ihl,
			uint16_t frag_off)
{
	struct iphdr h = {
		.version = 4,
		.ihl = ihl,
		.ttl = 64,
		.protocol = proto,
		.frag_off = htons(frag_off),
		.saddr = htonl(0xc0000201),
		.daddr = htonl(0xc0000202),
	};
	uint8_t nop[40];

	f->l3 = f->len;
	f->family = 4;
	append(f, &h, sizeof(h));
	if (ihl > 5) {
		memset(nop, IPOPT_NOP, sizeof(nop));
		append(f, nop, (ihl - 5) * 4);
	}
}

static inline void ipv6(struct frame *f, uint8_t next)
{
	struct ip6_hdr h = {
		.ip6_flow = htonl(6u << 28),
		.ip6_nxt = next,
		.ip6_hlim = 64,
	};

	h.ip6_src.s6_addr[0] = h.ip6_dst.s6_addr[0] = 0xfd;
	h.ip6_src.s6_addr[15] = 1;
	h.ip6_dst.s6_addr[15] = 2;
	f->l3 = f->len;
	f->family = 6;
	append(f, &h, sizeof(h));
}

/* Hop-by-hop, routing or destination options: (len8 + 1) * 8 bytes. */
static inline void ipv6_ext(struct frame *f, uint8_t next, uint8_t len8)
{
	uint8_t h[64] = { next, len8, 1 /* PadN */, (uint8_t)(len8 * 8 + 4) };

	assert_true(len8 < 8);
	append(f, h, (len8 + 1u) * 8);
}

/* Authentication header with a 96-bit ICV: (4 + 2) * 4 bytes. */
static inline void ipv6_ah(struct frame *f, uint8_t next)
{
	uint8_t h[24] = { next, 4 };

	append(f, h, sizeof(h));
}

static inline void ipv6_frag(struct frame *f, uint8_t next, uint16_t offset8,
			     bool more)
{
	struct ip6_frag h = {
		.ip6f_nxt = next,
		.ip6f_offlg = htons((uint16_t)(offset8 << 3 | more)),
		.ip6f_ident = htonl(0x1234),
	};

	append(f, &h, sizeof(h));
}

static inline void tcp(struct frame *f, uint16_t sport, uint16_t dport)
{
	struct tcphdr h = {
		.source = htons(sport),
		.dest = htons(dport),
		.doff = 5,
		.syn = 1,
		.window = htons(64240),
	};

	append(f, &h, sizeof(h));
	fix_ip_len(f);
}

static inline void udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	struct udphdr h = {
		.source = htons(sport),
		.dest = htons(dport),
		.len = htons(sizeof(h) + 4),
	};
	static const char payload[4] = "ping";

	append(f, &h, sizeof(h));
	append(f, payload, sizeof(payload));
	fix_ip_len(f);
}

/* The usual frames: Ethernet, IPv4 or IPv6, TCP from an ephemeral port. */
static inline void tcp4(struct frame *f, uint16_t dport)
{
	eth(f, ETHERTYPE_IP);
	ipv4(f, IPPROTO_TCP, 5, 0);
	tcp(f, 40000, dport);
}

static inline void tcp6(struct frame *f, uint16_t dport)
{
	eth(f, ETHERTYPE_IPV6);
	ipv6(f, IPPROTO_TCP);
	tcp(f, 40000, dport);
}

#endif /* XW_FRAME_H */
