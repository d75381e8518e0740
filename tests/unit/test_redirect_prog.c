// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The redirect XDP program on well-formed frames, through
 * BPF_PROG_TEST_RUN: what it keeps for the kernel (TCP to a pass port,
 * behind VLAN tags, IPv4 options and IPv6 extension headers) and what it
 * would forward.  Frames too short to parse are in test_redirect_malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/report.h"
#include "install/request.h"
#include "pins/xdp_mode.h"
#include "xw_redirect_fixture.h"

static void test_udp4(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_UDP, 5, 0);
	udp(&f, 40000, 53);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

/* Only TCP passes: UDP to a pass port is forwarded. */
static void test_udp4_to_pass_port(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_UDP, 5, 0);
	udp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_udp6_to_pass_port(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_UDP);
	udp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_tcp4_pass_port(void **state)
{
	struct frame f;

	tcp4(&f, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

static void test_tcp4_other_port(void **state)
{
	struct frame f;

	tcp4(&f, 80);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

/* The destination port decides, not the source port. */
static void test_tcp4_from_pass_port(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 0);
	tcp(&f, 22, 40000);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

/*
 * 40 bytes of options (IHL 15): the ports are 60 bytes in, where a parser
 * assuming 20 would read NOP option bytes (port 257) instead.
 */
static void test_tcp4_ip_options_pass_port(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 15, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

static void test_tcp4_ip_options_other_port(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 15, 0);
	tcp(&f, 40000, 80);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_tcp4_one_option_word(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 6, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

/* A first fragment (MF, offset 0) carries the TCP header. */
static void test_tcp4_first_fragment(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, IP_MF);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

/* A later fragment's payload only looks like ports: forwarded. */
static void test_tcp4_later_fragment(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 1);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_tcp6_pass_port(void **state)
{
	struct frame f;

	tcp6(&f, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

static void test_tcp6_other_port(void **state)
{
	struct frame f;

	tcp6(&f, 443);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_ipv6_hop_and_dest_opts(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_HOPOPTS);
	ipv6_ext(&f, IPPROTO_DSTOPTS, 0);
	ipv6_ext(&f, IPPROTO_TCP, 1);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

/* AH counts its length in 4-byte units, the others in 8-byte units. */
static void test_ipv6_routing_and_ah(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_ROUTING);
	ipv6_ext(&f, IPPROTO_AH, 0);
	ipv6_ah(&f, IPPROTO_TCP);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

static void test_ipv6_first_fragment(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_FRAGMENT);
	ipv6_frag(&f, IPPROTO_TCP, 0, true);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

static void test_ipv6_later_fragment(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_FRAGMENT);
	ipv6_frag(&f, IPPROTO_TCP, 185, false);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

/* Past XW_MAX_IPV6_EXT (6) headers the program gives up and forwards. */
static void test_ipv6_too_many_ext(void **state)
{
	struct frame f;
	int i;

	eth(&f, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_DSTOPTS);
	for (i = 0; i < 6; i++)
		ipv6_ext(&f, IPPROTO_DSTOPTS, 0);
	ipv6_ext(&f, IPPROTO_TCP, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_vlan(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

/* 802.1ad outer tag, 802.1Q inner tag. */
static void test_qinq(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_8021AD);
	vlan(&f, 10, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

static void test_qinq_ipv6(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_8021AD);
	vlan(&f, 10, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_IPV6);
	ipv6(&f, IPPROTO_TCP);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_PASS_PORT);
}

/* Three tags is one more than XW_MAX_VLAN_TAGS: forwarded. */
static void test_three_tags(void **state)
{
	struct frame f;

	eth(&f, ETHERTYPE_8021AD);
	vlan(&f, 10, ETHERTYPE_VLAN);
	vlan(&f, 100, ETHERTYPE_VLAN);
	vlan(&f, 200, ETHERTYPE_IP);
	ipv4(&f, IPPROTO_TCP, 5, 0);
	tcp(&f, 40000, 22);
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

static void test_arp(void **state)
{
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	struct frame f;

	eth(&f, ETHERTYPE_ARP);
	append(&f, arp, sizeof(arp));
	expect(state, P_DEFAULT, &f, XW_CNT_NO_TARGET);
}

/* Pass ports {2222, 8080}: 22 is no longer special. */
static void test_custom_tcp4_22(void **state)
{
	struct frame f;

	tcp4(&f, 22);
	expect(state, P_CUSTOM, &f, XW_CNT_NO_TARGET);
}

static void test_custom_tcp4_pass_ports(void **state)
{
	struct frame f;

	tcp4(&f, 2222);
	expect(state, P_CUSTOM, &f, XW_CNT_PASS_PORT);
	tcp4(&f, 8080);
	expect(state, P_CUSTOM, &f, XW_CNT_PASS_PORT);
}

static void test_custom_tcp6_22(void **state)
{
	struct frame f;

	tcp6(&f, 22);
	expect(state, P_CUSTOM, &f, XW_CNT_NO_TARGET);
}

static void test_custom_tcp6_pass_ports(void **state)
{
	struct frame f;

	tcp6(&f, 2222);
	expect(state, P_CUSTOM, &f, XW_CNT_PASS_PORT);
	tcp6(&f, 8080);
	expect(state, P_CUSTOM, &f, XW_CNT_PASS_PORT);
}

/* All 16 slots in use: the first and the last both count. */
static void test_all_port_slots(void **state)
{
	struct frame f;

	tcp4(&f, 1000);
	expect(state, P_FULL, &f, XW_CNT_PASS_PORT);
	tcp6(&f, 1015);
	expect(state, P_FULL, &f, XW_CNT_PASS_PORT);
	tcp4(&f, 1016);
	expect(state, P_FULL, &f, XW_CNT_NO_TARGET);
	tcp4(&f, 999);
	expect(state, P_FULL, &f, XW_CNT_NO_TARGET);
	tcp4(&f, 22);
	expect(state, P_FULL, &f, XW_CNT_NO_TARGET);
}

/* xw_request_open() configures the same bytes the fixture loads. */
static void test_request_open_cfg(void **state)
{
	struct xw_request req = { 0 };
	struct xw_pass_cfg want;
	uint16_t ports[XW_MAX_PASS_PORTS];
	struct xw_ctx ctx;
	const void *elf;
	size_t size;

	(void)state;
	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_int_equal(xw_request_open(&ctx, &xw_redirect_program,
					 custom_ports, 2, 4, XW_MODE_AUTO,
					 &req),
			 0);
	elf = redirect_bpf__elf_bytes(&size);
	xw_pass_cfg_fill(&want, custom_ports, 2, elf, size);
	assert_memory_equal(xw_request_cfg(&req), &want, sizeof(want));
	assert_int_equal(bpf_map__max_entries(req.install.maps[XW_MAP_TARGETS]),
			 4);
	assert_string_equal(bpf_map__name(req.install.maps[XW_MAP_TARGETS]),
			    "xsk_map");
	assert_int_equal(xw_request_ports(&req, ports), 2);
	assert_int_equal(ports[0], 2222);
	assert_int_equal(ports[1], 8080);
	xw_request_close(&req);
	assert_null(req.obj);
	xw_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4),
		cmocka_unit_test(test_udp4_to_pass_port),
		cmocka_unit_test(test_udp6_to_pass_port),
		cmocka_unit_test(test_tcp4_pass_port),
		cmocka_unit_test(test_tcp4_other_port),
		cmocka_unit_test(test_tcp4_from_pass_port),
		cmocka_unit_test(test_tcp4_ip_options_pass_port),
		cmocka_unit_test(test_tcp4_ip_options_other_port),
		cmocka_unit_test(test_tcp4_one_option_word),
		cmocka_unit_test(test_tcp4_first_fragment),
		cmocka_unit_test(test_tcp4_later_fragment),
		cmocka_unit_test(test_tcp6_pass_port),
		cmocka_unit_test(test_tcp6_other_port),
		cmocka_unit_test(test_ipv6_hop_and_dest_opts),
		cmocka_unit_test(test_ipv6_routing_and_ah),
		cmocka_unit_test(test_ipv6_first_fragment),
		cmocka_unit_test(test_ipv6_later_fragment),
		cmocka_unit_test(test_ipv6_too_many_ext),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_qinq),
		cmocka_unit_test(test_qinq_ipv6),
		cmocka_unit_test(test_three_tags),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_custom_tcp4_22),
		cmocka_unit_test(test_custom_tcp4_pass_ports),
		cmocka_unit_test(test_custom_tcp6_22),
		cmocka_unit_test(test_custom_tcp6_pass_ports),
		cmocka_unit_test(test_all_port_slots),
		cmocka_unit_test(test_request_open_cfg),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
