/*
 * status's compact table, rendered from its JSON document's directories.
 * Rows are collected first and printed at the end, each column as wide as
 * its widest cell: netns:<inode>/ device names and long slot lists would
 * overflow any fixed width.  Slots come last, since a 64-queue XSKMAP's
 * list is longer than a screen and must not widen the other columns.
 */
#ifndef XW_STATUS_TEXT_H
#define XW_STATUS_TEXT_H

#include <stdio.h>

struct json_object;
struct xw_status_table;

struct xw_status_table *xw_status_table_new(void);

/* Adds the rows of one directory (an entry of "directories"). */
int xw_status_table_add_dir(struct xw_status_table *t, struct json_object *dir);

/* The heading, then every row added, in order; nothing without rows. */
void xw_status_table_print(const struct xw_status_table *t, FILE *f);
void xw_status_table_free(struct xw_status_table *t);

#endif /* XW_STATUS_TEXT_H */
