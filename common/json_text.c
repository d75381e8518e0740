#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "json_text.h"

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
