// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The redirect XDP program on frames too short for the headers they
 * announce: each must be counted MALFORMED and passed to the kernel stack
 * (which knows how to drop it), never read past its end nor forwarded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xw_redirect_fixture.h"

/*
 * BPF_PROG_TEST_RUN refuses XDP input shorter than ETH_HLEN with EINVAL,
 * so 14 bytes is the shortest frame the cases below can use.
 */
static void test_min_frame_size(void **state)
{
	struct prog *p = use(state, P_DEFAULT);
	uint64_t before[XW_CNT_MAX], after[XW_CNT_MAX];
	uint8_t b[ETH_HLEN] = { [12] = 0x08 };
	struct bpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = b,
		.data_size_in = ETH_HLEN - 1,
		.repeat = 1,
	};
	int fd = bpf_program__fd(p->skel->progs.xw_redirect);

	read_counters(*state, p, before);
	assert_int_equal(bpf_prog_test_run_opts(fd, &opts), -EINVAL);
	read_counters(*state, p, after);
	assert_memory_equal(before, after, sizeof(before));
	opts.data_size_in = ETH_HLEN;
	assert_int_equal(bpf_prog_test_run_opts(fd, &opts), 0);
}

/* Exactly an Ethernet header saying IPv4, and nothing after it. */
static void test_ethernet_only_ipv4(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	assert_int_equal(f.len, ETH_HLEN);
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

static void test_ethernet_only_ipv6(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* An IHL below 5 is a header shorter than the fixed IPv4 header. */
static void test_ipv4_ihl_below_5(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 4, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

static void test_ipv4_ihl_0(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 0, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* IHL 15 promises 60 bytes of header; the frame has 40 after Ethernet. */
static void test_ipv4_ihl_past_end(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 0);
	tcp(&f, 40000, 22);
	f.b[ETH_HLEN] = 0x4f;
	assert_int_equal(f.len, ETH_HLEN + 40);
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* The destination port is bytes 2-3 of TCP: 2 bytes are not enough. */
static void test_tcp4_truncated(void **state)
{
	struct frame f;

	tcp4(&f, 22);
	f.len = ETH_HLEN + 20 + 2;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

static void test_tcp6_truncated(void **state)
{
	struct frame f;

	tcp6(&f, 22);
	f.len = ETH_HLEN + 40 + 3;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

static void test_ipv6_truncated(void **state)
{
	struct frame f;

	tcp6(&f, 22);
	f.len = ETH_HLEN + 39;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* An extension header longer than what is left of the frame. */
static void test_ipv6_ext_truncated(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_HOPOPTS);
	ipv6_ext(&f, IPPROTO_TCP, 2);
	f.len -= 8;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* Only the first byte of an extension header: its length is unknown. */
static void test_ipv6_ext_one_byte(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_DSTOPTS);
	ipv6_ext(&f, IPPROTO_TCP, 0);
	f.len -= 7;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

static void test_ipv6_frag_truncated(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_FRAGMENT);
	ipv6_frag(&f, IPPROTO_TCP, 0, true);
	f.len -= 1;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* A VLAN TPID followed by half a tag. */
static void test_vlan_truncated(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_IP);
	f.len -= 2;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

static void test_qinq_inner_truncated(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_8021AD);
	vlan(&f, 10, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_IP);
	f.len -= 1;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* Behind a tag, a cut IPv4 header is as malformed as without one. */
static void test_vlan_ipv4_truncated(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 0);
	f.len -= 1;
	expect(state, P_DEFAULT, &f, XW_CNT_MALFORMED);
}

/* Malformed is judged before the ports: the same with other pass ports. */
static void test_malformed_any_config(void **state)
{
	struct frame f;

	tcp4(&f, 2222);
	f.len = ETH_HLEN + 20 + 2;
	expect(state, P_CUSTOM, &f, XW_CNT_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_frame_size),
		cmocka_unit_test(test_ethernet_only_ipv4),
		cmocka_unit_test(test_ethernet_only_ipv6),
		cmocka_unit_test(test_ipv4_ihl_below_5),
		cmocka_unit_test(test_ipv4_ihl_0),
		cmocka_unit_test(test_ipv4_ihl_past_end),
		cmocka_unit_test(test_tcp4_truncated),
		cmocka_unit_test(test_tcp6_truncated),
		cmocka_unit_test(test_ipv6_truncated),
		cmocka_unit_test(test_ipv6_ext_truncated),
		cmocka_unit_test(test_ipv6_ext_one_byte),
		cmocka_unit_test(test_ipv6_frag_truncated),
		cmocka_unit_test(test_vlan_truncated),
		cmocka_unit_test(test_qinq_inner_truncated),
		cmocka_unit_test(test_vlan_ipv4_truncated),
		cmocka_unit_test(test_malformed_any_config),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
