// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Device names on their way into pin paths: the validity check, the
 * name <-> bpffs directory mapping, the truncation-refusing path builder and
 * the namespace prefix that keeps a sandbox's eth0 apart from the host's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "xw_test.h"

#include "core/exit.h"
#include "core/path.h"
#include "core/report.h"
#include "net/ifname.h"
#include "net/netns.h"

static void assert_valid(const char *name)
{
	const char *why = xw_ifname_problem(name);

	if (why)
		fail_msg("'%s' refused: %s", name, why);
}

static void assert_invalid(const char *name, const char *why)
{
	const char *got = xw_ifname_problem(name);

	if (!got)
		fail_msg("'%s' accepted", name ? name : "(null)");
	assert_string_equal(got, why);
}

static void test_ifname_empty(void **state)
{
	(void)state;
	assert_invalid("", "empty");
	assert_invalid(NULL, "empty");
}

/* IFNAMSIZ is 16 including the NUL: 15 bytes fit, 16 do not. */
static void test_ifname_length(void **state)
{
	(void)state;
	assert_valid("a");
	assert_valid("abcdefghijklmno");
	assert_invalid("abcdefghijklmnop", "longer than 15 bytes");
	assert_invalid("abcdefghijklmnopqrstuvwxyz", "longer than 15 bytes");
}

static void test_ifname_dots(void **state)
{
	(void)state;
	assert_invalid(".", "'.' and '..' are not device names");
	assert_invalid("..", "'.' and '..' are not device names");
	/* Only the two directory names are special to the kernel. */
	assert_valid("...");
	assert_valid(".a");
	assert_valid("a.");
}

static void test_ifname_forbidden_bytes(void **state)
{
	(void)state;
	assert_invalid("a/b", "contains '/'");
	assert_invalid("/", "contains '/'");
	assert_invalid("a:b", "contains ':'");
	assert_invalid("eth0:1", "contains ':'");
	assert_invalid("a b", "contains white space");
	assert_invalid(" a", "contains white space");
	assert_invalid("a\t", "contains white space");
	assert_invalid("a\nb", "contains white space");
	assert_invalid("a\vb", "contains white space");
	assert_invalid("a\fb", "contains white space");
	assert_invalid("a\rb", "contains white space");
}

static void test_ifname_valid(void **state)
{
	(void)state;
	assert_valid("eth0");
	assert_valid("eth0.100");
	assert_valid("v-1_x");
	assert_valid("lo");
	assert_valid("br-0123456789ab");
	assert_valid("eth%d");
	/* Any byte but '/', ':' and white space will do: UTF-8 too. */
	assert_valid("\xc3\xa9th0");
	assert_valid("\xff\x80");
}

/*
 * The kernel's isspace() (lib/ctype.c) counts 0xa0 as white space, so
 * dev_valid_name() refuses a name holding that byte ("ip link add
 * $'a\xa0b' type veth" gets EINVAL).  glibc's isspace() in the C locale
 * does not; a check "against the kernel's own rules" must still refuse it.
 * 0x85 (NEL) is a control character to the kernel, not white space.
 */
static void test_ifname_kernel_white_space(void **state)
{
	(void)state;
	assert_invalid("a\240b", "contains white space");
	assert_valid("a\205b");
}

static void test_dirname_maps_dots(void **state)
{
	char dir[IFNAMSIZ], name[IFNAMSIZ];

	(void)state;
	xw_ifname_to_dirname("eth0.100", dir);
	assert_string_equal(dir, "eth0:100");
	assert_int_equal(xw_dirname_to_ifname("eth0:100", name), 0);
	assert_string_equal(name, "eth0.100");

	xw_ifname_to_dirname("eth0", dir);
	assert_string_equal(dir, "eth0");
	xw_ifname_to_dirname("a.b.c.d.e.f.g.h", dir);
	assert_string_equal(dir, "a:b:c:d:e:f:g:h");
	xw_ifname_to_dirname("...", dir);
	assert_string_equal(dir, ":::");
}

static void test_dirname_rejects(void **state)
{
	char name[IFNAMSIZ];

	(void)state;
	/* A '.' never comes out of the mapping: such a dir is not ours. */
	assert_int_equal(xw_dirname_to_ifname("eth0.100", name), -EINVAL);
	assert_int_equal(xw_dirname_to_ifname(".", name), -EINVAL);
	/* ':' and '::' would map back to '.' and '..'. */
	assert_int_equal(xw_dirname_to_ifname(":", name), -EINVAL);
	assert_int_equal(xw_dirname_to_ifname("::", name), -EINVAL);
	assert_int_equal(xw_dirname_to_ifname("", name), -EINVAL);
	assert_int_equal(xw_dirname_to_ifname("a b", name), -EINVAL);
	assert_int_equal(xw_dirname_to_ifname("abcdefghijklmnop", name),
			 -EINVAL);
	assert_int_equal(xw_dirname_to_ifname("abcdefghijklmno", name), 0);
	assert_string_equal(name, "abcdefghijklmno");
}

#define ALPHABET "a.:0"
#define MAX_GEN_LEN 5
/* 4 + 16 + 64 + 256 + 1024 strings of length 1..5 over ALPHABET. */
#define MAX_GEN 1364

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Every string of length len over ALPHABET, for index i in 0..4^len-1. */
static void gen_name(char *out, size_t len, unsigned int i)
{
	size_t k;

	for (k = 0; k < len; k++, i /= 4)
		out[k] = ALPHABET[i % 4];
	out[len] = '\0';
}

/*
 * Over every valid name of a generated set the mapping is injective and
 * reversible: distinct devices never share a pin directory.  ':' is in
 * the alphabet so that the set covers the byte the mapping relies on no
 * name containing.
 */
static void test_dirname_injective(void **state)
{
	static char dirs[MAX_GEN][IFNAMSIZ];
	char name[IFNAMSIZ], back[IFNAMSIZ];
	unsigned int i, total, n = 0;
	size_t len;

	(void)state;
	for (len = 1, total = 4; len <= MAX_GEN_LEN; len++, total *= 4) {
		for (i = 0; i < total; i++) {
			gen_name(name, len, i);
			if (xw_ifname_problem(name))
				continue;
			xw_ifname_to_dirname(name, dirs[n]);
			assert_null(strchr(dirs[n], '.'));
			assert_int_equal(strlen(dirs[n]), len);
			assert_int_equal(xw_dirname_to_ifname(dirs[n], back),
					 0);
			assert_string_equal(back, name);
			n++;
		}
	}
	/* Names without ':' (3^k of each length k) but "." and "..". */
	assert_int_equal(n, 3 + 9 + 27 + 81 + 243 - 2);
	qsort(dirs, n, sizeof(dirs[0]), cmp_str);
	for (i = 1; i < n; i++)
		if (!strcmp(dirs[i - 1], dirs[i]))
			fail_msg("two names share directory '%s'", dirs[i]);
}

static void test_path_boundary(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(xw_path(buf, sizeof(buf), "%s", "1234567"), 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(xw_path(buf, sizeof(buf), "%s", "12345678"),
			 -ENAMETOOLONG);
	assert_int_equal(xw_path(buf, sizeof(buf), "%s/%s", "abc", "def"), 0);
	assert_string_equal(buf, "abc/def");
	assert_int_equal(xw_path(buf, sizeof(buf), "%s/%s", "abc", "defg"),
			 -ENAMETOOLONG);
	assert_int_equal(xw_path(buf, 1, "%s", ""), 0);
	assert_int_equal(xw_path(buf, 1, "%s", "a"), -ENAMETOOLONG);
}

/*
 * 0xF0000000, the first dynamically allocated proc inode.  The initial
 * namespaces have fixed inodes just below it (init_net is 0xEFFFFFF9 on
 * 6.18), still ten digits: test_pin_prefix_real_inodes covers those.
 */
#define LOW_NS_INO 4026531840ULL

static void test_pin_prefix(void **state)
{
	struct xw_netns own = { .ino = LOW_NS_INO, .foreign = false };
	struct xw_netns foreign = { .ino = LOW_NS_INO, .foreign = true };
	char buf[64], name[IFNAMSIZ];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xw_netns_pin_prefix(&own, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");

	assert_int_equal(xw_netns_pin_prefix(&foreign, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "netns:4026531840");
	/* 16 bytes: no device directory (15 at most) can be mistaken for it. */
	assert_int_equal(strlen(buf), IFNAMSIZ);
	assert_int_equal(xw_dirname_to_ifname(buf, name), -EINVAL);
	assert_non_null(xw_ifname_problem(buf));

	assert_int_equal(xw_netns_pin_prefix(&foreign, buf, 17), 0);
	assert_int_equal(xw_netns_pin_prefix(&foreign, buf, 16), -ENAMETOOLONG);
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* In a child: a fresh namespace's inode, printed on stdout. */
static int fresh_ino_child(void)
{
	if (unshare(CLONE_NEWNET))
		return 1;
	printf("%llu\n", (unsigned long long)ino_of("/proc/self/ns/net"));
	return fflush(stdout) ? 1 : 0;
}

/* Real namespace inodes, ours and a fresh one, all make long prefixes. */
static void test_pin_prefix_real_inodes(void **state)
{
	struct xw_netns ns = { .foreign = true };
	char buf[64], path[32], out[64];
	int status;

	(void)state;
	ns.ino = ino_of("/proc/self/ns/net");
	assert_int_equal(xw_netns_pin_prefix(&ns, buf, sizeof(buf)), 0);
	assert_true(strlen(buf) >= IFNAMSIZ);

	xw_tmp_path(path);
	status = xw_run_child(fresh_ino_child, path, NULL);
	xw_read_tmp(path, out, sizeof(out));
	xw_assert_exited(status, 0);
	ns.ino = strtoull(out, NULL, 10);
	assert_true(ns.ino != 0);
	assert_int_equal(xw_netns_pin_prefix(&ns, buf, sizeof(buf)), 0);
	assert_true(strlen(buf) >= IFNAMSIZ);
}

/* In a child: leave for a new namespace, then enter the old one by fd. */
static int enter_foreign_child(void)
{
	struct xw_netns ns = { 0 };
	struct xw_ctx ctx;
	char path[64], buf[64], want[64];
	uint64_t orig = ino_of("/proc/self/ns/net");
	int fd = open("/proc/self/ns/net", O_RDONLY);

	if (fd < 0 || xw_ctx_init(&ctx, "test") || unshare(CLONE_NEWNET))
		return 2;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (xw_netns_enter(&ctx, path, &ns))
		return 3;
	if (!ns.foreign || ns.ino != orig)
		return 4;
	if (xw_netns_pin_prefix(&ns, buf, sizeof(buf)))
		return 5;
	snprintf(want, sizeof(want), "netns:%llu", (unsigned long long)orig);
	xw_ctx_free(&ctx);
	return strcmp(buf, want) ? 6 : 0;
}

static void test_netns_self_and_enter(void **state)
{
	struct xw_netns ns = { .foreign = true };
	struct xw_ctx ctx;
	int status;

	(void)state;
	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_int_equal(xw_netns_self(&ctx, &ns), 0);
	assert_false(ns.foreign);
	assert_int_equal(ns.ino, ino_of("/proc/self/ns/net"));
	/* Our own namespace named by path is not foreign: no prefix. */
	ns.foreign = true;
	assert_int_equal(xw_netns_enter(&ctx, "/proc/self/ns/net", &ns), 0);
	assert_false(ns.foreign);
	assert_false(xw_failed(&ctx));

	assert_int_equal(xw_netns_enter(&ctx, "/proc/self/ns/mnt", &ns),
			 -EINVAL);
	assert_int_equal(ctx.fail.exit_code, XW_EXIT_DATAERR);
	assert_string_equal(ctx.fail.what, "not a network namespace");
	xw_ctx_free(&ctx);

	assert_int_equal(xw_ctx_init(&ctx, "test"), 0);
	assert_true(xw_netns_enter(&ctx, "/nonexistent/ns", &ns) < 0);
	assert_int_equal(ctx.fail.exit_code, XW_EXIT_NOINPUT);
	xw_ctx_free(&ctx);

	status = xw_run_child(enter_foreign_child, NULL, NULL);
	xw_assert_exited(status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ifname_empty),
		cmocka_unit_test(test_ifname_length),
		cmocka_unit_test(test_ifname_dots),
		cmocka_unit_test(test_ifname_forbidden_bytes),
		cmocka_unit_test(test_ifname_valid),
		cmocka_unit_test(test_ifname_kernel_white_space),
		cmocka_unit_test(test_dirname_maps_dots),
		cmocka_unit_test(test_dirname_rejects),
		cmocka_unit_test(test_dirname_injective),
		cmocka_unit_test(test_path_boundary),
		cmocka_unit_test(test_pin_prefix),
		cmocka_unit_test(test_pin_prefix_real_inodes),
		cmocka_unit_test(test_netns_self_and_enter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
