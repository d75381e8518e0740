// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The reporter in text mode: failures are recorded (first one wins) and a
 * run ends with exactly one error line on stderr, or the change lines and
 * the summary on stdout (JSON output is in test_report_json.c).  stdout and
 * stderr are captured into temporary files around xw_ctx_finish(), so the
 * test sees the bytes a script would.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/exit.h"
#include "core/report.h"
#include "xw_report_fixture.h"

static void test_fail_first_wins(void **state)
{
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	assert_false(xw_failed(&ctx));
	assert_int_equal(xw_fail(&ctx, XW_EXIT_NOINPUT, ENOENT, "first",
				 "gone %d", 1),
			 -ENOENT);
	assert_true(xw_failed(&ctx));
	/* A rollback's failure returns its own error but changes nothing. */
	assert_int_equal(xw_fail(&ctx, XW_EXIT_OSERR, EIO, "second", "io"),
			 -EIO);
	assert_int_equal(xw_fail_errno(&ctx, EPERM, "third", "perm"), -EPERM);
	assert_int_equal(ctx.fail.exit_code, XW_EXIT_NOINPUT);
	assert_int_equal(ctx.fail.err, ENOENT);
	assert_string_equal(ctx.fail.object, "first");
	assert_string_equal(ctx.fail.what, "gone 1");
	xw_ctx_free(&ctx);

	init(&ctx);
	assert_int_equal(xw_fail(&ctx, XW_EXIT_USAGE, 0, NULL, "bad"), -EINVAL);
	assert_int_equal(ctx.fail.err, 0);
	assert_string_equal(ctx.fail.object, "");
	xw_ctx_free(&ctx);
}

static void check_errno_class(int err, int code)
{
	struct xw_ctx ctx;

	init(&ctx);
	assert_int_equal(xw_fail_errno(&ctx, err, "obj", "what"), -err);
	if (ctx.fail.exit_code != code)
		fail_msg("%s: exit %d, want %d", strerrorname_np(err),
			 ctx.fail.exit_code, code);
	assert_int_equal(ctx.fail.err, err);
	xw_ctx_free(&ctx);
}

static void test_fail_errno_classes(void **state)
{
	(void)state;
	check_errno_class(EPERM, 77);
	check_errno_class(EACCES, 77);
	check_errno_class(ENOENT, 66);
	check_errno_class(ENODEV, 66);
	check_errno_class(EBUSY, 69);
	check_errno_class(EAGAIN, 75);
	check_errno_class(EIO, 71);
	check_errno_class(EINVAL, 71);
	check_errno_class(ENOMEM, 71);
	check_errno_class(ENOSPC, 71);
}

static void test_finish_error_text(void **state)
{
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	xw_change(&ctx,
		  &(struct xw_change){ .action = "pinned", .object = "map" });
	xw_summary(&ctx, "must not show");
	xw_fail(&ctx, XW_EXIT_NOINPUT, ENOENT, "/sys/fs/bpf/eth0",
		"cannot open");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_NOINPUT);
	assert_string_equal(c.err_buf,
			    "xdpwire " CMD ": /sys/fs/bpf/eth0: cannot open: "
			    "No such file or directory\n");
	assert_string_equal(c.out_buf, "");
	xw_ctx_free(&ctx);

	/* No object, no errno: no empty ": " fields. */
	init(&ctx);
	xw_fail(&ctx, XW_EXIT_USAGE, 0, NULL, "no device specified");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_USAGE);
	assert_string_equal(c.err_buf,
			    "xdpwire " CMD ": no device specified\n");
	xw_ctx_free(&ctx);
}

static void test_finish_quiet(void **state)
{
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	ctx.quiet = true;
	add_changes(&ctx);
	xw_summary(&ctx, "installed");
	assert_int_equal(finish(&ctx, &c), 0);
	assert_string_equal(c.out_buf, "");
	assert_string_equal(c.err_buf, "");
	/* Errors are always printed. */
	xw_fail(&ctx, XW_EXIT_UNAVAILABLE, EBUSY, "eth0", "busy");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_UNAVAILABLE);
	assert_int_equal(xw_count_lines(c.err_buf), 1);
	assert_string_equal(c.out_buf, "");
	xw_ctx_free(&ctx);
}

static void test_finish_text(void **state)
{
	struct xw_capture c;
	struct xw_ctx ctx;
	size_t mark;

	(void)state;
	init(&ctx);
	add_changes(&ctx);
	mark = xw_change_mark(&ctx);
	xw_change(&ctx, &(struct xw_change){ .action = "created",
					     .object = "directory",
					     .path = "/rolled/back" });
	xw_change_rollback(&ctx, mark);
	xw_summary(&ctx, "installed on %s", "eth0");
	assert_int_equal(finish(&ctx, &c), 0);
	assert_string_equal(c.out_buf,
			    "pinned map /sys/fs/bpf/eth0/redirect_counters"
			    " (id 7)\n"
			    "attached program 12 to eth0, native mode\n"
			    "installed on eth0\n");
	assert_string_equal(c.err_buf, "");
	xw_ctx_free(&ctx);

	/* Nothing changed and no summary: nothing to say. */
	init(&ctx);
	assert_int_equal(finish(&ctx, &c), 0);
	assert_string_equal(c.out_buf, "");
	xw_ctx_free(&ctx);
}

/* -v shows changes as they happen and failures the first one hid. */
static void test_verbose_lines(void **state)
{
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	ctx.verbose = 1;
	xw_capture_start(&c);
	xw_change(&ctx, &(struct xw_change){ .action = "removed",
					     .object = "link",
					     .path = "/p/link",
					     .detail = "from eth0" });
	xw_fail(&ctx, XW_EXIT_OSERR, EIO, "a", "first");
	xw_fail(&ctx, XW_EXIT_OSERR, EBUSY, "b", "second");
	xw_debug(&ctx, 2, "not at -v");
	xw_capture_end(&c);
	assert_string_equal(c.err_buf,
			    "xdpwire " CMD ": removed link /p/link: from eth0\n"
			    "xdpwire " CMD ": also failed: b: second: "
			    "Device or resource busy\n");
	xw_ctx_free(&ctx);
}

static int finish_to_full_disk(void)
{
	struct xw_ctx ctx;

	if (xw_ctx_init(&ctx, CMD))
		return 101;
	xw_summary(&ctx, "installed");
	return xw_ctx_finish(&ctx);
}

/* A full disk must not look like success to a script. */
static void test_finish_write_error(void **state)
{
	char err_path[32], err[512];
	int status;

	(void)state;
	xw_tmp_path(err_path);
	status = xw_run_child(finish_to_full_disk, "/dev/full", err_path);
	xw_read_tmp(err_path, err, sizeof(err));
	xw_assert_exited(status, XW_EXIT_OSERR);
	assert_string_equal(err, "xdpwire " CMD ": stdout: write error: "
				 "No space left on device\n");
}

static int finish_long_path(void)
{
	/* Far past the 1024-byte line buffer: a bad offset leaves the stack. */
	static char path[200000];
	struct xw_ctx ctx;

	memset(path, 'p', sizeof(path) - 1);
	if (xw_ctx_init(&ctx, CMD))
		return 101;
	/* -v formats the line once more, as the change is recorded. */
	ctx.verbose = 1;
	xw_change(&ctx, &(struct xw_change){ .action = "updated",
					     .object = "link",
					     .path = path,
					     .id = 3,
					     .detail = "program 1 -> 2" });
	return xw_ctx_finish(&ctx);
}

/*
 * A change line longer than the line buffer is cut, not written past it:
 * a pin path under a deep --bpffs plus a detail ("updated link PATH (id N):
 * program A -> B") must not corrupt the stack.  The path here is long
 * enough to make an out-of-bounds write fault instead of corrupting the
 * stack silently, as a PATH_MAX path would.
 */
static void test_long_change_line(void **state)
{
	char out_path[32], out[2048];
	int status;

	(void)state;
	xw_tmp_path(out_path);
	status = xw_run_child(finish_long_path, out_path, "/dev/null");
	xw_read_tmp(out_path, out, sizeof(out));
	xw_assert_exited(status, 0);
	assert_int_equal(xw_count_lines(out), 1);
	assert_true(strlen(out) <= 1024);
	assert_memory_equal(out, "updated link ppp", 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_first_wins),
		cmocka_unit_test(test_fail_errno_classes),
		cmocka_unit_test(test_finish_error_text),
		cmocka_unit_test(test_finish_quiet),
		cmocka_unit_test(test_finish_text),
		cmocka_unit_test(test_verbose_lines),
		cmocka_unit_test(test_finish_write_error),
		cmocka_unit_test(test_long_change_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
