// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A device's addresses as a sandbox would own them (net/addrs.h), read
 * from network namespaces of the test's own (unshare: root, as the BPF
 * unit tests are): sorted and each once, none while down, the link-local
 * rule of scrape --steal, and a socket in another namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <netlink/addr.h>

#include "core/parse.h"
#include "core/report.h"
#include "net/addrs.h"
#include "net/netlink.h"

static void sh(const char *cmd)
{
	if (system(cmd))
		fail_msg("failed: %s", cmd);
}

/* The addresses of name here, as text, space-separated. */
static int read_here(struct nl_sock *sk, uint32_t ifindex, size_t max,
		     char *text, size_t size, size_t *n)
{
	struct xw_ip ips[16];
	char buf[XW_IP_STRLEN];
	struct xw_ctx ctx;
	size_t k;
	int err;

	assert_true(max <= 16);
	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	err = xw_addrs_read(&ctx, sk, ifindex, ips, max, n);
	assert_false(xw_failed(&ctx));
	xw_ctx_free(&ctx);
	text[0] = '\0';
	for (k = 0; k < *n && k < max; k++)
		snprintf(text + strlen(text), size - strlen(text), "%s%s",
			 k ? " " : "", xw_ip_str(&ips[k], buf));
	return err;
}

static struct nl_sock *open_here(void)
{
	struct nl_sock *sk;
	struct xw_ctx ctx;

	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_int_equal(xw_nl_open(&ctx, &sk), 0);
	xw_ctx_free(&ctx);
	return sk;
}

static int setup_netns(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (root needed)\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static void test_read_sorted_unique(void **state)
{
	struct nl_sock *sk = open_here();
	char text[512];
	uint32_t idx;
	size_t n;

	(void)state;
	sh("ip link add xwa0 type veth peer name xwa1");
	sh("ip addr add 10.9.0.2/24 dev xwa0 && "
	   "ip addr add 10.9.0.2/16 dev xwa0 && "
	   "ip addr add 10.9.0.10/24 dev xwa0 && "
	   "ip addr add fd09::5/64 dev xwa0 nodad && "
	   "ip addr add 10.9.1.1/24 dev xwa1");
	idx = if_nametoindex("xwa0");
	assert_true(idx > 0);
	/* Down: scrape skips it, so there is nothing to register. */
	assert_int_equal(read_here(sk, idx, 16, text, sizeof(text), &n), 0);
	assert_int_equal(n, 0);

	sh("ip link set xwa0 addrgenmode none && ip link set xwa0 up && "
	   "ip link set xwa1 up");
	/* By bytes, each once, the peer's not among them. */
	assert_int_equal(read_here(sk, idx, 16, text, sizeof(text), &n), 0);
	assert_string_equal(text, "10.9.0.2 10.9.0.10 fd09::5");

	/* More than max: the first max, and how many there are. */
	assert_int_equal(read_here(sk, idx, 2, text, sizeof(text), &n), -E2BIG);
	assert_int_equal(n, 3);
	assert_string_equal(text, "10.9.0.2 10.9.0.10");
	sh("ip link del xwa0");
	xw_nl_close(sk);
}

/* Link-local is read, and xw_addr_copied() leaves it out. */
static void test_read_link_local(void **state)
{
	struct nl_sock *sk = open_here();
	struct xw_ip ips[4];
	struct xw_ctx ctx;
	uint32_t idx;
	size_t n;

	(void)state;
	sh("ip link add xwb0 type veth peer name xwb1 && "
	   "ip addr add fe80::7/64 dev xwb0 nodad && "
	   "ip addr add 10.9.2.1/24 dev xwb0 && "
	   "ip link set xwb0 addrgenmode none && ip link set xwb0 up");
	idx = if_nametoindex("xwb0");
	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_int_equal(xw_addrs_read(&ctx, sk, idx, ips, 4, &n), 0);
	xw_ctx_free(&ctx);
	assert_int_equal(n, 2);
	assert_int_equal(ips[0].family, AF_INET);
	assert_true(xw_addr_copied(&ips[0]));
	assert_int_equal(ips[1].family, AF_INET6);
	assert_int_equal(ips[1].a[0], 0xfe);
	assert_false(xw_addr_copied(&ips[1]));
	sh("ip link del xwb0");
	xw_nl_close(sk);
}

static void test_read_no_device(void **state)
{
	struct nl_sock *sk = open_here();
	struct xw_ip ips[2];
	struct xw_ctx ctx;
	size_t n = 5;

	(void)state;
	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_int_equal(xw_addrs_read(&ctx, sk, 999999, ips, 2, &n), -ENODEV);
	assert_false(xw_failed(&ctx));
	assert_int_equal(n, 0);
	xw_ctx_free(&ctx);
	xw_nl_close(sk);
}

/* A socket made for another namespace reads that one's devices. */
static void test_open_in(void **state)
{
	struct nl_sock *sk;
	struct xw_ctx ctx;
	char text[256];
	uint32_t idx;
	int first, here;
	size_t n;

	(void)state;
	sh("ip link add xwc0 type veth peer name xwc1 && "
	   "ip addr add 10.9.3.3/24 dev xwc0 && ip link set xwc0 up");
	idx = if_nametoindex("xwc0");
	first = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(first >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_int_equal(if_nametoindex("xwc0"), 0);

	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_int_equal(xw_nl_open_in(&ctx, first, "first", &sk), 0);
	xw_ctx_free(&ctx);
	assert_int_equal(read_here(sk, idx, 16, text, sizeof(text), &n), 0);
	assert_string_equal(text, "10.9.3.3");
	xw_nl_close(sk);
	/* And this process is back where it was. */
	assert_int_equal(if_nametoindex("xwc0"), 0);

	/* Not a namespace: recorded, and still here. */
	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_true(xw_nl_open_in(&ctx, STDIN_FILENO, "stdin", &sk) < 0);
	assert_true(xw_failed(&ctx));
	assert_string_equal(ctx.fail.object, "stdin");
	assert_null(sk);
	xw_ctx_free(&ctx);
	assert_int_equal(setns(first, CLONE_NEWNET), 0);
	sh("ip link del xwc0");
	close(first);
	close(here);
}

/* fe80::/10 is link-local, whatever follows; the rest is copied. */
static void test_copied_rule(void **state)
{
	static const char *const kept[] = { "fe80::1", "fe80::1:2",
					    "febf:ffff::1" };
	static const char *const copied[] = { "10.0.0.1", "fd00::1",
					      "fec0::1",  "fe7f::1",
					      "::2",	  "169.254.0.1" };
	struct xw_ip ip;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(kept) / sizeof(kept[0]); k++) {
		assert_int_equal(xw_parse_ip(kept[k], &ip), 0);
		if (xw_addr_copied(&ip))
			fail_msg("%s is copied", kept[k]);
	}
	for (k = 0; k < sizeof(copied) / sizeof(copied[0]); k++) {
		assert_int_equal(xw_parse_ip(copied[k], &ip), 0);
		if (!xw_addr_copied(&ip))
			fail_msg("%s is not copied", copied[k]);
	}
}

/* Only 4 bytes of AF_INET or 16 of AF_INET6 are an address. */
static void test_from_nl(void **state)
{
	static const uint8_t bytes[16] = { 10, 0, 0, 1 };
	struct nl_addr *a;
	struct xw_ip ip = { .family = 99 };

	(void)state;
	a = nl_addr_build(AF_INET, bytes, 4);
	assert_true(xw_addr_from_nl(a, &ip));
	assert_int_equal(ip.family, AF_INET);
	assert_memory_equal(ip.a, bytes, 4);
	nl_addr_put(a);
	a = nl_addr_build(AF_INET, bytes, 1);
	ip.family = 99;
	assert_false(xw_addr_from_nl(a, &ip));
	nl_addr_put(a);
	a = nl_addr_build(AF_INET6, bytes, 4);
	assert_false(xw_addr_from_nl(a, &ip));
	nl_addr_put(a);
	a = nl_addr_build(AF_PACKET, bytes, 6);
	assert_false(xw_addr_from_nl(a, &ip));
	nl_addr_put(a);
	assert_false(xw_addr_from_nl(NULL, &ip));
	assert_int_equal(ip.family, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copied_rule),
		cmocka_unit_test(test_from_nl),
		cmocka_unit_test(test_read_sorted_unique),
		cmocka_unit_test(test_read_link_local),
		cmocka_unit_test(test_read_no_device),
		cmocka_unit_test(test_open_in),
	};

	return cmocka_run_group_tests(tests, setup_netns, NULL);
}
