// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The reporter under -j: a run ends with exactly one JSON document on
 * stdout, the error document (version, command, error, exit_code, errno)
 * next to the one stderr line, or the result document (changed, the
 * command's own members, changes, warnings).  Each is parsed back with
 * json-c, as a script would.
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
#include <json-c/json.h>

#include "core/exit.h"
#include "core/report.h"
#include "xw_report_fixture.h"

/* Exactly one JSON document, alone on one line; caller puts it. */
static struct json_object *one_document(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc;
	size_t len = strlen(text);

	assert_non_null(tok);
	assert_int_equal(xw_count_lines(text), 1);
	assert_true(len > 0 && text[len - 1] == '\n');
	doc = json_tokener_parse_ex(tok, text, (int)len);
	if (!doc)
		fail_msg("not JSON: %s", text);
	/* The tokener eats the trailing newline; nothing else may follow. */
	assert_int_equal(json_tokener_get_parse_end(tok), len);
	json_tokener_free(tok);
	assert_true(json_object_is_type(doc, json_type_object));
	return doc;
}

static struct json_object *get(struct json_object *doc, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(doc, key, &v))
		fail_msg("no \"%s\" in %s", key,
			 json_object_to_json_string(doc));
	return v;
}

static void test_finish_error_json(void **state)
{
	struct json_object *doc;
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	ctx.json = true;
	xw_fail(&ctx, XW_EXIT_NOINPUT, ENOENT, "eth9", "no such device");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_NOINPUT);
	assert_string_equal(c.err_buf, "xdpwire " CMD ": eth9: no such device: "
				       "No such file or directory\n");
	doc = one_document(c.out_buf);
	assert_int_equal(json_object_get_int(get(doc, "version")), 1);
	assert_string_equal(json_object_get_string(get(doc, "command")), CMD);
	/* The same text as the stderr line, without the prefix. */
	assert_string_equal(json_object_get_string(get(doc, "error")),
			    "eth9: no such device: No such file or directory");
	assert_int_equal(json_object_get_int(get(doc, "exit_code")), 66);
	assert_string_equal(json_object_get_string(get(doc, "errno")),
			    "ENOENT");
	assert_false(json_object_object_get_ex(doc, "changes", NULL));
	json_object_put(doc);
	xw_ctx_free(&ctx);

	/* Without an errno there is no "errno" member. */
	init(&ctx);
	ctx.json = true;
	ctx.quiet = true;
	xw_fail(&ctx, XW_EXIT_USAGE, 0, "--dev", "unknown option");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_USAGE);
	assert_int_equal(xw_count_lines(c.err_buf), 1);
	doc = one_document(c.out_buf);
	assert_false(json_object_object_get_ex(doc, "errno", NULL));
	assert_int_equal(json_object_get_int(get(doc, "exit_code")), 64);
	json_object_put(doc);
	xw_ctx_free(&ctx);
}

/*
 * The kernel's own words (xw_fail_kernel): "kernel_reason", escaped as
 * user input is, only for the failure the run reports.
 */
static void test_finish_kernel_reason(void **state)
{
	struct json_object *doc;
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	ctx.json = true;
	xw_fail_kernel(&ctx, XW_EXIT_OSERR, ERANGE, "veth1", "veth: too\nlarge",
		       "cannot attach: the kernel says \"%s\"",
		       "veth: too\nlarge");
	/* A rollback's later failure neither wins nor brings its reason. */
	xw_fail_kernel(&ctx, XW_EXIT_UNAVAILABLE, EBUSY, "veth1", "other",
		       "later");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_OSERR);
	assert_string_equal(
		c.err_buf,
		"xdpwire " CMD ": veth1: cannot attach: the kernel says "
		"\"veth: too\\x0alarge\": Numerical result out of range\n");
	doc = one_document(c.out_buf);
	assert_string_equal(json_object_get_string(get(doc, "kernel_reason")),
			    "veth: too\\x0alarge");
	assert_string_equal(json_object_get_string(get(doc, "errno")),
			    "ERANGE");
	json_object_put(doc);
	xw_ctx_free(&ctx);

	/* An earlier failure wins, and has no reason. */
	init(&ctx);
	ctx.json = true;
	ctx.quiet = true;
	xw_fail(&ctx, XW_EXIT_NOINPUT, ENOENT, "eth9", "no such device");
	xw_fail_kernel(&ctx, XW_EXIT_OSERR, ERANGE, "eth9", "said", "later");
	assert_int_equal(finish(&ctx, &c), XW_EXIT_NOINPUT);
	doc = one_document(c.out_buf);
	assert_false(json_object_object_get_ex(doc, "kernel_reason", NULL));
	json_object_put(doc);
	xw_ctx_free(&ctx);
}

static void test_finish_success_json(void **state)
{
	static const uint16_t ports[] = { 22, 2222 };
	struct json_object *doc, *changes, *c0, *list;
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	ctx.json = true;
	add_changes(&ctx);
	xw_out_u16_list(&ctx, "pass_ports", ports, 2);
	xw_out_str(&ctx, "device", "eth0");
	xw_summary(&ctx, "not in JSON");
	assert_int_equal(finish(&ctx, &c), 0);
	assert_string_equal(c.err_buf, "");
	doc = one_document(c.out_buf);
	assert_int_equal(json_object_get_int(get(doc, "version")), 1);
	assert_string_equal(json_object_get_string(get(doc, "command")), CMD);
	assert_true(json_object_get_boolean(get(doc, "changed")));
	assert_string_equal(json_object_get_string(get(doc, "device")), "eth0");
	list = get(doc, "pass_ports");
	assert_string_equal(json_object_to_json_string(list), "[ 22, 2222 ]");
	changes = get(doc, "changes");
	assert_int_equal(json_object_array_length(changes), 2);
	c0 = json_object_array_get_idx(changes, 0);
	assert_string_equal(json_object_get_string(get(c0, "action")),
			    "pinned");
	assert_string_equal(json_object_get_string(get(c0, "path")),
			    "/sys/fs/bpf/eth0/redirect_counters");
	assert_int_equal(json_object_get_int(get(c0, "id")), 7);
	assert_false(json_object_object_get_ex(c0, "detail", NULL));
	assert_false(json_object_object_get_ex(doc, "error", NULL));
	json_object_put(doc);
	xw_ctx_free(&ctx);

	/* Nothing changed: still a document, "changed": false. */
	init(&ctx);
	ctx.json = true;
	assert_int_equal(finish(&ctx, &c), 0);
	doc = one_document(c.out_buf);
	assert_false(json_object_get_boolean(get(doc, "changed")));
	assert_int_equal(json_object_array_length(get(doc, "changes")), 0);
	json_object_put(doc);
	xw_ctx_free(&ctx);
}

/* A warning is said at once, -q or not, and listed in the document. */
static void test_warn(void **state)
{
	struct json_object *doc, *list;
	struct xw_capture c;
	struct xw_ctx ctx;

	(void)state;
	init(&ctx);
	ctx.json = ctx.quiet = true;
	xw_capture_start(&c);
	xw_warn(&ctx, "eth0", "generic mode: %s", "slow");
	xw_capture_end(&c);
	assert_string_equal(c.err_buf, "xdpwire " CMD
				       ": warning: eth0: generic mode: slow\n");
	assert_int_equal(finish(&ctx, &c), 0);
	doc = one_document(c.out_buf);
	list = get(doc, "warnings");
	assert_int_equal(json_object_array_length(list), 1);
	assert_string_equal(json_object_get_string(
				    json_object_array_get_idx(list, 0)),
			    "eth0: generic mode: slow");
	json_object_put(doc);
	xw_ctx_free(&ctx);

	/* No warnings, no member. */
	init(&ctx);
	ctx.json = true;
	assert_int_equal(finish(&ctx, &c), 0);
	doc = one_document(c.out_buf);
	assert_false(json_object_object_get_ex(doc, "warnings", NULL));
	json_object_put(doc);
	xw_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finish_error_json),
		cmocka_unit_test(test_finish_kernel_reason),
		cmocka_unit_test(test_finish_success_json),
		cmocka_unit_test(test_warn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
