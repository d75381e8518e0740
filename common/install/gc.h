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
struct xw_found_install;
struct xw_pindir;
struct xw_target;

/* What pin-gc is asked to do. */
struct xw_gc_request {
	bool dry_run; /* say what would be done, change nothing */
	bool repair; /* restore what can be restored instead of removing it */
};

/*
 * The whole run over t's pin directories (t->dev's only, when there is
 * one), each judged and acted on under its lock, and the report.
 */
int xw_gc_run(struct xw_ctx *ctx, const struct xw_target *t,
	      const struct xw_gc_request *req);

/*
 * *acted: something was (or, dry, would be) done; *left: installs left
 * alone for a person, each named in a warning.
 */
int xw_gc_dir(struct xw_ctx *ctx, struct xw_pindir *dir, struct xw_found_dir *d,
	      bool repair, bool *acted, size_t *left);

/*
 * Frees the owner slots of in's stale sandboxes (gc_sandbox.c), in is the
 * tunnel host install of d, and warns of those left alone; sets *acted if
 * it freed (or, dry, would free) any.
 */
int xw_gc_sandboxes(struct xw_ctx *ctx, const struct xw_pindir *dir,
		    const struct xw_found_dir *d,
		    const struct xw_found_install *in, bool *acted);

#endif /* XW_GC_H */
