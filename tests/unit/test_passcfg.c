// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pass-port configuration written into a program's .rodata.  The
 * install engine compares it byte for byte with a pinned program's to tell
 * "already installed" from "replace", so equal sets must give equal bytes.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "install/passcfg.h"

static const char elf_a[] = "\177ELF object a";
static const char elf_b[] = "\177ELF object b";

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Host-order ports of cfg must be exactly want[0..n-1]. */
static void assert_ports(const struct xw_pass_cfg *cfg, const uint16_t *want,
			 size_t n)
{
	size_t i;

	assert_int_equal(cfg->n_ports, n);
	for (i = 0; i < n; i++)
		assert_int_equal(ntohs(cfg->ports[i]), want[i]);
	/* Unused slots stay zero: they are part of the compared bytes. */
	for (; i < XW_MAX_PASS_PORTS; i++)
		assert_int_equal(cfg->ports[i], 0);
	assert_int_equal(cfg->pad, 0);
}

static void test_empty_means_ssh(void **state)
{
	static const uint16_t want[] = { XW_DEFAULT_PASS_PORT };
	struct xw_pass_cfg cfg;

	(void)state;
	assert_int_equal(XW_DEFAULT_PASS_PORT, 22);
	memset(&cfg, 0xa5, sizeof(cfg));
	xw_pass_cfg_fill(&cfg, NULL, 0, elf_a, sizeof(elf_a));
	assert_ports(&cfg, want, N(want));
}

static void test_sorted_dedup(void **state)
{
	static const uint16_t in[] = { 2222, 22, 2222 };
	static const uint16_t want[] = { 22, 2222 };
	static const uint16_t in2[] = { 65535, 1, 443, 1, 80, 65535, 443 };
	static const uint16_t want2[] = { 1, 80, 443, 65535 };
	struct xw_pass_cfg cfg;

	(void)state;
	xw_pass_cfg_fill(&cfg, in, N(in), elf_a, sizeof(elf_a));
	assert_ports(&cfg, want, N(want));
	xw_pass_cfg_fill(&cfg, in2, N(in2), elf_a, sizeof(elf_a));
	assert_ports(&cfg, want2, N(want2));
}

/* Sorting is numeric: a signed or byte-wise compare would misorder these. */
static void test_sort_numeric(void **state)
{
	static const uint16_t in[] = { 40000, 256, 255, 32768, 32767, 1 };
	static const uint16_t want[] = { 1, 255, 256, 32767, 32768, 40000 };
	struct xw_pass_cfg cfg;

	(void)state;
	xw_pass_cfg_fill(&cfg, in, N(in), elf_a, sizeof(elf_a));
	assert_ports(&cfg, want, N(want));
}

/* The program compares against tcphdr->dest: network byte order. */
static void test_network_order(void **state)
{
	static const uint16_t in[] = { 0x1234 };
	struct xw_pass_cfg cfg;
	const uint8_t *b = (const uint8_t *)&cfg.ports[0];

	(void)state;
	xw_pass_cfg_fill(&cfg, in, N(in), elf_a, sizeof(elf_a));
	assert_int_equal(b[0], 0x12);
	assert_int_equal(b[1], 0x34);
	assert_int_equal(cfg.ports[0], htons(0x1234));
}

static void test_capped(void **state)
{
	uint16_t in[XW_MAX_PASS_PORTS + 4];
	uint16_t want[XW_MAX_PASS_PORTS];
	struct xw_pass_cfg cfg;
	size_t i;

	(void)state;
	/* Descending, so the cap visibly keeps the first ones given. */
	for (i = 0; i < N(in); i++)
		in[i] = (uint16_t)(1000 - i);
	for (i = 0; i < XW_MAX_PASS_PORTS; i++)
		want[i] = (uint16_t)(1000 - (XW_MAX_PASS_PORTS - 1) + i);
	xw_pass_cfg_fill(&cfg, in, N(in), elf_a, sizeof(elf_a));
	assert_ports(&cfg, want, XW_MAX_PASS_PORTS);

	/* Exactly the maximum fits whole. */
	xw_pass_cfg_fill(&cfg, in, XW_MAX_PASS_PORTS, elf_a, sizeof(elf_a));
	assert_ports(&cfg, want, XW_MAX_PASS_PORTS);
}

static void test_object_hash(void **state)
{
	struct xw_pass_cfg a, a2, b;

	(void)state;
	xw_pass_cfg_fill(&a, NULL, 0, elf_a, sizeof(elf_a));
	xw_pass_cfg_fill(&a2, NULL, 0, elf_a, sizeof(elf_a));
	xw_pass_cfg_fill(&b, NULL, 0, elf_b, sizeof(elf_b));
	assert_int_equal(a.object_hash, a2.object_hash);
	assert_int_not_equal(a.object_hash, b.object_hash);
	assert_int_equal(a.object_hash, xw_hash64(elf_a, sizeof(elf_a)));
	/* A prefix is another object. */
	assert_int_not_equal(xw_hash64(elf_a, sizeof(elf_a) - 1),
			     a.object_hash);
}

/* FNV-1a 64 reference values: the hash must not drift between builds. */
static void test_hash_vectors(void **state)
{
	(void)state;
	assert_int_equal(xw_hash64("", 0), 0xcbf29ce484222325ULL);
	assert_int_equal(xw_hash64("a", 1), 0xaf63dc4c8601ec8cULL);
	assert_int_equal(xw_hash64("foobar", 6), 0x85944171f73967e8ULL);
}

static void test_same_set_same_bytes(void **state)
{
	static const uint16_t x[] = { 8080, 22, 2222, 443 };
	static const uint16_t y[] = { 443, 2222, 8080, 22, 22, 443 };
	static const uint16_t z[] = { 443, 2222, 8080 };
	static const uint16_t ssh[] = { 22 };
	struct xw_pass_cfg cx, cy, cz, empty, only22;

	(void)state;
	/* Garbage first: padding must not leak into the comparison. */
	memset(&cx, 0x11, sizeof(cx));
	memset(&cy, 0x22, sizeof(cy));
	xw_pass_cfg_fill(&cx, x, N(x), elf_a, sizeof(elf_a));
	xw_pass_cfg_fill(&cy, y, N(y), elf_a, sizeof(elf_a));
	assert_memory_equal(&cx, &cy, sizeof(cx));

	xw_pass_cfg_fill(&cz, z, N(z), elf_a, sizeof(elf_a));
	assert_memory_not_equal(&cx, &cz, sizeof(cx));

	/* No ports given and "22" are the same configuration. */
	memset(&empty, 0x33, sizeof(empty));
	xw_pass_cfg_fill(&empty, NULL, 0, elf_a, sizeof(elf_a));
	xw_pass_cfg_fill(&only22, ssh, N(ssh), elf_a, sizeof(elf_a));
	assert_memory_equal(&empty, &only22, sizeof(empty));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_means_ssh),
		cmocka_unit_test(test_sorted_dedup),
		cmocka_unit_test(test_sort_numeric),
		cmocka_unit_test(test_network_order),
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_object_hash),
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_same_set_same_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
