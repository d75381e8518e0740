// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The typed option-value parsers: decimal only, range-checked, and never
 * a partial or guessed value (strtoull would take blanks, signs and 0x);
 * and the one address a sandbox may own, by class.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/parse.h"
#include "pins/xdp_mode.h"

#define SENTINEL 0xdeadbeefu

/* Parses s and checks the result; on failure out must stay untouched. */
static void check_u32(const char *s, uint32_t min, uint32_t max, int err,
		      uint32_t want)
{
	uint32_t out = SENTINEL;
	int got = xw_parse_u32(s, min, max, &out);

	if (got != err)
		fail_msg("\"%s\" in [%u, %u]: got %d, want %d", s ?: "(null)",
			 min, max, got, err);
	assert_int_equal(out, err ? SENTINEL : want);
}

static void test_u32_accepts(void **state)
{
	(void)state;
	check_u32("0", 0, 10, 0, 0);
	check_u32("10", 0, 10, 0, 10);
	check_u32("5", 5, 10, 0, 5);
	check_u32("4294967295", 0, UINT32_MAX, 0, UINT32_MAX);
	/* Decimal always: a leading zero is not octal. */
	check_u32("010", 0, 100, 0, 10);
	check_u32("00", 0, 100, 0, 0);
}

static void test_u32_range(void **state)
{
	(void)state;
	check_u32("4", 5, 10, -ERANGE, 0);
	check_u32("11", 5, 10, -ERANGE, 0);
	check_u32("4294967296", 0, UINT32_MAX, -ERANGE, 0);
	check_u32("18446744073709551615", 0, UINT32_MAX, -ERANGE, 0);
	check_u32("18446744073709551616", 0, UINT32_MAX, -ERANGE, 0);
	check_u32("99999999999999999999999999", 0, UINT32_MAX, -ERANGE, 0);
}

/* What strtoull would take but a script typo must not pass as. */
static void test_u32_syntax(void **state)
{
	(void)state;
	check_u32(NULL, 0, 10, -EINVAL, 0);
	check_u32("", 0, 10, -EINVAL, 0);
	check_u32(" 1", 0, 10, -EINVAL, 0);
	check_u32("+1", 0, 10, -EINVAL, 0);
	check_u32("-1", 0, 10, -EINVAL, 0);
	check_u32("-0", 0, 10, -EINVAL, 0);
	check_u32("0x10", 0, 100, -EINVAL, 0);
	check_u32("1a", 0, 100, -EINVAL, 0);
	check_u32("1 ", 0, 100, -EINVAL, 0);
	check_u32("1.0", 0, 100, -EINVAL, 0);
	/* Syntax first: a huge number with junk is not "out of range". */
	check_u32("99999999999999999999999x", 0, UINT32_MAX, -EINVAL, 0);
}

static void test_port(void **state)
{
	uint16_t port = 7;

	(void)state;
	assert_int_equal(xw_parse_port("0", &port), -ERANGE);
	assert_int_equal(xw_parse_port("65536", &port), -ERANGE);
	assert_int_equal(xw_parse_port("ssh", &port), -EINVAL);
	assert_int_equal(port, 7);
	assert_int_equal(xw_parse_port("1", &port), 0);
	assert_int_equal(port, 1);
	assert_int_equal(xw_parse_port("65535", &port), 0);
	assert_int_equal(port, 65535);
}

static void test_fd_and_pid(void **state)
{
	int v = -7;

	(void)state;
	assert_int_equal(xw_parse_fd("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(xw_parse_fd("2147483647", &v), 0);
	assert_int_equal(v, INT_MAX);
	assert_int_equal(xw_parse_fd("2147483648", &v), -ERANGE);
	assert_int_equal(xw_parse_fd("-1", &v), -EINVAL);
	assert_int_equal(v, INT_MAX);

	assert_int_equal(xw_parse_pid("0", &v), -ERANGE);
	assert_int_equal(xw_parse_pid("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xw_parse_pid("2147483647", &v), 0);
	assert_int_equal(v, INT_MAX);
	assert_int_equal(xw_parse_pid("2147483648", &v), -ERANGE);
}

static void test_mode(void **state)
{
	static const char *const names[] = { "auto", "native", "generic" };
	enum xw_xdp_mode m;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(xw_parse_mode(names[i], &m), 0);
		assert_string_equal(xw_mode_name(m), names[i]);
	}
	m = XW_MODE_GENERIC;
	assert_int_equal(xw_parse_mode("Native", &m), -EINVAL);
	assert_int_equal(xw_parse_mode("", &m), -EINVAL);
	assert_int_equal(xw_parse_mode("nat", &m), -EINVAL);
	assert_int_equal(xw_parse_mode("native ", &m), -EINVAL);
	assert_int_equal(xw_parse_mode(NULL, &m), -EINVAL);
	assert_int_equal(m, XW_MODE_GENERIC);
}

/* s is one address a sandbox may own, written back as want. */
static void check_ip_ok(const char *s, int family, const char *want)
{
	struct xw_ip ip, again;
	char buf[XW_IP_STRLEN];
	int err = xw_parse_ip(s, &ip);

	if (err)
		fail_msg("\"%s\": got %d, want 0", s, err);
	assert_int_equal(ip.family, family);
	assert_null(xw_ip_refusal(&ip));
	assert_string_equal(xw_ip_str(&ip, buf), want);
	/* Its text is the same address again. */
	assert_int_equal(xw_parse_ip(buf, &again), 0);
	assert_int_equal(xw_ip_cmp(&ip, &again), 0);
}

static void test_ip_accepts(void **state)
{
	(void)state;
	check_ip_ok("10.80.1.1", AF_INET, "10.80.1.1");
	check_ip_ok("192.0.2.255", AF_INET, "192.0.2.255");
	check_ip_ok("1.0.0.0", AF_INET, "1.0.0.0");
	check_ip_ok("255.255.255.254", AF_INET, "255.255.255.254");
	check_ip_ok("223.255.255.255", AF_INET, "223.255.255.255");
	check_ip_ok("240.0.0.1", AF_INET, "240.0.0.1");
	check_ip_ok("fd80::1:1", AF_INET6, "fd80::1:1");
	check_ip_ok("FD80:0:0:0:0:0:1:1", AF_INET6, "fd80::1:1");
	check_ip_ok("2001:db8::0001", AF_INET6, "2001:db8::1");
	/* Link-local is taken: a sandbox's neighbour discovery may need it. */
	check_ip_ok("fe80::1", AF_INET6, "fe80::1");
	/* Not loopback or unspecified, though close in the bytes. */
	check_ip_ok("::2", AF_INET6, "::2");
	check_ip_ok("::1:0", AF_INET6, "::0.1.0.0");
	check_ip_ok("1::", AF_INET6, "1::");
	/* IPv4-compatible (deprecated, not mapped) is an IPv6 address. */
	check_ip_ok("::10.0.0.1", AF_INET6, "::10.0.0.1");
	check_ip_ok("::fffe:10.0.0.1", AF_INET6, "::fffe:a00:1");
	check_ip_ok("fe00::1", AF_INET6, "fe00::1");
}

/* s is an address of a refused class: -EDOM, and the class named. */
static void check_ip_refused(const char *s, const char *why)
{
	struct xw_ip ip;
	int err = xw_parse_ip(s, &ip);

	if (err != -EDOM)
		fail_msg("\"%s\": got %d, want -EDOM", s, err);
	assert_string_equal(xw_ip_refusal(&ip), why);
}

static void test_ip_refused_classes(void **state)
{
	(void)state;
	check_ip_refused("0.0.0.0", "unspecified");
	check_ip_refused("127.0.0.1", "loopback");
	check_ip_refused("127.255.255.254", "loopback");
	check_ip_refused("224.0.0.1", "multicast");
	check_ip_refused("239.255.255.255", "multicast");
	check_ip_refused("255.255.255.255", "broadcast");
	check_ip_refused("::", "unspecified");
	check_ip_refused("0:0:0:0:0:0:0:0", "unspecified");
	check_ip_refused("::1", "loopback");
	check_ip_refused("ff02::1", "multicast");
	check_ip_refused("ff02::1:ff00:1", "multicast");
	check_ip_refused("::ffff:10.0.0.1", "IPv4-mapped IPv6");
	check_ip_refused("::ffff:a00:1", "IPv4-mapped IPv6");
	check_ip_refused("::ffff:0.0.0.0", "IPv4-mapped IPv6");
}

/* Not exactly one address: -EINVAL, and out untouched. */
static void test_ip_syntax(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"10.0.0.1/24",
		"10.0.0.1/32",
		"fd80::1/64",
		" 10.0.0.1",
		"10.0.0.1 ",
		"10.0.0.1\n",
		"10.0.0.1,10.0.0.2",
		"10.1",
		"10.0.0",
		"10.0.0.1.2",
		"10.0.0.256",
		"010.0.0.1",
		"0x0a.0.0.1",
		"+10.0.0.1",
		"-1",
		"10.0.0.1:80",
		"fe80::1%eth0",
		"fd80::1::2",
		"fd80:::1",
		"fd80::g",
		"1:2:3:4:5:6:7:8:9",
		"12345::1",
		"[fd80::1]",
		"localhost",
		"eth0",
	};
	struct xw_ip ip = { .family = 99 };
	size_t k;

	(void)state;
	assert_int_equal(xw_parse_ip(NULL, &ip), -EINVAL);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (xw_parse_ip(bad[k], &ip) != -EINVAL)
			fail_msg("\"%s\" was not refused as not an address",
				 bad[k]);
	assert_int_equal(ip.family, 99);
}

static void test_ip_cmp(void **state)
{
	struct xw_ip a, b, c, d;

	(void)state;
	assert_int_equal(xw_parse_ip("10.0.0.2", &a), 0);
	assert_int_equal(xw_parse_ip("10.0.0.10", &b), 0);
	assert_int_equal(xw_parse_ip("fd00::1", &c), 0);
	assert_int_equal(xw_parse_ip("::2", &d), 0);
	/* Bytes in network order: .2 before .10, and IPv4 before IPv6. */
	assert_true(xw_ip_cmp(&a, &b) < 0);
	assert_true(xw_ip_cmp(&b, &a) > 0);
	assert_true(xw_ip_cmp(&b, &c) < 0);
	assert_true(xw_ip_cmp(&d, &c) < 0);
	assert_int_equal(xw_ip_cmp(&c, &c), 0);
	/* Bytes past an IPv4 address do not count. */
	b = a;
	b.a[8] = 7;
	assert_int_equal(xw_ip_cmp(&a, &b), 0);
}

static void test_ip_str_odd(void **state)
{
	struct xw_ip ip = { .family = 7 };
	char buf[XW_IP_STRLEN];

	(void)state;
	assert_string_equal(xw_ip_str(&ip, buf), "(family 7)");
	assert_string_equal(xw_ip_refusal(&ip), "not an IP address");
	memset(ip.a, 0xff, sizeof(ip.a));
	ip.family = AF_INET6;
	assert_string_equal(xw_ip_str(&ip, buf),
			    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_string_equal(xw_ip_refusal(&ip), "multicast");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_accepts),
		cmocka_unit_test(test_u32_range),
		cmocka_unit_test(test_u32_syntax),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_fd_and_pid),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_ip_accepts),
		cmocka_unit_test(test_ip_refused_classes),
		cmocka_unit_test(test_ip_syntax),
		cmocka_unit_test(test_ip_cmp),
		cmocka_unit_test(test_ip_str_odd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
