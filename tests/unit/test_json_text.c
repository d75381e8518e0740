// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * json_text: an array kept as its elements' text must print exactly as the
 * same array of json-c objects would, inside a document, empty or not,
 * with json-c's escaping, and an element refilled and added again must
 * keep each addition's own values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "core/json.h"

/* The document both ways: texts in one, a plain tree in the other. */
static void assert_same(struct json_object *texts, struct json_object *plain)
{
	struct json_object *a = json_object_new_object();
	struct json_object *b = json_object_new_object();

	json_object_object_add(a, "before", json_object_new_int(1));
	json_object_object_add(a, "list", texts);
	json_object_object_add(a, "after", json_object_new_string("x"));
	json_object_object_add(b, "before", json_object_new_int(1));
	json_object_object_add(b, "list", plain);
	json_object_object_add(b, "after", json_object_new_string("x"));
	assert_string_equal(json_object_to_json_string_ext(a, XW_JSON_FLAGS),
			    json_object_to_json_string_ext(b, XW_JSON_FLAGS));
	json_object_put(a);
	json_object_put(b);
}

static void test_empty(void **state)
{
	struct json_object *t = xw_json_text_array();

	(void)state;
	assert_non_null(t);
	assert_int_equal(xw_json_text_len(t), 0);
	assert_same(t, json_object_new_array());
}

static void test_elements_and_escaping(void **state)
{
	const char *names[] = { "eth0", "a\"b\\c/d", "tab\there", "\xc3\xa9" };
	struct json_object *t = xw_json_text_array(), *plain;
	size_t k;

	(void)state;
	plain = json_object_new_array();
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name",
				       json_object_new_string(names[k]));
		json_object_object_add(o, "n",
				       json_object_new_int64((int64_t)k - 2));
		assert_int_equal(xw_json_text_add(t, o), 0);
		json_object_array_add(plain, o);
	}
	assert_int_equal(xw_json_text_len(t), 4);
	assert_same(t, plain);
}

static void test_refilled_element(void **state)
{
	struct json_object *t = xw_json_text_array();
	struct json_object *o = json_object_new_object();
	struct json_object *v = json_object_new_int64(0);
	int64_t k;

	(void)state;
	json_object_object_add(o, "v", json_object_get(v));
	for (k = 0; k < 3; k++) {
		json_object_set_int64(v, k * 1000);
		assert_int_equal(xw_json_text_add(t, o), 0);
	}
	assert_string_equal(json_object_to_json_string_ext(t, XW_JSON_FLAGS),
			    "[{\"v\":0},{\"v\":1000},{\"v\":2000}]");
	json_object_put(o);
	json_object_put(v);
	json_object_put(t);
}

/* Past the first buffer (4 KiB) and its doublings: nothing lost or cut. */
static void test_growth(void **state)
{
	struct json_object *t = xw_json_text_array(), *plain;
	int k;

	(void)state;
	plain = json_object_new_array();
	for (k = 0; k < 5000; k++) {
		struct json_object *s = json_object_new_string("0123456789");

		assert_int_equal(xw_json_text_add(t, s), 0);
		json_object_array_add(plain, s);
	}
	assert_int_equal(xw_json_text_len(t), 5000);
	assert_same(t, plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_elements_and_escaping),
		cmocka_unit_test(test_refilled_element),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
