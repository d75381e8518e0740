/*
 * The per-run context: which subcommand runs, how it talks (text or JSON,
 * quiet, verbose) and what it has to report.  The library records failures
 * and changes here instead of printing them, so that a run ends with
 * exactly one error line, or one JSON document, written by xw_ctx_finish().
 */
#ifndef XW_REPORT_H
#define XW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

struct xw_failure {
	int exit_code; /* 0 while nothing failed */
	int err; /* errno whose text ends the line; 0 for none */
	char object[256];
	char what[512];
	/* The kernel's own words for it (xw_fail_kernel), escaped; or "". */
	char kernel_reason[256];
};

struct xw_ctx {
	const char *cmd; /* subcommand name, for every message */
	bool json;
	bool pretty; /* -p: the JSON document indented */
	bool quiet;
	int verbose;
	bool dry_run; /* changes are only planned: "changed" stays false */
	struct json_object *doc; /* result document under -j */
	struct json_object *changes; /* what this run changed, in order */
	struct json_object *warnings;
	char summary[512]; /* last line of text output */
	struct xw_failure fail;
	/* A run that did not fail but answers "no": status --check. */
	int result_code;
	/*
	 * Called by xw_ctx_finish() once the outcome is out, with whether
	 * stdout took all of it: for what must last until the caller has
	 * the result (scrape --steal's journal).
	 */
	void (*after_output)(struct xw_ctx *ctx, bool delivered, void *arg);
	void *after_output_arg;
};

/* One thing a run changed; unset fields are left out of both renderings. */
struct xw_change {
	const char *action; /* "pinned", "attached", ... */
	const char *object; /* "map", "program", "link", "directory", ... */
	const char *path;
	uint32_t id; /* kernel object id, 0 for none */
	const char *detail; /* free text, e.g. "native mode" */
};

int xw_ctx_init(struct xw_ctx *ctx, const char *cmd);
void xw_ctx_free(struct xw_ctx *ctx);

/*
 * Records a failure and returns -err (or -EINVAL when err is 0), so a
 * caller can `return xw_fail(...)`.  The first failure wins: later ones,
 * typically from a rollback, only show up under -v.
 */
int xw_fail(struct xw_ctx *ctx, int exit_code, int err, const char *object,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Like xw_fail(), with the kernel's own words for the failure (what the
 * attach-failure tracepoint or an extended ack said): under -j they are
 * the error document's "kernel_reason".  fmt puts them in the line too.
 */
int xw_fail_kernel(struct xw_ctx *ctx, int exit_code, int err,
		   const char *object, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Like xw_fail() with the exit code derived from err. */
int xw_fail_errno(struct xw_ctx *ctx, int err, const char *object,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static inline bool xw_failed(const struct xw_ctx *ctx)
{
	return ctx->fail.exit_code != 0;
}

/* A "why" line on stderr, shown from -v (level 1) or -vv (level 2). */
void xw_debug(const struct xw_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void xw_change(struct xw_ctx *ctx, const struct xw_change *change);
/* Forgets the changes recorded since mark: they were rolled back. */
size_t xw_change_mark(const struct xw_ctx *ctx);
void xw_change_rollback(struct xw_ctx *ctx, size_t mark);
bool xw_changed(const struct xw_ctx *ctx);

/*
 * Something that works but not as the caller may think: a line on stderr
 * (not silenced by -q, which is for what changed) and, under -j, an entry
 * of the document's "warnings".
 */
void xw_warn(struct xw_ctx *ctx, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Result fields of the JSON document; no effect on text output. */
void xw_out_str(struct xw_ctx *ctx, const char *key, const char *val);
void xw_out_u64(struct xw_ctx *ctx, const char *key, uint64_t val);
void xw_out_u16_list(struct xw_ctx *ctx, const char *key, const uint16_t *v,
		     size_t n);
/* Adds a value made by the caller (ownership passes to the document). */
void xw_out_json(struct xw_ctx *ctx, const char *key, struct json_object *val);

/* The one-line text summary printed after the changes. */
void xw_summary(struct xw_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Copies in[0..len) to out (NUL-terminated, at most size bytes), control
 * characters (C0, DEL, C1) and bytes that are not part of well-formed
 * UTF-8 as \xNN, valid multibyte characters as they are; returns the
 * length written.  What every stderr line goes through.
 */
size_t xw_escape(const char *in, size_t len, char *out, size_t size);

/*
 * Writes the run's outcome (error line, changes and summary, or the JSON
 * document) and returns the exit code.
 */
int xw_ctx_finish(struct xw_ctx *ctx);

#endif /* XW_REPORT_H */
