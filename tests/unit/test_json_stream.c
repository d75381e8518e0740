// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * json_stream: a streamed array must print exactly as the same array of
 * json-c objects would, inside a document, both into the document's text
 * (-p, no stream set) and written out piece by piece to a stream (then the
 * pieces and the text left after them make the same document), past its
 * 64 KiB chunk, with bytes that are not UTF-8 written as \xNN as the whole
 * document's check would; and its argument is freed with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "core/json.h"

struct source {
	const char **names; /* a string element each */
	size_t n;
	int freed;
};

static int each_name(void *arg, struct xw_json_sink *sink)
{
	struct source *src = arg;
	struct json_object *o = json_object_new_object();
	struct json_object *name = json_object_new_string("");
	size_t k;
	int err = 0;

	json_object_object_add(o, "name", json_object_get(name));
	for (k = 0; k < src->n && !err; k++) {
		json_object_set_string(name, src->names[k]);
		json_object_object_add(o, "k",
				       json_object_new_int64((int64_t)k));
		err = xw_json_sink_add(sink, o);
	}
	json_object_put(o);
	json_object_put(name);
	return err;
}

static void free_source(void *arg)
{
	((struct source *)arg)->freed++;
}

static struct json_object *plain_of(const struct source *src)
{
	struct json_object *arr = json_object_new_array();
	size_t k;

	for (k = 0; k < src->n; k++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name",
				       json_object_new_string(src->names[k]));
		json_object_object_add(o, "k",
				       json_object_new_int64((int64_t)k));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* {"a":"x\xff", "first":[...], "mid":1, "second":[...], "end":"y"} */
static struct json_object *doc_of(struct json_object *first,
				  struct json_object *second)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "a", json_object_new_string("x\xff"));
	json_object_object_add(d, "first", first);
	json_object_object_add(d, "mid", json_object_new_int(1));
	json_object_object_add(d, "second", second);
	json_object_object_add(d, "end", json_object_new_string("y"));
	return d;
}

static void assert_streams_as_plain(struct source *a, struct source *b)
{
	struct json_object *plain = doc_of(plain_of(a), plain_of(b));
	struct json_object *doc =
		doc_of(xw_json_stream_array(each_name, a, free_source),
		       xw_json_stream_array(each_name, b, free_source));
	char *want = xw_json_valid_utf8(
		json_object_to_json_string_ext(plain, XW_JSON_FLAGS));
	char *streamed = NULL, *tail;
	size_t size = 0;
	FILE *f = open_memstream(&streamed, &size);
	const char *text;

	/* Into the text, as -p prints. */
	assert_string_equal(json_object_to_json_string_ext(plain,
							   XW_JSON_FLAGS),
			    json_object_to_json_string_ext(doc, XW_JSON_FLAGS));
	/* Out to a stream, with what is left after the last array. */
	xw_json_stream_to(f);
	text = json_object_to_json_string_ext(doc, XW_JSON_FLAGS);
	xw_json_stream_to(NULL);
	assert_non_null(text);
	tail = xw_json_valid_utf8(text);
	fputs(tail, f);
	fclose(f);
	assert_string_equal(streamed, want);
	assert_string_equal(tail, ",\"end\":\"y\"}");
	free(tail);
	free(streamed);
	free(want);
	json_object_put(plain);
	json_object_put(doc);
	assert_int_equal(a->freed, 1);
	assert_int_equal(b->freed, 1);
}

static void test_empty_and_small(void **state)
{
	const char *names[] = { "eth0", "a\"b\\c/d", "tab\there", "\xc3\xa9",
				"bad\xfe" };
	struct source a = { .names = names, .n = 0 };
	struct source b = { .names = names, .n = 5 };

	(void)state;
	assert_streams_as_plain(&a, &b);
}

/* Past the 64 KiB chunk several times, and one odd name in the middle. */
static void test_past_the_chunk(void **state)
{
	enum { N = 20000 };
	const char **names = calloc(N, sizeof(*names));
	struct source a = { .names = names, .n = N };
	struct source b = { .names = names, .n = 1 };
	size_t k;

	(void)state;
	for (k = 0; k < N; k++)
		names[k] = k == N / 2 ? "\xe2\x82" : "0123456789";
	assert_streams_as_plain(&a, &b);
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_small),
		cmocka_unit_test(test_past_the_chunk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
