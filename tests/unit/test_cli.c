// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Command lines: the strict argv pre-scan that refuses what getopt would
 * quietly guess at (abbreviations, missing values, stray arguments), and
 * the shared target/output options as argp parses them.  A small
 * subcommand of the test's own carries the shared children; another,
 * declared by a table (command.h), the repeatable typed options.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "cli/cli.h"
#include "cli/command.h"
#include "core/exit.h"
#include "core/parse.h"
#include "core/report.h"

/* A subcommand of our own: one flag, one option with a value. */
enum { KEY_FLAG = XW_KEY_CMD_BASE, KEY_LEVEL = 'l' };

struct test_opts {
	struct xw_common_opts common;
	bool flag;
	uint32_t level;
};

static const struct argp_option options[] = {
	{ "flag", KEY_FLAG, NULL, 0, "A flag", 0 },
	{ "level", KEY_LEVEL, "N", 0, "A value", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct test_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		xw_common_init_children(state, &o->common);
		return 0;
	case KEY_FLAG:
		o->flag = true;
		return 0;
	case KEY_LEVEL:
		return xw_parse_u32(arg, 0, 9, &o->level) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child children[] = { XW_COMMON_CHILDREN, { 0 } };
static const struct argp test_argp = {
	.options = options,
	.parser = parse_opt,
	.children = children,
};

#define MAX_ARGS 16

struct run {
	struct xw_ctx ctx;
	struct test_opts o;
	char *argv[MAX_ARGS + 2];
	int argc;
	int ret;
};

/* NULL-terminated args after the program name; argp may permute argv. */
static void set_args(struct run *r, const char *const *args)
{
	r->argc = 0;
	r->argv[r->argc++] = (char *)"xdpwire-test";
	while (*args && r->argc <= MAX_ARGS)
		r->argv[r->argc++] = (char *)*args++;
	r->argv[r->argc] = NULL;
	assert_int_equal(xw_ctx_init(&r->ctx, "test"), 0);
	memset(&r->o, 0, sizeof(r->o));
	xw_common_defaults(&r->o.common, &r->ctx);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int check(struct run *r, const char *const *args)
{
	set_args(r, args);
	r->ret = xw_argv_check(&r->ctx, &test_argp, r->argc, r->argv);
	return r->ret;
}

static void expect_ok(const char *const *args, bool json)
{
	struct run r;

	if (check(&r, args))
		fail_msg("refused: %s: %s", r.ctx.fail.object, r.ctx.fail.what);
	assert_false(xw_failed(&r.ctx));
	assert_int_equal(r.ctx.json, json);
	xw_ctx_free(&r.ctx);
}

/* Refused with a usage failure that names object and says why. */
static void expect_refused(const char *const *args, const char *object,
			   const char *what, bool json)
{
	struct run r;

	assert_int_equal(check(&r, args), -EINVAL);
	assert_int_equal(r.ctx.fail.exit_code, XW_EXIT_USAGE);
	assert_string_equal(r.ctx.fail.object, object);
	if (!strstr(r.ctx.fail.what, what))
		fail_msg("'%s' lacks '%s'", r.ctx.fail.what, what);
	assert_int_equal(r.ctx.json, json);
	xw_ctx_free(&r.ctx);
}

static void test_scan_exact_names(void **state)
{
	(void)state;
	expect_ok(ARGS("--device", "eth0", "--flag", "--level", "3"), false);
	expect_ok(ARGS("--device-idx=4", "--level=3", "--bpffs", "/x"), false);
	expect_ok(ARGS("--netns", "/run/netns/a", "--json"), true);
	expect_ok(ARGS("-l", "3", "-l3", "--verbose", "--quiet"), false);
	/* A value that looks like an option is still the value. */
	expect_ok(ARGS("--device", "-j"), false);
	expect_ok(ARGS("--help"), false);
	expect_ok(ARGS("--"), false);
}

static void test_scan_abbreviations(void **state)
{
	(void)state;
	expect_refused(ARGS("--dev", "eth0"), "--dev", "unknown option", false);
	expect_refused(ARGS("--lev", "3"), "--lev", "did you mean --level?",
		       false);
	expect_refused(ARGS("--fl"), "--fl", "did you mean --flag?", false);
	expect_refused(ARGS("--js"), "--js", "did you mean --json?", false);
	expect_refused(ARGS("--device-idx-x", "1"), "--device-idx-x",
		       "unknown option", false);
}

static void test_scan_values(void **state)
{
	(void)state;
	expect_refused(ARGS("--flag", "--level"), "--level",
		       "needs a value (N)", false);
	expect_refused(ARGS("--device"), "--device", "needs a value (NAME)",
		       false);
	expect_refused(ARGS("-l"), "-l", "needs a value (N)", false);
	expect_refused(ARGS("-jl"), "-l", "needs a value", true);
	expect_refused(ARGS("--json=x"), "--json", "takes no value", true);
	expect_refused(ARGS("--flag=1"), "--flag", "takes no value", false);
}

static void test_scan_short(void **state)
{
	(void)state;
	expect_ok(ARGS("-jq"), true);
	expect_ok(ARGS("-vvq"), false);
	expect_ok(ARGS("-jl", "3"), true);
	/* The rest of a cluster after an option with a value is that value. */
	expect_ok(ARGS("-lj"), false);
	expect_refused(ARGS("-x"), "-x", "unknown option", false);
	expect_refused(ARGS("-jx"), "-x", "unknown option", true);
}

static void test_scan_positionals(void **state)
{
	(void)state;
	expect_refused(ARGS("--flag", "stray"), "stray", "unexpected argument",
		       false);
	expect_refused(ARGS("-"), "-", "unexpected argument", false);
	expect_refused(ARGS("--", "eth0"), "eth0", "unexpected argument",
		       false);
	/* After "--" a "-j" is an argument, not the option. */
	expect_refused(ARGS("--", "-j"), "-j", "unexpected argument", false);
}

/* Whatever failed, -j anywhere makes the answer a JSON document. */
static void test_scan_json_anywhere(void **state)
{
	(void)state;
	expect_refused(ARGS("--bogus", "-j"), "--bogus", "unknown option",
		       true);
	expect_refused(ARGS("stray", "--json"), "stray", "unexpected", true);
	expect_refused(ARGS("--dev", "x", "-qj"), "--dev", "unknown", true);
}

/* The first problem is the one reported. */
static void test_scan_first_problem(void **state)
{
	(void)state;
	expect_refused(ARGS("-x", "--bogus", "stray"), "-x", "unknown option",
		       false);
}

static int parse(struct run *r, const char *const *args)
{
	set_args(r, args);
	r->ret = argp_parse(&test_argp, r->argc, r->argv,
			    XW_ARGP_FLAGS | ARGP_NO_EXIT | ARGP_NO_ERRS, NULL,
			    &r->o);
	return r->ret;
}

static void expect_parse_fail(const char *const *args, int exit_code,
			      const char *object, const char *what)
{
	struct run r;

	assert_int_equal(parse(&r, args), EINVAL);
	assert_int_equal(r.ctx.fail.exit_code, exit_code);
	assert_string_equal(r.ctx.fail.object, object);
	if (!strstr(r.ctx.fail.what, what))
		fail_msg("'%s' lacks '%s'", r.ctx.fail.what, what);
	xw_ctx_free(&r.ctx);
}

static void test_argp_common(void **state)
{
	struct run r;

	(void)state;
	unsetenv("XDPWIRE_BPFFS");
	assert_int_equal(parse(&r, ARGS("--device", "eth0.100", "-jq", "-vv",
					"--netns", "/run/netns/a", "--flag",
					"--level", "7")),
			 0);
	assert_false(xw_failed(&r.ctx));
	assert_string_equal(r.o.common.device, "eth0.100");
	assert_int_equal(r.o.common.devices_given, 1);
	assert_string_equal(r.o.common.netns, "/run/netns/a");
	assert_string_equal(r.o.common.bpffs, XW_DEFAULT_BPFFS);
	assert_true(r.ctx.json && r.ctx.quiet);
	assert_int_equal(r.ctx.verbose, 2);
	assert_true(r.o.flag);
	assert_int_equal(r.o.level, 7);
	xw_ctx_free(&r.ctx);

	setenv("XDPWIRE_BPFFS", "/env/bpffs", 1);
	assert_int_equal(parse(&r, ARGS("--device-idx", "2147483647")), 0);
	assert_string_equal(r.o.common.bpffs, "/env/bpffs");
	assert_int_equal(r.o.common.device_idx, INT32_MAX);
	assert_null(r.o.common.device);
	xw_ctx_free(&r.ctx);
	assert_int_equal(parse(&r, ARGS("--bpffs", "/opt/bpf")), 0);
	assert_string_equal(r.o.common.bpffs, "/opt/bpf");
	xw_ctx_free(&r.ctx);
	unsetenv("XDPWIRE_BPFFS");
}

static void test_argp_device_twice(void **state)
{
	(void)state;
	expect_parse_fail(ARGS("--device", "eth0", "--device", "eth1"),
			  XW_EXIT_USAGE, "--device", "device specified twice");
	expect_parse_fail(ARGS("--device", "eth0", "--device-idx", "2"),
			  XW_EXIT_USAGE, "--device", "device specified twice");
	/* Twice is twice even when the first one was the same. */
	expect_parse_fail(ARGS("--device-idx", "2", "--device-idx", "2"),
			  XW_EXIT_USAGE, "--device", "device specified twice");
}

static void test_argp_bad_values(void **state)
{
	(void)state;
	expect_parse_fail(ARGS("--device", "a/b"), XW_EXIT_DATAERR, "--device",
			  "'a/b' is not a valid device name: contains '/'");
	expect_parse_fail(ARGS("--device", "abcdefghijklmnop"), XW_EXIT_DATAERR,
			  "--device", "longer than 15 bytes");
	expect_parse_fail(ARGS("--device", ""), XW_EXIT_DATAERR, "--device",
			  "empty");
	expect_parse_fail(ARGS("--device-idx", "0"), XW_EXIT_DATAERR,
			  "--device-idx", "not an interface index");
	expect_parse_fail(ARGS("--device-idx", "2147483648"), XW_EXIT_DATAERR,
			  "--device-idx", "not an interface index");
	expect_parse_fail(ARGS("--device-idx", "eth0"), XW_EXIT_DATAERR,
			  "--device-idx", "not an interface index");
	expect_parse_fail(ARGS("--bpffs", ""), XW_EXIT_DATAERR, "--bpffs",
			  "empty path");
}

/* -p is -j, indented; either spelling, found by the pre-scan too. */
static void test_pretty(void **state)
{
	struct run r;

	(void)state;
	assert_int_equal(parse(&r, ARGS("-p")), 0);
	assert_true(r.ctx.json && r.ctx.pretty);
	xw_ctx_free(&r.ctx);
	assert_int_equal(parse(&r, ARGS("--json")), 0);
	assert_true(r.ctx.json && !r.ctx.pretty);
	xw_ctx_free(&r.ctx);
	assert_int_equal(check(&r, ARGS("--pretty", "--flag")), 0);
	assert_true(r.ctx.json && r.ctx.pretty);
	xw_ctx_free(&r.ctx);
	expect_refused(ARGS("--bogus", "-vp"), "--bogus", "unknown option",
		       true);
}

/* A command without --bpffs and -q, as scrape and status are. */
static const struct argp_child narrow_children[] = {
	XW_CHILDREN(xw_target_nopins_argp, xw_output_noquiet_argp),
	{ 0 }
};
static const struct argp narrow_argp = {
	.options = options,
	.parser = parse_opt,
	.children = narrow_children,
};

static void expect_narrow(const char *const *args, const char *object,
			  const char *what)
{
	struct run r;

	set_args(&r, args);
	assert_int_equal(xw_argv_check(&r.ctx, &narrow_argp, r.argc, r.argv),
			 what ? -EINVAL : 0);
	if (what) {
		assert_int_equal(r.ctx.fail.exit_code, XW_EXIT_USAGE);
		assert_string_equal(r.ctx.fail.object, object);
		assert_string_equal(r.ctx.fail.what, what);
	}
	xw_ctx_free(&r.ctx);
}

static void test_inapplicable(void **state)
{
	(void)state;
	expect_narrow(ARGS("--device", "eth0", "-jv", "--netns", "/x"), NULL,
		      NULL);
	expect_narrow(ARGS("-h"), NULL, NULL);
	expect_narrow(ARGS("--bpffs", "/x"), "--bpffs",
		      "does not apply to test (see --help)");
	expect_narrow(ARGS("-jq"), "-q", "does not apply to test (see --help)");
	expect_narrow(ARGS("--quiet"), "--quiet",
		      "does not apply to test (see --help)");
	expect_narrow(ARGS("--bpf"), "--bpf", "unknown option (see --help)");
	expect_narrow(ARGS("-x"), "-x", "unknown option (see --help)");
}

/* A declared command of the test's own: repeatable addresses and ports. */
struct table_opts {
	struct xw_common_opts common;
	struct xw_ip addrs[XW_MAX_SANDBOX_ADDRS];
	size_t n_addrs;
	uint16_t ports[XW_MAX_PASS_PORTS];
	size_t n_ports;
};

static const struct xw_option table_options[] = {
	XW_OPTION("address", XW_OPT_ADDRS, struct table_opts, addrs,
		  .metavar = "ADDR", .help = "An address",
		  .given = offsetof(struct table_opts, n_addrs)),
	XW_OPTION("pass-port", XW_OPT_PORTS, struct table_opts, ports,
		  .metavar = "PORT", .help = "A port",
		  .given = offsetof(struct table_opts, n_ports)),
	{ 0 }
};

static const struct table_opts table_defaults;
static const struct xw_cmd table_cmd = {
	.name = "test",
	.options = table_options,
	.opts_size = sizeof(struct table_opts),
	.defaults = &table_defaults,
};

struct table_run {
	struct xw_ctx ctx;
	struct table_opts o;
	struct xw_cmd_argp a;
	char *argv[XW_MAX_SANDBOX_ADDRS * 2 + 8];
	int argc;
};

/* Parses args (NULL-terminated, may repeat up to argv's room). */
static int table_parse(struct table_run *r, const char *const *args)
{
	r->argc = 0;
	r->argv[r->argc++] = (char *)"xdpwire-test";
	while (*args &&
	       r->argc < (int)(sizeof(r->argv) / sizeof(r->argv[0])) - 1)
		r->argv[r->argc++] = (char *)*args++;
	r->argv[r->argc] = NULL;
	assert_int_equal(xw_ctx_init(&r->ctx, "test"), 0);
	memcpy(&r->o, &table_defaults, sizeof(r->o));
	xw_common_defaults(&r->o.common, &r->ctx);
	xw_cmd_argp_build(&r->a, &table_cmd, &r->o);
	return argp_parse(&r->a.argp, r->argc, r->argv,
			  XW_ARGP_FLAGS | ARGP_NO_EXIT | ARGP_NO_ERRS, NULL,
			  &r->a);
}

static void expect_addrs(const struct table_run *r, const char *const *want)
{
	char buf[XW_IP_STRLEN];
	size_t k;

	for (k = 0; want[k]; k++) {
		if (k >= r->o.n_addrs)
			fail_msg("%zu addresses, want %s too", r->o.n_addrs,
				 want[k]);
		assert_string_equal(xw_ip_str(&r->o.addrs[k], buf), want[k]);
	}
	assert_int_equal(r->o.n_addrs, k);
}

static void test_addrs_appended(void **state)
{
	struct table_run r;

	(void)state;
	assert_int_equal(table_parse(&r,
				     ARGS("--address", "10.80.1.1",
					  "--address=fd80::1:1", "--pass-port",
					  "22", "--address", "FE80::1")),
			 0);
	assert_false(xw_failed(&r.ctx));
	/* In the order given; a port between them is its own list. */
	expect_addrs(&r, ARGS("10.80.1.1", "fd80::1:1", "fe80::1"));
	assert_int_equal(r.o.addrs[0].family, AF_INET);
	assert_int_equal(r.o.n_ports, 1);
	xw_ctx_free(&r.ctx);

	assert_int_equal(table_parse(&r, ARGS("--pass-port", "22")), 0);
	assert_int_equal(r.o.n_addrs, 0);
	xw_ctx_free(&r.ctx);
}

/* The same address twice, however written, is one. */
static void test_addrs_repeats_dropped(void **state)
{
	struct table_run r;

	(void)state;
	assert_int_equal(table_parse(&r,
				     ARGS("--address", "fd80::1", "--address",
					  "10.0.0.1", "--address", "FD80:0::1",
					  "--address", "10.0.0.1", "--address",
					  "fd80:0:0:0:0:0:0:1")),
			 0);
	assert_false(xw_failed(&r.ctx));
	expect_addrs(&r, ARGS("fd80::1", "10.0.0.1"));
	xw_ctx_free(&r.ctx);
}

static void expect_table_fail(const char *const *args, int exit_code,
			      const char *object, const char *what)
{
	struct table_run r;

	assert_int_equal(table_parse(&r, args), EINVAL);
	assert_int_equal(r.ctx.fail.exit_code, exit_code);
	assert_string_equal(r.ctx.fail.object, object);
	if (strcmp(r.ctx.fail.what, what))
		fail_msg("'%s', want '%s'", r.ctx.fail.what, what);
	xw_ctx_free(&r.ctx);
}

/* Not an address: the option parser's usual line, exit 65 as a bad port. */
static void test_addrs_bad_values(void **state)
{
	(void)state;
	expect_table_fail(
		ARGS("--address", "10.0.0.1/24"), XW_EXIT_DATAERR, "--address",
		"'10.0.0.1/24' is not an IPv4 or IPv6 address (no prefix)");
	expect_table_fail(ARGS("--address", ""), XW_EXIT_DATAERR, "--address",
			  "'' is not an IPv4 or IPv6 address (no prefix)");
	expect_table_fail(
		ARGS("--address", "10.0.0.1", "--address", "host.example"),
		XW_EXIT_DATAERR, "--address",
		"'host.example' is not an IPv4 or IPv6 address (no prefix)");
	expect_table_fail(ARGS("--pass-port", "0"), XW_EXIT_DATAERR,
			  "--pass-port", "'0' is not a TCP port (1-65535)");
}

/* A refused class says which, with the address as given. */
static void test_addrs_refused_classes(void **state)
{
	(void)state;
	expect_table_fail(ARGS("--address", "127.0.0.1"), XW_EXIT_DATAERR,
			  "--address 127.0.0.1",
			  "loopback: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "0.0.0.0"), XW_EXIT_DATAERR,
			  "--address 0.0.0.0",
			  "unspecified: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "224.0.0.251"), XW_EXIT_DATAERR,
			  "--address 224.0.0.251",
			  "multicast: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "255.255.255.255"), XW_EXIT_DATAERR,
			  "--address 255.255.255.255",
			  "broadcast: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "::"), XW_EXIT_DATAERR,
			  "--address ::",
			  "unspecified: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "::1"), XW_EXIT_DATAERR,
			  "--address ::1", "loopback: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "ff02::1:ff00:5"), XW_EXIT_DATAERR,
			  "--address ff02::1:ff00:5",
			  "multicast: a sandbox cannot own it");
	expect_table_fail(ARGS("--address", "::FFFF:10.0.0.1"), XW_EXIT_DATAERR,
			  "--address ::FFFF:10.0.0.1",
			  "IPv4-mapped IPv6: a sandbox cannot own it");
}

/* Up to XW_MAX_SANDBOX_ADDRS distinct ones; one more is a usage error. */
static void test_addrs_limit(void **state)
{
	static char text[XW_MAX_SANDBOX_ADDRS + 1][24];
	const char *args[2 * (XW_MAX_SANDBOX_ADDRS + 1) + 3];
	struct table_run r;
	size_t k, n = 0;

	(void)state;
	for (k = 0; k <= XW_MAX_SANDBOX_ADDRS; k++) {
		snprintf(text[k], sizeof(text[k]), "10.0.1.%zu", k + 1);
		args[n++] = "--address";
		args[n++] = text[k];
	}
	/* A repeat of the first does not count against the limit. */
	args[n - 2] = "--address";
	args[n - 1] = text[0];
	args[n] = NULL;
	assert_int_equal(table_parse(&r, args), 0);
	assert_int_equal(r.o.n_addrs, XW_MAX_SANDBOX_ADDRS);
	xw_ctx_free(&r.ctx);

	args[n - 1] = text[XW_MAX_SANDBOX_ADDRS];
	expect_table_fail(args, XW_EXIT_USAGE, "--address",
			  "at most 32 addresses per sandbox");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_exact_names),
		cmocka_unit_test(test_scan_abbreviations),
		cmocka_unit_test(test_scan_values),
		cmocka_unit_test(test_scan_short),
		cmocka_unit_test(test_scan_positionals),
		cmocka_unit_test(test_scan_json_anywhere),
		cmocka_unit_test(test_scan_first_problem),
		cmocka_unit_test(test_argp_common),
		cmocka_unit_test(test_argp_device_twice),
		cmocka_unit_test(test_argp_bad_values),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_inapplicable),
		cmocka_unit_test(test_addrs_appended),
		cmocka_unit_test(test_addrs_repeats_dropped),
		cmocka_unit_test(test_addrs_bad_values),
		cmocka_unit_test(test_addrs_refused_classes),
		cmocka_unit_test(test_addrs_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
