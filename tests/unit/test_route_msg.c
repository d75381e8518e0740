// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The route message parser reads only inside the message: each message
 * here ends exactly where a page that cannot be read begins, so a read past
 * its end kills the child the parser runs in.  A multipath hop whose length
 * is not 4-aligned is refused: libnl's parser, which --steal runs on the
 * same message, steps past such a hop and allocates without end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include "scrape/route_msg.h"
#include "xw_test.h"

static struct nlmsghdr *child_msg;

/* The parser's result as the exit code: 100 + a libnl error number. */
static int parse_in_child(void)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct xw_route_msg *r = calloc(1, sizeof(*r));
	int ret = r ? xw_route_msg_parse(child_msg, tb, r) : 99;

	return ret < 0 ? 100 - ret : ret;
}

/*
 * Parses a copy of msg that ends where an unreadable page begins, in a
 * child: a read past the message's end kills it, and fails the test.
 */
static int parse_at_end(const void *msg, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status, code;

	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + page, page, PROT_NONE), 0);
	memcpy(p + page - len, msg, len);
	child_msg = (struct nlmsghdr *)(p + page - len);
	status = xw_run_child(parse_in_child, NULL, NULL);
	munmap(p, 2 * page);
	if (WIFSIGNALED(status))
		fail_msg("the parser was killed by signal %d",
			 WTERMSIG(status));
	assert_true(WIFEXITED(status));
	code = WEXITSTATUS(status);
	return code >= 100 ? -(code - 100) : code;
}

/* The fuzzer's find: a message of 3 bytes after its header. */
static void test_shorter_than_rtmsg(void **state)
{
	struct {
		struct nlmsghdr h;
		uint8_t body[3];
	} __attribute__((packed)) m = {
		.h = { .nlmsg_len = sizeof(m), .nlmsg_type = RTM_NEWROUTE },
		.body = { AF_INET, 24, 0 },
	};

	(void)state;
	assert_int_equal(parse_at_end(&m, sizeof(m)), -NLE_MSG_TOOSHORT);
}

/* RTA_TABLE, RTA_OIF or RTA_PRIORITY without its 4 bytes, last. */
static void test_u32_attribute_without_value(void **state)
{
	static const int types[] = { RTA_TABLE, RTA_OIF, RTA_PRIORITY };
	struct {
		struct nlmsghdr h;
		struct rtmsg rtm;
		struct nlattr a;
	} m;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		memset(&m, 0, sizeof(m));
		m.h.nlmsg_len = sizeof(m);
		m.h.nlmsg_type = RTM_NEWROUTE;
		m.rtm.rtm_family = AF_INET;
		m.rtm.rtm_table = RT_TABLE_MAIN;
		m.rtm.rtm_type = RTN_UNICAST;
		m.a.nla_len = sizeof(m.a);
		m.a.nla_type = (uint16_t)types[k];
		assert_true(parse_at_end(&m, sizeof(m)) < 0);
	}
}

/*
 * RTA_VIA of 1 byte, at the top or in a hop: --steal's libnl parser would
 * copy it with a length of -1 (found by tests/fuzz/fuzz_route_msg).
 */
static void test_via_shorter_than_its_family(void **state)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg rtm;
		struct nlattr a;
		uint8_t via[4];
	} m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = sizeof(m);
	m.h.nlmsg_type = RTM_NEWROUTE;
	m.rtm.rtm_family = AF_INET;
	m.rtm.rtm_table = RT_TABLE_MAIN;
	m.rtm.rtm_type = RTN_UNICAST;
	m.a.nla_len = sizeof(m.a) + 1;
	m.a.nla_type = RTA_VIA;
	assert_true(parse_at_end(&m, sizeof(m)) < 0);
}

/* 10.0.0.0/8 through two hops with gateways; hop 2's length is given. */
struct mp_msg {
	struct nlmsghdr h;
	struct rtmsg rtm;
	struct nlattr mp;
	struct rtnexthop nh1;
	struct nlattr gw1;
	uint8_t gw1_addr[4];
	struct rtnexthop nh2;
	struct nlattr gw2;
	uint8_t gw2_addr[4];
};

static void mp_fill(struct mp_msg *m, unsigned short nh2_len)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = sizeof(*m);
	m->h.nlmsg_type = RTM_NEWROUTE;
	m->rtm.rtm_family = AF_INET;
	m->rtm.rtm_dst_len = 8;
	m->rtm.rtm_table = RT_TABLE_MAIN;
	m->rtm.rtm_type = RTN_UNICAST;
	m->mp.nla_len = (uint16_t)(sizeof(*m) - offsetof(struct mp_msg, mp));
	m->mp.nla_type = RTA_MULTIPATH;
	m->nh1.rtnh_len = sizeof(m->nh1) + sizeof(m->gw1) + 4;
	m->nh1.rtnh_ifindex = 7;
	m->nh1.rtnh_hops = 1;
	m->gw1.nla_len = sizeof(m->gw1) + 4;
	m->gw1.nla_type = RTA_GATEWAY;
	memcpy(m->gw1_addr, "\x0a\x00\x00\x01", 4);
	m->nh2.rtnh_len = nh2_len;
	m->nh2.rtnh_ifindex = 8;
	m->gw2.nla_len = sizeof(m->gw2) + 4;
	m->gw2.nla_type = RTA_GATEWAY;
	memcpy(m->gw2_addr, "\x0a\x00\x00\x02", 4);
}

static void test_multipath(void **state)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct xw_route_msg *r = calloc(1, sizeof(*r));
	struct mp_msg m;

	(void)state;
	mp_fill(&m, sizeof(m.nh2) + sizeof(m.gw2) + 4);
	assert_int_equal(xw_route_msg_parse(&m.h, tb, r), 0);
	assert_int_equal(r->n_hops, 2);
	assert_int_equal(r->hops[0].ifindex, 7);
	assert_int_equal(r->hops[0].weight, 2);
	assert_memory_equal(nla_data(r->hops[1].gateway), "\x0a\x00\x00\x02",
			    4);
	/* Hop 2's gateway made a 1-byte RTA_VIA. */
	m.gw2.nla_type = RTA_VIA;
	m.gw2.nla_len = sizeof(m.gw2) + 1;
	assert_true(xw_route_msg_parse(&m.h, tb, r) < 0);
	free(r);
}

/*
 * A last hop of 9, 10 or 11 bytes: libnl's remaining length, a size_t,
 * wraps when it steps 12, and its loop runs on past the message.
 */
static void test_multipath_hop_not_aligned(void **state)
{
	unsigned short len;
	struct mp_msg m;

	(void)state;
	for (len = sizeof(m.nh2) + 1; len < sizeof(m.nh2) + 4; len++) {
		mp_fill(&m, len);
		m.mp.nla_len = (uint16_t)(offsetof(struct mp_msg, nh2) -
					  offsetof(struct mp_msg, mp) + len);
		m.h.nlmsg_len = (uint32_t)(offsetof(struct mp_msg, nh2) + len);
		assert_int_equal(parse_at_end(&m, m.h.nlmsg_len), -NLE_INVAL);
	}
}

/* A hop shorter than its header, or longer than what is left. */
static void test_multipath_hop_bad_length(void **state)
{
	static const unsigned short lens[] = { 0, 4, 20 };
	size_t k;
	struct mp_msg m;

	(void)state;
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		mp_fill(&m, lens[k]);
		assert_int_equal(parse_at_end(&m, sizeof(m)), -NLE_INVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shorter_than_rtmsg),
		cmocka_unit_test(test_u32_attribute_without_value),
		cmocka_unit_test(test_via_shorter_than_its_family),
		cmocka_unit_test(test_multipath),
		cmocka_unit_test(test_multipath_hop_not_aligned),
		cmocka_unit_test(test_multipath_hop_bad_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
