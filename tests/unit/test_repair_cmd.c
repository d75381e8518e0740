// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The repair command status prints under an unhealthy install: which
 * command for which judgement, only the options that are not defaults, and
 * every word quoted so that a shell runs exactly it, whatever bytes a
 * device name or a bpffs path holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "xw_test.h"

#include "inspect/health.h"
#include "inspect/repair_cmd.h"

static const char *command(const char *bpffs, const char *netns,
			   const char *prefix, const char *device,
			   enum xw_health h, enum xw_gc_action repair)
{
	static char buf[512];
	const struct xw_repair_scope scope = { bpffs, netns, prefix };
	struct xw_found_install in;
	struct xw_found_dir d;

	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	snprintf(d.device, sizeof(d.device), "%s", device);
	d.checked = true;
	in.health = h;
	in.repair = repair;
	in.pins[0].obj.fd = in.pins[1].obj.fd = -1;
	if (!xw_repair_command(&scope, &d, &in, buf, sizeof(buf)))
		return NULL;
	return buf;
}

static void test_by_judgement(void **state)
{
	(void)state;
	assert_null(command("/sys/fs/bpf", NULL, "", "eth0", XW_HEALTH_OK,
			    XW_GC_NONE));
	assert_string_equal(command("/sys/fs/bpf", NULL, "", "eth0",
				    XW_HEALTH_BROKEN, XW_GC_REPIN),
			    "xdpwire pin-gc --repair --device eth0");
	assert_string_equal(command("/sys/fs/bpf", NULL, "", "eth0",
				    XW_HEALTH_STALE, XW_GC_REATTACH),
			    "xdpwire pin-gc --repair --device eth0");
	assert_string_equal(command("/sys/fs/bpf", NULL, "", "eth0",
				    XW_HEALTH_STALE, XW_GC_REMOVE),
			    "xdpwire pin-gc --device eth0");
	/* A person's: no command pretends to fix it. */
	assert_null(command("/sys/fs/bpf", NULL, "", "eth0", XW_HEALTH_BROKEN,
			    XW_GC_LEAVE));
}

static void test_quoting(void **state)
{
	(void)state;
	assert_string_equal(
		command("/tmp/my bpffs", NULL, "", "a'b$c", XW_HEALTH_STALE,
			XW_GC_REMOVE),
		"xdpwire pin-gc --bpffs '/tmp/my bpffs' --device 'a'\\''b$c'");
	assert_string_equal(command("/run/xw/bpf", NULL, "", "eth0:100",
				    XW_HEALTH_STALE, XW_GC_REMOVE),
			    "xdpwire pin-gc --bpffs /run/xw/bpf --device eth0:100");
	assert_string_equal(command("/sys/fs/bpf", NULL, "", "v;rm -rf",
				    XW_HEALTH_STALE, XW_GC_REMOVE),
			    "xdpwire pin-gc --device 'v;rm -rf'");
}

static void test_netns(void **state)
{
	char prefix[32];
	struct stat st;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	snprintf(prefix, sizeof(prefix), "netns:%llu",
		 (unsigned long long)st.st_ino);
	assert_string_equal(
		command("/sys/fs/bpf", "/proc/self/ns/net", prefix, "sv0",
			XW_HEALTH_BROKEN, XW_GC_REPIN),
		"xdpwire pin-gc --repair --netns /proc/self/ns/net --device sv0");
	/* Another namespace than --netns's, with no name: no guessed path. */
	assert_null(command("/sys/fs/bpf", "/proc/self/ns/net", "netns:1",
			    "sv0", XW_HEALTH_BROKEN, XW_GC_REPIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_judgement),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
