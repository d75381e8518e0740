/*
 * xw_escape: control characters and bytes outside well-formed UTF-8 as
 * \xNN, valid UTF-8 as it is; xw_json_valid_utf8: the same bytes as the
 * text \xNN inside JSON strings, so the document stays JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/json.h"
#include "core/report.h"

static void check(const char *in, const char *want)
{
	char out[256];
	size_t n = xw_escape(in, strlen(in), out, sizeof(out));

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_escape_controls(void **state)
{
	(void)state;
	check("a\nb", "a\\x0ab");
	check("\x1b[2J\x7f", "\\x1b[2J\\x7f");
	/* C1 controls: U+009B is CSI to a UTF-8 terminal. */
	check("x\xc2\x9b"
	      "2J",
	      "x\\xc2\\x9b2J");
}

static void test_escape_utf8(void **state)
{
	(void)state;
	check("n\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xc2\xa0",
	      "n\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xc2\xa0");
	check("\xff\xfe", "\\xff\\xfe");
	check("\xe2\x82", "\\xe2\\x82"); /* cut short */
	check("\xc0\xaf", "\\xc0\\xaf"); /* overlong '/' */
	check("\xe0\x80\xaf", "\\xe0\\x80\\xaf"); /* overlong, 3 bytes */
	check("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
	check("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
	check("\x80"
	      "a",
	      "\\x80a"); /* stray continuation */
}

static void test_escape_bounded(void **state)
{
	char out[8];

	(void)state;
	/* Never half an escape, never half a character. */
	assert_int_equal(xw_escape("ab\xff\xff", 4, out, sizeof(out)), 6);
	assert_string_equal(out, "ab\\xff");
	assert_int_equal(xw_escape("abcd\xe2\x82\xac", 7, out, sizeof(out)), 4);
	assert_string_equal(out, "abcd");
}

static void test_json_valid_utf8(void **state)
{
	char *s;

	(void)state;
	s = xw_json_valid_utf8("{\"e\":\"a\xff\\n\xc3\xa9\xe2\x82\"}");
	assert_non_null(s);
	assert_string_equal(s, "{\"e\":\"a\\\\xff\\n\xc3\xa9\\\\xe2\\\\x82\"}");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_bounded),
		cmocka_unit_test(test_json_valid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
