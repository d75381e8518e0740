/* Paths built without ever being cut short. */
#ifndef XW_PATH_H
#define XW_PATH_H

#include <stddef.h>

/* snprintf that fails with -ENAMETOOLONG instead of truncating. */
int xw_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* XW_PATH_H */
