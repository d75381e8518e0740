// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The owner tables from user space (common/pins/owner_table.c) on real
 * BPF ARRAYs made for each test: round trips for both families, probe
 * chains with addresses that share a home slot (found by brute force),
 * tombstones, the two ways a table is full, maps that are not owner
 * tables, and the walk.  Then the same tables read by the real tunnel host
 * program (BPF_PROG_TEST_RUN): what owner_table.c writes, the program
 * finds, so both hash and probe alike.  Runs as root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "bpf/xw_abi.h"
#include "install/passcfg.h"
#include "pins/owner_table.h"
#include "tunnel_host.skel.h"
#include "xw_frame.h"

#define NO_SLOT 0xdeadbeefu

static int make_map(enum bpf_map_type type, uint32_t value_size,
		    uint32_t entries)
{
	int fd = bpf_map_create(type, "xw_test_owners", sizeof(uint32_t),
				value_size, entries, NULL);

	if (fd < 0)
		fail_msg("bpf_map_create: %s", strerror(errno));
	return fd;
}

static int table4(uint32_t slots)
{
	return make_map(BPF_MAP_TYPE_ARRAY, sizeof(struct xw_owner4), slots);
}

static int table6(uint32_t slots)
{
	return make_map(BPF_MAP_TYPE_ARRAY, sizeof(struct xw_owner6), slots);
}

static struct xw_ip ip_of(const char *s)
{
	struct xw_ip ip;

	memset(&ip, 0, sizeof(ip));
	ip.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(ip.family, s, ip.a), 1);
	return ip;
}

/* 10.1.x.y for n = x * 256 + y, or fd00::n. */
static struct xw_ip nth_ip(int family, uint32_t n)
{
	struct xw_ip ip;

	memset(&ip, 0, sizeof(ip));
	ip.family = (uint8_t)family;
	if (family == AF_INET) {
		ip.a[0] = 10;
		ip.a[1] = 1;
		ip.a[2] = (uint8_t)(n >> 8);
		ip.a[3] = (uint8_t)n;
	} else {
		ip.a[0] = 0xfd;
		ip.a[12] = (uint8_t)(n >> 24);
		ip.a[13] = (uint8_t)(n >> 16);
		ip.a[14] = (uint8_t)(n >> 8);
		ip.a[15] = (uint8_t)n;
	}
	return ip;
}

/* The home slot, computed here from the shared header as the program does. */
static uint32_t home_of(const struct xw_ip *ip, uint32_t slots)
{
	uint64_t hi, lo;
	uint32_t a4;

	if (ip->family == AF_INET) {
		memcpy(&a4, ip->a, sizeof(a4));
		return xw_owner_home4(a4, slots - 1);
	}
	memcpy(&hi, ip->a, sizeof(hi));
	memcpy(&lo, ip->a + 8, sizeof(lo));
	return xw_owner_home6(hi, lo, slots - 1);
}

/* n addresses of family whose home slot in a table of slots is want. */
static void same_home(int family, uint32_t slots, uint32_t want,
		      struct xw_ip *out, size_t n)
{
	uint32_t i;
	size_t got = 0;

	for (i = 1; got < n && i < 1u << 20; i++) {
		out[got] = nth_ip(family, i);
		if (home_of(&out[got], slots) == want)
			got++;
	}
	assert_int_equal(got, n);
}

/* n addresses of family, each with a home slot of its own. */
static void distinct_homes(int family, uint32_t slots, struct xw_ip *out,
			   size_t n)
{
	uint32_t i;
	size_t got = 0, j;
	bool clash;

	for (i = 1; got < n && i < 1u << 20; i++) {
		out[got] = nth_ip(family, i);
		clash = false;
		for (j = 0; j < got; j++)
			clash |= home_of(&out[j], slots) ==
				 home_of(&out[got], slots);
		got += !clash;
	}
	assert_int_equal(got, n);
}

static uint32_t insert_ok(int fd, const struct xw_ip *ip, uint32_t ifindex,
			  uint32_t want_old)
{
	uint32_t slot = NO_SLOT, old = NO_SLOT;

	assert_int_equal(xw_owner_insert(fd, ip, ifindex, &slot, &old), 0);
	assert_int_equal(old, want_old);
	return slot;
}

static void expect_found(int fd, const struct xw_ip *ip, uint32_t ifindex,
			 uint32_t slot)
{
	uint32_t got_ifindex = NO_SLOT, got_slot = NO_SLOT;

	assert_int_equal(xw_owner_find(fd, ip, &got_ifindex, &got_slot), 0);
	assert_int_equal(got_ifindex, ifindex);
	assert_int_equal(got_slot, slot);
}

static void expect_absent(int fd, const struct xw_ip *ip)
{
	uint32_t ifindex = NO_SLOT, slot = NO_SLOT;

	assert_int_equal(xw_owner_find(fd, ip, &ifindex, &slot), -ENOENT);
	assert_int_equal(ifindex, NO_SLOT);
	assert_int_equal(slot, NO_SLOT);
}

/* The ifindex field of a slot, read with the plain syscall. */
static uint32_t raw_ifindex(int fd, int family, uint32_t slot)
{
	union {
		struct xw_owner4 v4;
		struct xw_owner6 v6;
	} v;

	assert_int_equal(bpf_map_lookup_elem(fd, &slot, &v), 0);
	return family == AF_INET ? v.v4.ifindex : v.v6.ifindex;
}

static uint32_t used_of(int fd)
{
	struct xw_owner_usage u;

	assert_int_equal(xw_owner_usage(fd, &u), 0);
	return u.used;
}

static void round_trip(int family, const char *text, int fd)
{
	struct xw_ip ip = ip_of(text);
	uint32_t slot;

	expect_absent(fd, &ip);
	slot = insert_ok(fd, &ip, 7, 0);
	/* An empty table: the address sits in its home slot. */
	assert_int_equal(slot, home_of(&ip, 64));
	expect_found(fd, &ip, 7, slot);
	assert_int_equal(used_of(fd), 1);

	/* Present already: overwritten in place. */
	assert_int_equal(insert_ok(fd, &ip, 8, 7), slot);
	expect_found(fd, &ip, 8, slot);
	assert_int_equal(used_of(fd), 1);

	/* Undo of the overwrite puts the old owner back. */
	assert_int_equal(xw_owner_restore(fd, &ip, slot, 7), 0);
	expect_found(fd, &ip, 7, slot);

	assert_int_equal(xw_owner_free(fd, slot), 0);
	expect_absent(fd, &ip);
	assert_int_equal(raw_ifindex(fd, family, slot), XW_OWNER_TOMBSTONE);
	assert_int_equal(used_of(fd), 0);

	/* A freed slot is the first vacant one: taken again. */
	assert_int_equal(insert_ok(fd, &ip, 9, XW_OWNER_TOMBSTONE), slot);
	expect_found(fd, &ip, 9, slot);
	close(fd);
}

static void test_round_trip_v4(void **state)
{
	(void)state;
	round_trip(AF_INET, "10.80.1.1", table4(64));
}

static void test_round_trip_v6(void **state)
{
	(void)state;
	round_trip(AF_INET6, "fd80::1:1", table6(64));
}

/* Both families' bytes really are compared, not only the home slot. */
static void test_same_home_other_address(void **state)
{
	struct xw_ip ips[2];
	int fd = table6(16);

	(void)state;
	same_home(AF_INET6, 16, 3, ips, 2);
	insert_ok(fd, &ips[0], 5, 0);
	expect_absent(fd, &ips[1]);
	close(fd);
}

static void chain(int family, int fd, uint32_t slots)
{
	struct xw_ip ips[XW_OWNER_PROBES + 1];
	uint32_t h = slots - 2, i, slot;

	/* A home near the end: the window wraps around to slot 0. */
	same_home(family, slots, h, ips, XW_OWNER_PROBES + 1);
	for (i = 0; i < XW_OWNER_PROBES; i++) {
		slot = insert_ok(fd, &ips[i], 10 + i, 0);
		assert_int_equal(slot, (h + i) & (slots - 1));
	}
	for (i = 0; i < XW_OWNER_PROBES; i++)
		expect_found(fd, &ips[i], 10 + i, (h + i) & (slots - 1));

	/* The window is full: the fifth address has nowhere to go. */
	slot = NO_SLOT;
	assert_int_equal(xw_owner_insert(fd, &ips[XW_OWNER_PROBES], 99, &slot,
					 &i),
			 -ENOSPC);
	assert_int_equal(slot, NO_SLOT);
	expect_absent(fd, &ips[XW_OWNER_PROBES]);

	/* A hole in the middle: a tombstone, later ones still found. */
	assert_int_equal(xw_owner_free(fd, (h + 1) & (slots - 1)), 0);
	expect_absent(fd, &ips[1]);
	expect_found(fd, &ips[2], 12, (h + 2) & (slots - 1));
	expect_found(fd, &ips[3], 13, (h + 3) & (slots - 1));

	/* The fifth takes the tombstone. */
	assert_int_equal(insert_ok(fd, &ips[XW_OWNER_PROBES], 99,
				   XW_OWNER_TOMBSTONE),
			 (h + 1) & (slots - 1));
	expect_found(fd, &ips[XW_OWNER_PROBES], 99, (h + 1) & (slots - 1));
	expect_found(fd, &ips[3], 13, (h + 3) & (slots - 1));
	close(fd);
}

static void test_chain_v4(void **state)
{
	(void)state;
	chain(AF_INET, table4(64), 64);
}

static void test_chain_v6(void **state)
{
	(void)state;
	chain(AF_INET6, table6(64), 64);
}

/* An address present behind a tombstone is overwritten, not added twice. */
static void test_overwrite_behind_tombstone(void **state)
{
	struct xw_ip ips[2];
	uint32_t h = 5;
	int fd = table4(32);

	(void)state;
	same_home(AF_INET, 32, h, ips, 2);
	insert_ok(fd, &ips[0], 1, 0);
	insert_ok(fd, &ips[1], 2, 0);
	assert_int_equal(xw_owner_free(fd, h), 0);
	assert_int_equal(insert_ok(fd, &ips[1], 3, 2), h + 1);
	assert_int_equal(raw_ifindex(fd, AF_INET, h), XW_OWNER_TOMBSTONE);
	assert_int_equal(used_of(fd), 1);
	close(fd);
}

static void capacity(int family, int fd)
{
	struct xw_ip ips[5];
	struct xw_owner_usage u;
	uint32_t slot = NO_SLOT, old, i, slots[4];

	/* 16 slots: room for 4 addresses, whatever their windows say. */
	distinct_homes(family, 16, ips, 5);
	for (i = 0; i < 4; i++)
		slots[i] = insert_ok(fd, &ips[i], 20 + i, 0);
	assert_int_equal(xw_owner_usage(fd, &u), 0);
	assert_int_equal(u.slots, 16);
	assert_int_equal(u.capacity, 4);
	assert_int_equal(u.used, 4);
	assert_int_equal(xw_owner_insert(fd, &ips[4], 30, &slot, &old), -E2BIG);
	assert_int_equal(slot, NO_SLOT);
	expect_absent(fd, &ips[4]);

	/* A present address is still overwritten at capacity. */
	assert_int_equal(insert_ok(fd, &ips[0], 40, 20), slots[0]);

	/* Room again once one is freed. */
	assert_int_equal(xw_owner_free(fd, slots[1]), 0);
	insert_ok(fd, &ips[4], 30, 0);
	expect_found(fd, &ips[4], 30, home_of(&ips[4], 16));
	close(fd);
}

static void test_capacity_v4(void **state)
{
	(void)state;
	capacity(AF_INET, table4(16));
}

static void test_capacity_v6(void **state)
{
	(void)state;
	capacity(AF_INET6, table6(16));
}

/*
 * The count of used slots is kept by this process between inserts; a slot
 * freed behind its back (another writer) must not make a full table stay
 * full: a refusal counts again first.  Alternating tables recount too.
 */
static void test_count_kept_and_checked(void **state)
{
	struct xw_ip ips[6], v6 = ip_of("fd00::9");
	uint32_t i, slots[4], slot, old, key;
	struct xw_owner4 hole = { 0, XW_OWNER_TOMBSTONE };
	int fd = table4(16), other = table6(16);

	(void)state;
	distinct_homes(AF_INET, 16, ips, 6);
	for (i = 0; i < 4; i++) {
		slots[i] = insert_ok(fd, &ips[i], 20 + i, 0);
		/* Another table in between: its own count. */
		insert_ok(other, &v6, 5, i ? 5 : 0);
	}
	assert_int_equal(xw_owner_insert(fd, &ips[4], 30, &slot, &old), -E2BIG);
	key = slots[2];
	assert_int_equal(bpf_map_update_elem(fd, &key, &hole, BPF_ANY), 0);
	assert_int_equal(xw_owner_insert(fd, &ips[4], 30, &slot, &old), 0);
	assert_int_equal(xw_owner_insert(fd, &ips[5], 31, &slot, &old), -E2BIG);
	assert_int_equal(used_of(fd), 4);
	assert_int_equal(used_of(other), 1);
	close(fd);
	close(other);
}

/*
 * Undone in reverse, inserts leave never-used slots never used (a bpftool
 * dump equals the one before); in another order, a slot with a used
 * neighbour becomes a tombstone so nothing behind it is lost.
 */
static void test_restore(void **state)
{
	struct xw_ip ips[3];
	uint32_t h = 9, s0, s1, s2, i;
	int fd = table4(32);

	(void)state;
	same_home(AF_INET, 32, h, ips, 3);
	s0 = insert_ok(fd, &ips[0], 1, 0);
	s1 = insert_ok(fd, &ips[1], 2, 0);
	assert_int_equal(xw_owner_restore(fd, &ips[1], s1, 0), 0);
	assert_int_equal(xw_owner_restore(fd, &ips[0], s0, 0), 0);
	for (i = 0; i < 32; i++)
		assert_int_equal(raw_ifindex(fd, AF_INET, i), 0);

	s0 = insert_ok(fd, &ips[0], 1, 0);
	s1 = insert_ok(fd, &ips[1], 2, 0);
	s2 = insert_ok(fd, &ips[2], 3, 0);
	assert_int_equal(xw_owner_restore(fd, &ips[0], s0, 0), 0);
	assert_int_equal(raw_ifindex(fd, AF_INET, s0), XW_OWNER_TOMBSTONE);
	expect_found(fd, &ips[1], 2, s1);
	expect_found(fd, &ips[2], 3, s2);
	/* A tombstone put back stays a tombstone. */
	assert_int_equal(xw_owner_free(fd, s1), 0);
	assert_int_equal(insert_ok(fd, &ips[1], 4, XW_OWNER_TOMBSTONE), s0);
	assert_int_equal(xw_owner_restore(fd, &ips[1], s0, XW_OWNER_TOMBSTONE),
			 0);
	assert_int_equal(raw_ifindex(fd, AF_INET, s0), XW_OWNER_TOMBSTONE);
	expect_found(fd, &ips[2], 3, s2);
	close(fd);
}

/* Every map that is not an owner table of the address's family: -EINVAL. */
static void refused(int fd, const struct xw_ip *ip)
{
	uint32_t a = NO_SLOT, b = NO_SLOT;

	assert_int_equal(xw_owner_find(fd, ip, &a, &b), -EINVAL);
	assert_int_equal(xw_owner_insert(fd, ip, 1, &a, &b), -EINVAL);
	assert_int_equal(xw_owner_restore(fd, ip, 0, 1), -EINVAL);
	assert_int_equal(a, NO_SLOT);
	assert_int_equal(b, NO_SLOT);
	close(fd);
}

static int walk_count(const struct xw_ip *ip, uint32_t ifindex, uint32_t slot,
		      void *arg)
{
	(void)ip;
	(void)ifindex;
	(void)slot;
	++*(int *)arg;
	return 0;
}

static void test_wrong_maps(void **state)
{
	struct xw_ip v4 = ip_of("10.0.0.1"), v6 = ip_of("fd00::1"), bad = v4;
	struct xw_owner_usage u;
	int fd, n = 0;

	(void)state;
	refused(table4(12), &v4); /* not a power of two */
	refused(table4(2), &v4); /* not one address's slots */
	refused(make_map(BPF_MAP_TYPE_ARRAY, 16, 16), &v4); /* value size */
	refused(make_map(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 16), &v4);
	refused(table4(16), &v6); /* the other family */
	refused(table6(16), &v4);
	bad.family = AF_UNIX;
	refused(table4(16), &bad);
	fd = make_map(BPF_MAP_TYPE_HASH, 8, 16);
	assert_int_equal(xw_owner_usage(fd, &u), -EINVAL);
	assert_int_equal(xw_owner_free(fd, 0), -EINVAL);
	assert_int_equal(xw_owner_walk(fd, AF_INET, walk_count, &n), -EINVAL);
	close(fd);

	fd = table4(16);
	assert_int_equal(xw_owner_free(fd, 16), -EINVAL);
	assert_int_equal(xw_owner_walk(fd, AF_INET6, walk_count, &n), -EINVAL);
	assert_int_equal(xw_owner_walk(fd, 0, walk_count, &n), -EINVAL);
	assert_int_equal(n, 0);
	close(fd);
	assert_true(xw_owner_usage(-1, &u) < 0);
}

struct seen {
	size_t n;
	struct xw_ip ip[64];
	uint32_t ifindex[64], slot[64];
	size_t stop_at; /* fn returns 42 at this call (0: never) */
};

static int collect(const struct xw_ip *ip, uint32_t ifindex, uint32_t slot,
		   void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 64);
	s->ip[s->n] = *ip;
	s->ifindex[s->n] = ifindex;
	s->slot[s->n] = slot;
	return ++s->n == s->stop_at ? 42 : 0;
}

/*
 * A table larger than one batch, addresses spread over it, one freed:
 * the walk sees exactly the used slots, in slot order, and stops when
 * told.
 */
static void walk(int family, int fd, uint32_t slots)
{
	struct xw_ip ips[40];
	uint32_t at[40], i, j;
	struct seen s;
	int inserted[40] = { 0 };

	for (i = 0; i < 40; i++) {
		ips[i] = nth_ip(family, i * 7919 + 1);
		at[i] = insert_ok(fd, &ips[i], 100 + i, 0);
	}
	assert_int_equal(xw_owner_free(fd, at[17]), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xw_owner_walk(fd, family, collect, &s), 0);
	assert_int_equal(s.n, 39);
	for (j = 0; j < s.n; j++) {
		if (j)
			assert_true(s.slot[j] > s.slot[j - 1]);
		assert_true(s.slot[j] < slots);
		i = s.ifindex[j] - 100;
		assert_true(i < 40 && i != 17 && !inserted[i]);
		inserted[i] = 1;
		assert_int_equal(s.slot[j], at[i]);
		assert_int_equal(s.ip[j].family, family);
		assert_memory_equal(s.ip[j].a, ips[i].a,
				    family == AF_INET ? 4 : 16);
	}
	memset(&s, 0, sizeof(s));
	s.stop_at = 3;
	assert_int_equal(xw_owner_walk(fd, family, collect, &s), 42);
	assert_int_equal(s.n, 3);
	assert_int_equal(used_of(fd), 39);
	close(fd);
}

static void test_walk_v4(void **state)
{
	(void)state;
	walk(AF_INET, table4(16384), 16384);
}

static void test_walk_v6(void **state)
{
	(void)state;
	walk(AF_INET6, table6(16384), 16384);
}

static void test_walk_empty(void **state)
{
	int fd = table6(4), n = 0;

	(void)state;
	assert_int_equal(xw_owner_walk(fd, AF_INET6, walk_count, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(used_of(fd), 0);
	close(fd);
}

/*
 * The tunnel host program, loaded as the installer loads it (pass port
 * 22), its owner tables sized owner_slots (0: the object's default).
 * Loopback (ifindex 1) is the committed sandbox: a test run does not
 * transmit, so a redirect to it is XDP_REDIRECT.
 */
#define LOOPBACK_IFINDEX 1u

static struct tunnel_host_bpf *load_host(uint32_t owner_slots)
{
	struct tunnel_host_bpf *host = tunnel_host_bpf__open();
	uint32_t lo = LOOPBACK_IFINDEX;
	const void *elf;
	size_t size;

	assert_non_null(host);
	elf = tunnel_host_bpf__elf_bytes(&size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&host->rodata->cfg, NULL, 0, elf,
			 size);
	if (owner_slots) {
		assert_int_equal(bpf_map__set_max_entries(host->maps.owner4_map,
							  owner_slots),
				 0);
		assert_int_equal(bpf_map__set_max_entries(host->maps.owner6_map,
							  owner_slots),
				 0);
	}
	/* As the loader does: the masks from the tables' sizes. */
	assert_int_equal(xw_owner_masks_set(host->maps.rodata_owners,
					    host->maps.owner4_map,
					    host->maps.owner6_map),
			 0);
	assert_int_equal(tunnel_host_bpf__load(host), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(host->maps.sandbox_map),
					     &lo, &lo, BPF_NOEXIST),
			 0);
	return host;
}

/* UDP to ip, from outside. */
static void udp_to(struct frame *f, const struct xw_ip *ip)
{
	if (ip->family == AF_INET) {
		eth(f, ETHERTYPE_IP);
		ipv4(f, IPPROTO_UDP, 5, 0);
		memcpy(f->b + f->l3 + offsetof(struct iphdr, daddr), ip->a, 4);
	} else {
		eth(f, ETHERTYPE_IPV6);
		ipv6(f, IPPROTO_UDP);
		memcpy(f->b + f->l3 + offsetof(struct ip6_hdr, ip6_dst), ip->a,
		       16);
	}
	udp(f, 40000, 9000);
}

/* The program's verdict on a frame to ip. */
static uint32_t verdict(const struct tunnel_host_bpf *host,
			const struct xw_ip *ip)
{
	struct frame f;
	struct bpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.repeat = 1,
	};

	udp_to(&f, ip);
	opts.data_in = f.b;
	opts.data_size_in = (uint32_t)f.len;
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(
							host->progs
								.xw_tunnel_host),
						&opts),
			 0);
	return opts.retval;
}

static int owners_fd(const struct tunnel_host_bpf *host, int family)
{
	return bpf_map__fd(family == AF_INET ? host->maps.owner4_map :
					       host->maps.owner6_map);
}

/*
 * A small table (its mask read by the program from the map itself): a
 * chain wrapping from the last slots to slot 0, a hole in it, other
 * addresses, and an owner that is not committed.
 */
static void program_agrees_small(int family)
{
	struct tunnel_host_bpf *host = load_host(64);
	int fd = owners_fd(host, family);
	struct xw_ip chain[XW_OWNER_PROBES + 1], other[8];
	uint32_t i, slot, old;

	same_home(family, 64, 62, chain, XW_OWNER_PROBES + 1);
	distinct_homes(family, 64, other, 8);
	for (i = 0; i < XW_OWNER_PROBES; i++)
		insert_ok(fd, &chain[i], LOOPBACK_IFINDEX, 0);
	for (i = 0; i < 8; i++)
		switch (xw_owner_insert(fd, &other[i], LOOPBACK_IFINDEX, &slot,
					&old)) {
		case 0:
			break;
		case -ENOSPC:
			other[i] = chain[0]; /* its window is the chain's */
			break;
		default:
			fail_msg("insert of address %u failed", i);
		}
	for (i = 0; i < XW_OWNER_PROBES; i++)
		assert_int_equal(verdict(host, &chain[i]), XDP_REDIRECT);
	for (i = 0; i < 8; i++)
		assert_int_equal(verdict(host, &other[i]), XDP_REDIRECT);
	/* Same home, never inserted: probed to the window's end, no owner. */
	assert_int_equal(verdict(host, &chain[XW_OWNER_PROBES]), XDP_PASS);

	/* A tombstone in the middle: the program probes past it too. */
	assert_int_equal(xw_owner_find(fd, &chain[1], &old, &slot), 0);
	assert_int_equal(xw_owner_free(fd, slot), 0);
	assert_int_equal(verdict(host, &chain[1]), XDP_PASS);
	assert_int_equal(verdict(host, &chain[2]), XDP_REDIRECT);
	assert_int_equal(verdict(host, &chain[3]), XDP_REDIRECT);

	/* An owner not in sandbox_map is no owner. */
	assert_int_equal(insert_ok(fd, &chain[1], 77, XW_OWNER_TOMBSTONE),
			 slot);
	assert_int_equal(verdict(host, &chain[1]), XDP_PASS);
	tunnel_host_bpf__destroy(host);
}

static void test_program_agrees_v4(void **state)
{
	(void)state;
	program_agrees_small(AF_INET);
}

static void test_program_agrees_v6(void **state)
{
	(void)state;
	program_agrees_small(AF_INET6);
}

/* The default table, 1000 addresses of each family: every one found. */
static void test_program_agrees_default_size(void **state)
{
	struct tunnel_host_bpf *host = load_host(0);
	static const int families[] = { AF_INET, AF_INET6 };
	struct xw_ip ip;
	uint32_t i, f;

	(void)state;
	for (f = 0; f < 2; f++) {
		for (i = 0; i < 1000; i++) {
			ip = nth_ip(families[f], i * 37 + 5);
			insert_ok(owners_fd(host, families[f]), &ip,
				  LOOPBACK_IFINDEX, 0);
		}
		for (i = 0; i < 1000; i++) {
			ip = nth_ip(families[f], i * 37 + 5);
			assert_int_equal(verdict(host, &ip), XDP_REDIRECT);
			ip = nth_ip(families[f], i * 37 + 6);
			assert_int_equal(verdict(host, &ip), XDP_PASS);
		}
	}
	tunnel_host_bpf__destroy(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_v4),
		cmocka_unit_test(test_round_trip_v6),
		cmocka_unit_test(test_same_home_other_address),
		cmocka_unit_test(test_chain_v4),
		cmocka_unit_test(test_chain_v6),
		cmocka_unit_test(test_overwrite_behind_tombstone),
		cmocka_unit_test(test_capacity_v4),
		cmocka_unit_test(test_capacity_v6),
		cmocka_unit_test(test_count_kept_and_checked),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_wrong_maps),
		cmocka_unit_test(test_walk_v4),
		cmocka_unit_test(test_walk_v6),
		cmocka_unit_test(test_walk_empty),
		cmocka_unit_test(test_program_agrees_v4),
		cmocka_unit_test(test_program_agrees_v6),
		cmocka_unit_test(test_program_agrees_default_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
