// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * scrape writes IPv4 route addresses itself (inet_ntop's sprintf was the
 * largest cost at 100,000 routes): every octet value in every position must
 * read exactly as inet_ntop writes it; IPv6 still goes through inet_ntop.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scrape/scrape.h"

static void test_ipv4_every_octet(void **state)
{
	char got[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN];
	struct xw_scrape_route rt = { .family = AF_INET, .has_gateway = true };
	int pos, v;

	(void)state;
	for (pos = 0; pos < 4; pos++)
		for (v = 0; v < 256; v++) {
			memset(rt.dst, 0, sizeof(rt.dst));
			memset(rt.gateway, 0xff, sizeof(rt.gateway));
			rt.dst[pos] = (uint8_t)v;
			rt.dst[(pos + 1) % 4] = (uint8_t)(255 - v);
			rt.gateway[pos] = (uint8_t)v;
			inet_ntop(AF_INET, rt.dst, want, sizeof(want));
			assert_string_equal(xw_scrape_route_dst(&rt, got,
								sizeof(got)),
					    want);
			inet_ntop(AF_INET, rt.gateway, want, sizeof(want));
			assert_string_equal(xw_scrape_route_gateway(&rt, got,
								    sizeof(got)),
					    want);
		}
}

static void test_ipv6_and_no_gateway(void **state)
{
	struct xw_scrape_route rt = { .family = AF_INET6 };
	char got[INET6_ADDRSTRLEN];

	(void)state;
	rt.dst[0] = 0xfd;
	rt.dst[15] = 1;
	assert_string_equal(xw_scrape_route_dst(&rt, got, sizeof(got)),
			    "fd00::1");
	assert_null(xw_scrape_route_gateway(&rt, got, sizeof(got)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_every_octet),
		cmocka_unit_test(test_ipv6_and_no_gateway),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
