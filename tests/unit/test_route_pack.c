// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * route_pack: every route packed comes back as it went in, in order, of
 * both families, with and without a gateway, with any metric; and an IPv4
 * route through a gateway takes 14 bytes (what scrape's memory at 100,000
 * routes rests on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "scrape/route_pack.h"
#include "scrape/scrape.h"

static void route_of(unsigned int k, struct xw_scrape_route *rt)
{
	size_t alen, b;

	memset(rt, 0, sizeof(*rt));
	rt->family = k % 3 ? AF_INET : AF_INET6;
	rt->has_gateway = k % 2;
	rt->prefix_len = (uint8_t)(k % (rt->family == AF_INET ? 33 : 129));
	rt->metric = k * 2654435761u;
	alen = rt->family == AF_INET ? 4 : 16;
	for (b = 0; b < alen; b++) {
		rt->dst[b] = (uint8_t)(k * 7 + b);
		if (rt->has_gateway)
			rt->gateway[b] = (uint8_t)(k * 13 + b * 3);
	}
}

static void test_round_trip(void **state)
{
	struct xw_route_pack *p = calloc(1, sizeof(*p));
	struct xw_scrape_route want, got;
	unsigned int k, n = 5000;
	size_t pos = 0;

	(void)state;
	assert_false(xw_route_pack_next(p, &pos, &got));
	for (k = 0; k < n; k++) {
		route_of(k, &want);
		assert_int_equal(xw_route_pack_add(p, &want), 0);
	}
	assert_int_equal(p->n, n);
	for (k = 0; k < n; k++) {
		route_of(k, &want);
		assert_true(xw_route_pack_next(p, &pos, &got));
		assert_memory_equal(&got, &want, sizeof(want));
	}
	assert_false(xw_route_pack_next(p, &pos, &got));
	assert_int_equal(pos, p->len);
	xw_route_pack_free(p);
	xw_route_pack_free(NULL);
	assert_false(xw_route_pack_next(NULL, &pos, &got));
}

static void test_ipv4_size(void **state)
{
	struct xw_route_pack *p = calloc(1, sizeof(*p));
	struct xw_scrape_route rt = { .family = AF_INET, .has_gateway = true };
	int k;

	(void)state;
	for (k = 0; k < 1000; k++)
		assert_int_equal(xw_route_pack_add(p, &rt), 0);
	assert_int_equal(p->len, 14 * 1000);
	xw_route_pack_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_ipv4_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
