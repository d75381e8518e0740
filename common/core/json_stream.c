/*
 * Streamed arrays (json.h): elements made while the document is printed,
 * and written out as they are made when a stream is set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "core/json.h"

/* Elements are gathered into this much text between two writes. */
#define XW_STREAM_CHUNK (64 * 1024)

struct stream_array {
	xw_json_each_fn each;
	void *arg;
	void (*free_arg)(void *arg);
};

struct xw_json_sink {
	struct printbuf *pb; /* printing into the document, or */
	FILE *out; /* writing to the stream, through chunk */
	char *chunk;
	size_t len;
	size_t n; /* elements so far */
	int err;
};

static FILE *stream_out;

void xw_json_stream_to(FILE *f)
{
	stream_out = f;
}

static bool all_ascii(const char *s, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		if ((unsigned char)s[k] >= 0x80)
			return false;
	return true;
}

static int write_out(FILE *f, const char *s, size_t len)
{
	return len && fwrite(s, 1, len, f) != len ? -EIO : 0;
}

/* s (NUL at s[len]) to f, with bytes that are not UTF-8 written as \xNN. */
static int write_valid(FILE *f, const char *s, size_t len)
{
	char *valid;
	int err;

	if (all_ascii(s, len))
		return write_out(f, s, len);
	valid = xw_json_valid_utf8(s);
	if (!valid)
		return -ENOMEM;
	err = write_out(f, valid, strlen(valid));
	free(valid);
	return err;
}

static int flush_chunk(struct xw_json_sink *sink)
{
	int err = write_out(sink->out, sink->chunk, sink->len);

	sink->len = 0;
	return err;
}

static int sink_text(struct xw_json_sink *sink, const char *s, size_t len)
{
	int err = 0;

	if (sink->pb)
		return printbuf_memappend(sink->pb, s, (int)len) < 0 ? -ENOMEM :
								       0;
	/* Not ASCII (a name's odd bytes): written apart, made valid. */
	if (!all_ascii(s, len)) {
		err = flush_chunk(sink);
		return err ?: write_valid(sink->out, s, len);
	}
	if (sink->len + len > XW_STREAM_CHUNK)
		err = flush_chunk(sink);
	if (!err && len > XW_STREAM_CHUNK)
		return write_out(sink->out, s, len);
	if (!err) {
		memcpy(sink->chunk + sink->len, s, len);
		sink->len += len;
	}
	return err;
}

int xw_json_sink_add(struct xw_json_sink *sink, struct json_object *elem)
{
	const char *s;
	size_t len;
	int err = 0;

	if (sink->err)
		return sink->err;
	s = json_object_to_json_string_length(elem, XW_JSON_FLAGS, &len);
	if (!s)
		err = -ENOMEM;
	if (!err && sink->n++)
		err = sink_text(sink, ",", 1);
	if (!err)
		err = sink_text(sink, s, len);
	sink->err = err;
	return err;
}

static int print_stream(struct json_object *arr, struct printbuf *pb, int level,
			int flags)
{
	struct stream_array *a = json_object_get_userdata(arr);
	struct xw_json_sink sink = { .pb = pb };
	int err;

	(void)level;
	(void)flags;
	if (stream_out) {
		/*
		 * What the document has so far goes out first, whole values
		 * all of it: the array begins here.
		 */
		sink.chunk = malloc(XW_STREAM_CHUNK);
		if (!sink.chunk)
			return -1;
		sink.out = stream_out;
		sink.pb = NULL;
		err = write_valid(stream_out, pb->buf, (size_t)pb->bpos);
		printbuf_reset(pb);
	} else {
		err = 0;
	}
	if (!err)
		err = sink_text(&sink, "[", 1);
	if (!err)
		err = a->each(a->arg, &sink) ?: sink.err;
	if (!err)
		err = sink_text(&sink, "]", 1);
	if (!err && sink.out)
		err = flush_chunk(&sink);
	free(sink.chunk);
	return err ? -1 : 0;
}

static void free_stream(struct json_object *arr, void *userdata)
{
	struct stream_array *a = userdata;

	(void)arr;
	if (a->free_arg)
		a->free_arg(a->arg);
	free(a);
}

struct json_object *xw_json_stream_array(xw_json_each_fn each, void *arg,
					 void (*free_arg)(void *arg))
{
	struct json_object *arr = json_object_new_array();
	struct stream_array *a = calloc(1, sizeof(*a));

	if (!arr || !a) {
		json_object_put(arr);
		free(a);
		if (free_arg)
			free_arg(arg);
		return NULL;
	}
	a->each = each;
	a->arg = arg;
	a->free_arg = free_arg;
	json_object_set_serializer(arr, print_stream, a, free_stream);
	return arr;
}
