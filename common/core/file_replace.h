/*
 * A file others read while we rewrite it (status --metrics --output for
 * node_exporter's textfile collector): replaced whole, never seen partly
 * written.  The new content goes to a temporary file in the same
 * directory, is synced and renamed over the old one, so a reader gets the
 * old file or the new, and a crash leaves the old one in place.
 */
#ifndef XW_FILE_REPLACE_H
#define XW_FILE_REPLACE_H

#include <stddef.h>

struct xw_ctx;

/*
 * Replaces path with data[0..len), mode 0644, and records the change
 * ("wrote <what> PATH").  Refused (exit 65, nothing written): a directory
 * not owned by us or root or writable by group or others (whoever can
 * write there can swap the file under its readers), a symbolic link or
 * anything but a regular file at path (never followed or opened to block).
 * On failure (recorded) nothing is left behind and path is unchanged.
 */
int xw_file_replace(struct xw_ctx *ctx, const char *path, const char *what,
		    const char *data, size_t len);

#endif /* XW_FILE_REPLACE_H */
