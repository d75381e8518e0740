/*
 * What pin-gc does to one directory, after xw_health_inspect() judged it
 * and with its lock still held: removes the stale and the half-done
 * installs, with repair re-pins or re-attaches what can be saved, and
 * never touches an install that is ok, one that needs a person, or a
 * foreign entry.  Under ctx->dry_run every action is only reported.
 */
#ifndef XW_GC_H
#define XW_GC_H

#include <stdbool.h>
#include <stddef.h>

struct xw_ctx;
struct xw_found_dir;
struct xw_pindir;

/*
 * *acted: something was (or, dry, would be) done; *left: installs left
 * alone for a person, each named in a warning.
 */
int xw_gc_dir(struct xw_ctx *ctx, struct xw_pindir *dir, struct xw_found_dir *d,
	      bool repair, bool *acted, size_t *left);

#endif /* XW_GC_H */
