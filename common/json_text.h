/*
 * A JSON array that keeps its elements as their serialised text.  A json-c
 * tree takes about twenty times the memory of the text it prints: status
 * over 1,000 installs (or scrape over 100,000 routes) would hold tens of
 * MiB of trees to print one or two MiB.  Each element is built as usual,
 * serialised by json-c when added and freed; the array prints the texts in
 * place when the document is printed, so json-c still formats every value.
 */
#ifndef XW_JSON_TEXT_H
#define XW_JSON_TEXT_H

#include <stddef.h>

struct json_object;

/* How every document is printed: one line, "/" left alone. */
#define XW_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/* -p: indented, for people. */
#define XW_JSON_PRETTY_FLAGS                                 \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
	 JSON_C_TO_STRING_NOSLASHESCAPE)

/* An empty array, or NULL when out of memory. */
struct json_object *xw_json_text_array(void);

/*
 * Appends elem's text to arr; elem stays the caller's, so one object can be
 * refilled and added again (scrape's routes: no tree built per route).
 */
int xw_json_text_add(struct json_object *arr, struct json_object *elem);

/* The number of elements added. */
size_t xw_json_text_len(struct json_object *arr);

#endif /* XW_JSON_TEXT_H */
