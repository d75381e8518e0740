/* status's compact table, rendered from its JSON document's directories. */
#ifndef XW_STATUS_TEXT_H
#define XW_STATUS_TEXT_H

#include <stdio.h>

struct json_object;

void xw_status_print(FILE *f, struct json_object *dirs);

#endif /* XW_STATUS_TEXT_H */
