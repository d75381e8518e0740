#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "core/json.h"

struct json_object *xw_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

struct json_object *xw_json_str_nonempty(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

void xw_json_add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

void xw_json_add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, xw_json_str(v));
}

void xw_json_add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void xw_json_add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

void xw_json_add_bool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

struct json_object *xw_json_get(struct json_object *o, const char *key)
{
	return o ? json_object_object_get(o, key) : NULL;
}

const char *xw_json_get_str(struct json_object *o, const char *key)
{
	struct json_object *v = xw_json_get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

int xw_json_get_int(struct json_object *o, const char *key)
{
	return json_object_get_int(xw_json_get(o, key));
}

struct texts {
	char *buf; /* elements, comma-separated */
	size_t len, cap, n;
};

static int print_texts(struct json_object *arr, struct printbuf *pb, int level,
		       int flags)
{
	struct texts *t = json_object_get_userdata(arr);

	(void)level;
	(void)flags;
	printbuf_memappend(pb, "[", 1);
	if (t->len)
		printbuf_memappend(pb, t->buf, (int)t->len);
	printbuf_memappend(pb, "]", 1);
	return 0;
}

static void free_texts(struct json_object *arr, void *userdata)
{
	struct texts *t = userdata;

	(void)arr;
	free(t->buf);
	free(t);
}

struct json_object *xw_json_text_array(void)
{
	struct json_object *arr = json_object_new_array();
	struct texts *t = calloc(1, sizeof(*t));

	if (!arr || !t) {
		json_object_put(arr);
		free(t);
		return NULL;
	}
	json_object_set_serializer(arr, print_texts, t, free_texts);
	return arr;
}

static int reserve(struct texts *t, size_t more)
{
	size_t cap = t->cap ? t->cap : 4096;
	char *grown;

	while (cap - t->len < more)
		cap *= 2;
	if (cap == t->cap)
		return 0;
	grown = realloc(t->buf, cap);
	if (!grown)
		return -ENOMEM;
	t->buf = grown;
	t->cap = cap;
	return 0;
}

int xw_json_text_add(struct json_object *arr, struct json_object *elem)
{
	struct texts *t = json_object_get_userdata(arr);
	size_t len;
	const char *s;
	int err;

	s = json_object_to_json_string_length(elem, XW_JSON_FLAGS, &len);
	err = s ? reserve(t, len + 1) : -ENOMEM;
	if (!err) {
		if (t->n++)
			t->buf[t->len++] = ',';
		memcpy(t->buf + t->len, s, len);
		t->len += len;
	}
	return err;
}

size_t xw_json_text_len(struct json_object *arr)
{
	const struct texts *t = json_object_get_userdata(arr);

	return t->n;
}
