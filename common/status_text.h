/* status's compact table, rendered from its JSON document's directories. */
#ifndef XW_STATUS_TEXT_H
#define XW_STATUS_TEXT_H

#include <stdio.h>

struct json_object;

/* The table's heading, then one directory's rows (an entry of "directories"). */
void xw_status_print_header(FILE *f);
void xw_status_print_dir(FILE *f, struct json_object *dir);

#endif /* XW_STATUS_TEXT_H */
