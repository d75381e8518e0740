// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The JSON text splicer: strings cut from the input (at NUL bytes), each
 * added as an object to a text array and to a plain json-c array, must
 * print the same document both ways.  Under -p's flags the texts stay on
 * one line (they were printed when added): that document must still read
 * back as the plain one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *texts = xw_json_text_array();
	struct json_object *plain = json_object_new_array();
	struct json_object *a = json_object_new_object();
	struct json_object *b = json_object_new_object();
	struct json_object *elem = json_object_new_object();
	size_t at = 0, n = 0;
	struct json_object *back;

	if (!texts || !plain || !a || !b || !elem)
		abort();
	while (at < size && n < 64) {
		const char *s = (const char *)data + at;
		size_t len = strnlen(s, size - at);
		struct json_object *o = json_object_new_object();

		/*
		 * One element refilled for every string, as scrape does; by
		 * a new value, not json_object_set_string: json-c 0.16 leaks
		 * a string set after an empty one (json-c#780; scrape never
		 * sets an empty one).
		 */
		json_object_object_add(elem, "name",
				       json_object_new_string_len(s, (int)len));
		json_object_object_add(o, "name",
				       json_object_new_string_len(s, (int)len));
		if (xw_json_text_add(texts, elem))
			abort();
		json_object_array_add(plain, o);
		at += len + 1;
		n++;
	}
	if (xw_json_text_len(texts) != n)
		abort();
	json_object_object_add(a, "list", texts);
	json_object_object_add(b, "list", plain);
	if (strcmp(json_object_to_json_string_ext(a, XW_JSON_FLAGS),
		   json_object_to_json_string_ext(b, XW_JSON_FLAGS)))
		abort();
	back = json_tokener_parse(
		json_object_to_json_string_ext(a, XW_JSON_PRETTY_FLAGS));
	if (!back || !json_object_equal(back, b))
		abort();
	json_object_put(back);
	json_object_put(a);
	json_object_put(b);
	json_object_put(elem);
	return 0;
}
