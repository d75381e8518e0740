/*
 * The JSON helper family: how every document is printed, how its objects
 * are built and read back, arrays kept as text, and the repair of what
 * json-c passes through unchecked.  Every caller that builds or reads a
 * JSON value goes through these (or json-c itself for the rare rest), so
 * that "null for absent" and the number kinds mean the same everywhere.
 * Only json-c below: the fuzz harness links json.c alone.
 */
#ifndef XW_JSON_H
#define XW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* How every document is printed: one line, "/" left alone. */
#define XW_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/* -p: indented, for people. */
#define XW_JSON_PRETTY_FLAGS                                 \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
	 JSON_C_TO_STRING_NOSLASHESCAPE)

/* A string value, or NULL (JSON null) for a NULL s. */
struct json_object *xw_json_str(const char *s);
/* A string value, or NULL (JSON null) for a NULL or empty s. */
struct json_object *xw_json_str_nonempty(const char *s);

/*
 * Each adds key to the object o; the value passes to o, and a NULL one
 * is JSON null.  The number kinds print the same for the same value but
 * read back as json-c's int64 or uint64, so each field keeps its kind.
 */
void xw_json_add(struct json_object *o, const char *key, struct json_object *v);
void xw_json_add_str(struct json_object *o, const char *key, const char *v);
void xw_json_add_int(struct json_object *o, const char *key, int64_t v);
void xw_json_add_u64(struct json_object *o, const char *key, uint64_t v);
void xw_json_add_bool(struct json_object *o, const char *key, bool v);

/* Reading back what was built: NULL (or 0) for a missing key or object. */
struct json_object *xw_json_get(struct json_object *o, const char *key);
/* The value as text, NULL when absent or null. */
const char *xw_json_get_str(struct json_object *o, const char *key);
int xw_json_get_int(struct json_object *o, const char *key);

/*
 * An array that keeps its elements as their serialised text.  A json-c
 * tree takes about twenty times the memory of the text it prints: status
 * over 1,000 installs (or scrape over 100,000 routes) would hold tens of
 * MiB of trees to print one or two MiB.  Each element is built as usual,
 * serialised by json-c when added and freed; the array prints the texts in
 * place when the document is printed, so json-c still formats every value.
 */

/* An empty array, or NULL when out of memory. */
struct json_object *xw_json_text_array(void);

/*
 * Appends elem's text to arr; elem stays the caller's, so one object can be
 * refilled and added again (scrape's routes: no tree built per route).
 */
int xw_json_text_add(struct json_object *arr, struct json_object *elem);

/* The number of elements added. */
size_t xw_json_text_len(struct json_object *arr);

/*
 * A streamed array: its elements are made only while the document is
 * printed, one at a time, so that neither their objects nor their text are
 * ever held together (scrape's 100,000 routes: a megabyte of compact
 * records instead of ten of text, written through a 64 KiB buffer).
 * each(arg, sink) adds them with xw_json_sink_add(); free_arg(arg), when
 * given, runs when the array is freed, so arg can outlive the command that
 * made it (the document is printed after).  Printed into a document like
 * any array (-p, tests); written straight to the stream set by
 * xw_json_stream_to() while one is set.
 */
struct xw_json_sink;
typedef int (*xw_json_each_fn)(void *arg, struct xw_json_sink *sink);

/* NULL when out of memory (then free_arg(arg) has run). */
struct json_object *xw_json_stream_array(xw_json_each_fn each, void *arg,
					 void (*free_arg)(void *arg));
/* Appends elem's text; elem stays the caller's, to refill and add again. */
int xw_json_sink_add(struct xw_json_sink *sink, struct json_object *elem);

/*
 * While f is set (NULL: no longer), printing a document writes what comes
 * before each streamed array to f, then the array's elements as they are
 * made; the printed text is what is left after the last array, for the
 * caller to write.  Each piece is made valid UTF-8 as xw_json_valid_utf8().
 */
void xw_json_stream_to(FILE *f);

/*
 * A new copy of the JSON text json (free() it) with each byte that is not
 * part of well-formed UTF-8 written as the text \xNN, as on stderr: json-c
 * passes such bytes through, and a document with them is not JSON.  In
 * escape.c, beside the UTF-8 decoder it shares with xw_escape().
 */
char *xw_json_valid_utf8(const char *json);

#endif /* XW_JSON_H */
