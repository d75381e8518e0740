// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The typed option-value parsers: decimal only, range-checked, and never
 * a partial or guessed value (strtoull would take blanks, signs and 0x).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_accepts),
		cmocka_unit_test(test_u32_range),
		cmocka_unit_test(test_u32_syntax),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_fd_and_pid),
		cmocka_unit_test(test_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
