// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tunnel host's steering through BPF_PROG_TEST_RUN: a frame whose
 * destination (IPv4 or IPv6 destination, ARP target, neighbour message
 * target) a committed sandbox owns goes to that sandbox's veth at any
 * port; an unowned broadcast or multicast frame is the host's; the rest
 * goes as before, to slot 0 or the host.  Loopback (ifindex 1) stands for
 * the sandbox's veth in sandbox_map.  Slot 0 of dev_map is left empty
 * where a test must tell the two targets apart: a redirect then can only
 * have gone through sandbox_map.  The owner tables are loaded smaller than
 * the object's default, so a probe that used a mask other than the pinned
 * table's own (written into .rodata.owners from the table's size by
 * xw_owner_masks_set, as the loader does) would miss.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "install/passcfg.h"
#include "pins/owner_table.h"
#include "tunnel_host.skel.h"
#include "xw_frame.h"

#define LOOPBACK_IFINDEX 1u
/* Not the object's 16384: the program must read the tables' own size. */
#define OWNER4_SLOTS 64u
#define OWNER6_SLOTS 128u

struct fixture {
	struct tunnel_host_bpf *host;
	int prog_fd, counters_fd, slot0_fd, sandboxes_fd, owners4_fd,
		owners6_fd;
	int ncpus;
	uint64_t *percpu;
};

/* The sandbox's addresses, and ones nobody owns. */
static const uint8_t owned4[4] = { 10, 80, 1, 1 };
static const uint8_t unowned4[4] = { 10, 80, 9, 9 };
static const uint8_t owned6[16] = { 0xfd, 0x80, [13] = 1, [15] = 1 };
static const uint8_t unowned6[16] = { 0xfd, 0x80, [13] = 9, [15] = 9 };

static int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const void *elf;
	size_t size;

	if (!fx)
		return -1;
	*state = fx;
	fx->ncpus = libbpf_num_possible_cpus();
	if (fx->ncpus <= 0)
		return -1;
	fx->percpu = calloc(fx->ncpus, sizeof(uint64_t));
	fx->host = tunnel_host_bpf__open();
	if (!fx->percpu || !fx->host)
		return -1;
	/* Configured as the loader does: the default pass port, 22. */
	elf = tunnel_host_bpf__elf_bytes(&size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&fx->host->rodata->cfg, NULL, 0,
			 elf, size);
	if (bpf_map__set_max_entries(fx->host->maps.owner4_map, OWNER4_SLOTS) ||
	    bpf_map__set_max_entries(fx->host->maps.owner6_map, OWNER6_SLOTS) ||
	    xw_owner_masks_set(fx->host->maps.rodata_owners,
			       fx->host->maps.owner4_map,
			       fx->host->maps.owner6_map) ||
	    tunnel_host_bpf__load(fx->host))
		return -1;
	fx->prog_fd = bpf_program__fd(fx->host->progs.xw_tunnel_host);
	fx->counters_fd = bpf_map__fd(fx->host->maps.counters);
	fx->slot0_fd = bpf_map__fd(fx->host->maps.dev_map);
	fx->sandboxes_fd = bpf_map__fd(fx->host->maps.sandbox_map);
	fx->owners4_fd = bpf_map__fd(fx->host->maps.owner4_map);
	fx->owners6_fd = bpf_map__fd(fx->host->maps.owner6_map);
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *fx = *state;

	tunnel_host_bpf__destroy(fx->host);
	free(fx->percpu);
	free(fx);
	return 0;
}

/* Every test starts from empty tables, no sandbox and an empty slot 0. */
static int setup(void **state)
{
	struct fixture *fx = *state;
	struct xw_owner6 o6 = { 0 };
	struct xw_owner4 o4 = { 0 };
	uint32_t k;

	for (k = 0; k < OWNER4_SLOTS; k++)
		if (bpf_map_update_elem(fx->owners4_fd, &k, &o4, BPF_ANY))
			return -1;
	for (k = 0; k < OWNER6_SLOTS; k++)
		if (bpf_map_update_elem(fx->owners6_fd, &k, &o6, BPF_ANY))
			return -1;
	k = LOOPBACK_IFINDEX;
	bpf_map_delete_elem(fx->sandboxes_fd, &k);
	k = 0;
	bpf_map_delete_elem(fx->slot0_fd, &k);
	return 0;
}

static void slot0(void **state, uint32_t ifindex)
{
	struct fixture *fx = *state;
	uint32_t key = 0;

	assert_int_equal(bpf_map_update_elem(fx->slot0_fd, &key, &ifindex,
					     BPF_ANY),
			 0);
}

static void commit(void **state, uint32_t ifindex)
{
	struct fixture *fx = *state;

	assert_int_equal(bpf_map_update_elem(fx->sandboxes_fd, &ifindex,
					     &ifindex, BPF_NOEXIST),
			 0);
}

static uint32_t home4(const uint8_t a[4])
{
	uint32_t addr;

	memcpy(&addr, a, 4);
	return xw_owner_home4(addr, OWNER4_SLOTS - 1);
}

static uint32_t home6(const uint8_t a[16])
{
	uint64_t hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return xw_owner_home6(hi, lo, OWNER6_SLOTS - 1);
}

/* Writes a -> ifindex into slot home + step (wrapping) of at's address. */
static void put4_near(void **state, const uint8_t at[4], uint32_t step,
		      const uint8_t a[4], uint32_t ifindex)
{
	struct fixture *fx = *state;
	uint32_t slot = (home4(at) + step) & (OWNER4_SLOTS - 1);
	struct xw_owner4 o = { .ifindex = ifindex };

	memcpy(&o.addr, a, 4);
	assert_int_equal(bpf_map_update_elem(fx->owners4_fd, &slot, &o,
					     BPF_ANY),
			 0);
}

/* Writes slot home + step (wrapping) of a in the IPv4 table. */
static void put4(void **state, const uint8_t a[4], uint32_t step,
		 uint32_t ifindex)
{
	put4_near(state, a, step, a, ifindex);
}

static void put6(void **state, const uint8_t a[16], uint32_t step,
		 uint32_t ifindex)
{
	struct fixture *fx = *state;
	uint32_t slot = (home6(a) + step) & (OWNER6_SLOTS - 1);
	struct xw_owner6 o = { .ifindex = ifindex };

	memcpy(o.addr, a, 16);
	assert_int_equal(bpf_map_update_elem(fx->owners6_fd, &slot, &o,
					     BPF_ANY),
			 0);
}

/* The sandbox on loopback owns owned4 and owned6, committed. */
static void sandbox(void **state)
{
	put4(state, owned4, 0, LOOPBACK_IFINDEX);
	put6(state, owned6, 0, LOOPBACK_IFINDEX);
	commit(state, LOOPBACK_IFINDEX);
}

static void read_counters(void **state, uint64_t out[XW_CNT_MAX])
{
	struct fixture *fx = *state;
	uint32_t key;
	int cpu;

	for (key = 0; key < XW_CNT_MAX; key++) {
		assert_int_equal(bpf_map_lookup_elem(fx->counters_fd, &key,
						     fx->percpu),
				 0);
		out[key] = 0;
		for (cpu = 0; cpu < fx->ncpus; cpu++)
			out[key] += fx->percpu[cpu];
	}
}

/* Runs f once: the verdict is action, and only counter want moved, by 1. */
static void expect(void **state, const struct frame *f, uint32_t action,
		   enum xw_counter want)
{
	struct fixture *fx = *state;
	uint64_t before[XW_CNT_MAX], after[XW_CNT_MAX];
	struct bpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = f->b,
		.data_size_in = (uint32_t)f->len,
		.repeat = 1,
	};
	int i;

	read_counters(state, before);
	assert_int_equal(bpf_prog_test_run_opts(fx->prog_fd, &opts), 0);
	read_counters(state, after);
	for (i = 0; i < XW_CNT_MAX; i++)
		if (after[i] - before[i] != (uint64_t)(i == (int)want))
			fail_msg("counter %d moved by %llu, want counter %d +1",
				 i, (unsigned long long)(after[i] - before[i]),
				 want);
	assert_int_equal(opts.retval, action);
}

static void set_dst_mac(struct frame *f, const uint8_t mac[6])
{
	memcpy(f->b, mac, 6);
}

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void set_dst4(struct frame *f, const uint8_t a[4])
{
	memcpy(f->b + f->l3 + offsetof(struct ip, ip_dst), a, 4);
}

static void set_dst6(struct frame *f, const uint8_t a[16])
{
	memcpy(f->b + f->l3 + offsetof(struct ip6_hdr, ip6_dst), a, 16);
}

static void udp4_to(struct frame *f, const uint8_t a[4])
{
	eth(f, ETHERTYPE_IP);
	ipv4(f, IPPROTO_UDP, 5, 0);
	udp(f, 40000, 9999);
	set_dst4(f, a);
}

static void tcp4_to(struct frame *f, const uint8_t a[4], uint16_t port)
{
	tcp4(f, port);
	set_dst4(f, a);
}

static void udp6_to(struct frame *f, const uint8_t a[16])
{
	eth(f, ETHERTYPE_IPV6);
	ipv6(f, IPPROTO_UDP);
	udp(f, 40000, 9999);
	set_dst6(f, a);
}

static void arp(struct frame *f, uint16_t op, const uint8_t target[4])
{
	struct arphdr h = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETHERTYPE_IP),
		.ar_hln = 6,
		.ar_pln = 4,
		.ar_op = htons(op),
	};
	uint8_t body[20] = { 0x02, 0, 0, 0, 0, 0x01, 10, 80, 0, 2 };

	eth(f, ETHERTYPE_ARP);
	if (op == ARPOP_REQUEST)
		set_dst_mac(f, broadcast);
	append(f, &h, sizeof(h));
	memcpy(body + 16, target, 4);
	append(f, body, sizeof(body));
}

/* A neighbour solicitation (135) or advertisement (136) about target. */
static void nd(struct frame *f, uint8_t type, const uint8_t target[16],
	       const uint8_t dst[16])
{
	uint8_t msg[24] = { type };

	eth(f, ETHERTYPE_IPV6);
	ipv6(f, IPPROTO_ICMPV6);
	set_dst6(f, dst);
	memcpy(msg + 8, target, 16);
	append(f, msg, sizeof(msg));
	fix_ip_len(f);
}

/* ff02::1:ffXX:XXXX for a, and its Ethernet multicast 33:33:ff:XX:XX:XX. */
static void solicited_node(struct frame *f, const uint8_t a[16])
{
	uint8_t ip[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	uint8_t mac[6] = { 0x33, 0x33, 0xff };

	memcpy(ip + 13, a + 13, 3);
	memcpy(mac + 3, a + 13, 3);
	set_dst6(f, ip);
	set_dst_mac(f, mac);
}

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };

/* Owned: to the sandbox at any port, even the pass port. */
static void test_owned_ipv4_any_port(void **state)
{
	struct frame f;

	sandbox(state);
	udp4_to(&f, owned4);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	tcp4_to(&f, owned4, 22);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
}

static void test_owned_ipv6_through_hopopts(void **state)
{
	struct frame f;

	sandbox(state);
	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_HOPOPTS);
	ipv6_ext(&f, IPPROTO_TCP, 1);
	tcp(&f, 40000, 22);
	set_dst6(&f, owned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	udp6_to(&f, owned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
}

static void test_arp_by_target(void **state)
{
	struct frame f;

	sandbox(state);
	arp(&f, ARPOP_REQUEST, owned4);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	arp(&f, ARPOP_REPLY, owned4);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	/* Another operation (RARP's) names no target of ours. */
	arp(&f, 3, owned4);
	set_dst_mac(&f, broadcast);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

static void test_nd_by_target(void **state)
{
	struct frame f;

	sandbox(state);
	nd(&f, ND_NEIGHBOR_SOLICIT, owned6, owned6);
	solicited_node(&f, owned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	nd(&f, ND_NEIGHBOR_ADVERT, owned6, all_nodes);
	set_dst_mac(&f, all_nodes_mac);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	/* Code 1 is no neighbour message: the multicast is the host's. */
	nd(&f, ND_NEIGHBOR_SOLICIT, owned6, owned6);
	solicited_node(&f, owned6);
	f.b[f.l3 + sizeof(struct ip6_hdr) + 1] = 1;
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

/* An advertisement about an unowned target, sent to the sandbox. */
static void test_unicast_na_by_dst(void **state)
{
	struct frame f;

	sandbox(state);
	nd(&f, ND_NEIGHBOR_ADVERT, unowned6, owned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
}

/* Not committed: invisible, so the frame goes as if nobody owned it. */
static void test_uncommitted_owner(void **state)
{
	struct frame f;

	put4(state, owned4, 0, LOOPBACK_IFINDEX);
	put6(state, owned6, 0, LOOPBACK_IFINDEX);
	udp4_to(&f, owned4);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
	tcp4_to(&f, owned4, 22);
	expect(state, &f, XDP_PASS, XW_CNT_PASS_PORT);
	slot0(state, LOOPBACK_IFINDEX);
	udp6_to(&f, owned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	arp(&f, ARPOP_REQUEST, owned4);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

/*
 * A freed slot or another address's does not end the probe; a never-used
 * slot does, and so does the end of the window.
 */
static void test_probe_window(void **state)
{
	struct frame f;

	commit(state, LOOPBACK_IFINDEX);
	put4(state, owned4, 0, XW_OWNER_TOMBSTONE);
	put4_near(state, owned4, 1, unowned4, 7);
	put4(state, owned4, 3, LOOPBACK_IFINDEX);
	udp4_to(&f, owned4);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET); /* slot 2 unused */
	put4(state, owned4, 2, XW_OWNER_TOMBSTONE);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	put6(state, owned6, 0, XW_OWNER_TOMBSTONE);
	put6(state, owned6, 1, LOOPBACK_IFINDEX);
	udp6_to(&f, owned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	put6(state, owned6, 1, XW_OWNER_TOMBSTONE);
	put6(state, owned6, 2, XW_OWNER_TOMBSTONE);
	put6(state, owned6, 3, XW_OWNER_TOMBSTONE);
	put6(state, owned6, XW_OWNER_PROBES, LOOPBACK_IFINDEX);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

/* Nobody owns it: today's rule, except that group frames are the host's. */
static void test_unowned(void **state)
{
	struct frame f;

	sandbox(state);
	slot0(state, LOOPBACK_IFINDEX);
	tcp4_to(&f, unowned4, 22);
	expect(state, &f, XDP_PASS, XW_CNT_PASS_PORT);
	udp4_to(&f, unowned4);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	udp6_to(&f, unowned6);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	arp(&f, ARPOP_REQUEST, unowned4);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
	udp6_to(&f, all_nodes);
	set_dst_mac(&f, all_nodes_mac);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
	nd(&f, ND_NEIGHBOR_SOLICIT, unowned6, unowned6);
	solicited_node(&f, unowned6);
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

/* Cut short, ARP and ICMPv6 are no malformed IP: judged as before. */
static void test_truncated(void **state)
{
	struct frame f;

	sandbox(state);
	slot0(state, LOOPBACK_IFINDEX);
	arp(&f, ARPOP_REPLY, owned4);
	f.len -= 1; /* the target's last byte */
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	setup(state);
	arp(&f, ARPOP_REPLY, owned4);
	f.len -= 1;
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
	/* A solicitation cut in its target: steered by the destination. */
	sandbox(state);
	nd(&f, ND_NEIGHBOR_SOLICIT, unowned6, owned6);
	f.len -= 8;
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	nd(&f, ND_NEIGHBOR_SOLICIT, owned6, unowned6);
	f.len -= 8;
	expect(state, &f, XDP_PASS, XW_CNT_NO_TARGET);
	slot0(state, LOOPBACK_IFINDEX);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	/* Malformed IP stays malformed, owned or not. */
	udp4_to(&f, owned4);
	f.len = f.l3 + 10;
	expect(state, &f, XDP_PASS, XW_CNT_MALFORMED);
}

static void test_vlan_tagged_owned(void **state)
{
	struct frame f;

	sandbox(state);
	eth(&f, ETHERTYPE_VLAN);
	vlan(&f, 5, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 6, 0);
	tcp(&f, 40000, 22);
	set_dst4(&f, owned4);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	eth(&f, ETHERTYPE_8021AD);
	vlan(&f, 5, ETHERTYPE_VLAN);
	vlan(&f, 6, ETHERTYPE_ARP);
	{
		struct frame a;

		arp(&a, ARPOP_REQUEST, owned4);
		append(&f, a.b + sizeof(struct ether_header),
		       a.len - sizeof(struct ether_header));
	}
	set_dst_mac(&f, broadcast);
	expect(state, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_owned_ipv4_any_port, setup),
		cmocka_unit_test_setup(test_owned_ipv6_through_hopopts, setup),
		cmocka_unit_test_setup(test_arp_by_target, setup),
		cmocka_unit_test_setup(test_nd_by_target, setup),
		cmocka_unit_test_setup(test_unicast_na_by_dst, setup),
		cmocka_unit_test_setup(test_uncommitted_owner, setup),
		cmocka_unit_test_setup(test_probe_window, setup),
		cmocka_unit_test_setup(test_unowned, setup),
		cmocka_unit_test_setup(test_truncated, setup),
		cmocka_unit_test_setup(test_vlan_tagged_owned, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
