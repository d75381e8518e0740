/*
 * The one reporter: every error line, debug line and result document of a
 * run is written here, each line in a single write() so that concurrent
 * runs sharing a terminal or log never interleave within a line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/log.h"
#include "core/report.h"

#define XW_JSON_VERSION 1

int xw_ctx_init(struct xw_ctx *ctx, const char *cmd)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cmd = cmd;
	ctx->doc = json_object_new_object();
	ctx->changes = json_object_new_array();
	ctx->warnings = json_object_new_array();
	if (!ctx->doc || !ctx->changes || !ctx->warnings)
		return -ENOMEM;
	return 0;
}

void xw_ctx_free(struct xw_ctx *ctx)
{
	json_object_put(ctx->doc);
	json_object_put(ctx->changes);
	json_object_put(ctx->warnings);
	ctx->doc = NULL;
	ctx->changes = NULL;
	ctx->warnings = NULL;
}

/*
 * Writes buf as one line to fd, adding the newline; retries short writes.
 * A control character or invalid UTF-8 in it (from a name or path the
 * user gave) is written as \xNN: it must not move the cursor, end the
 * line early, play with the terminal or garble a log.
 */
static void write_line(int fd, char *buf, size_t len, size_t cap)
{
	char out[4096];
	size_t off = 0;

	if (len >= cap - 1)
		len = cap - 2;
	len = xw_escape(buf, len, out, sizeof(out) - 1);
	out[len++] = '\n';
	while (off < len) {
		ssize_t n = write(fd, out + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

/* Returns whether this failure is the one the run reports. */
static bool record(struct xw_ctx *ctx, int exit_code, int err,
		   const char *object, const char *fmt, va_list ap)
{
	struct xw_failure *f = &ctx->fail;
	char what[sizeof(f->what)];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (f->exit_code) {
		xw_debug(ctx, 1, "also failed: %s: %s%s%s", object ?: "", what,
			 err ? ": " : "", err ? strerror(err) : "");
		return false;
	}
	f->exit_code = exit_code;
	f->err = err;
	snprintf(f->object, sizeof(f->object), "%s", object ?: "");
	snprintf(f->what, sizeof(f->what), "%s", what);
	f->kernel_reason[0] = '\0';
	return true;
}

int xw_fail(struct xw_ctx *ctx, int exit_code, int err, const char *object,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, exit_code, err, object, fmt, ap);
	va_end(ap);
	return err ? -err : -EINVAL;
}

int xw_fail_kernel(struct xw_ctx *ctx, int exit_code, int err,
		   const char *object, const char *reason, const char *fmt, ...)
{
	struct xw_failure *f = &ctx->fail;
	va_list ap;
	bool ours;

	va_start(ap, fmt);
	ours = record(ctx, exit_code, err, object, fmt, ap);
	va_end(ap);
	if (ours && reason)
		xw_escape(reason, strlen(reason), f->kernel_reason,
			  sizeof(f->kernel_reason));
	return err ? -err : -EINVAL;
}

int xw_fail_errno(struct xw_ctx *ctx, int err, const char *object,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, xw_exit_for_errno(err), err, object, fmt, ap);
	va_end(ap);
	return err ? -err : -EINVAL;
}

void xw_debug(const struct xw_ctx *ctx, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (ctx->verbose < level)
		return;
	n = snprintf(line, sizeof(line), "xdpwire %s: ", ctx->cmd);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	write_line(STDERR_FILENO, line, (size_t)n, sizeof(line));
}

static size_t format_change(struct json_object *c, char *buf, size_t size);

void xw_warn(struct xw_ctx *ctx, const char *object, const char *fmt, ...)
{
	char what[512], line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "%s%s%s", object ?: "",
		     object ? ": " : "", what);
	json_object_array_add(ctx->warnings, json_object_new_string(line));
	n = snprintf(line, sizeof(line), "xdpwire %s: warning: %s%s%s",
		     ctx->cmd, object ?: "", object ? ": " : "", what);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	write_line(STDERR_FILENO, line, (size_t)n, sizeof(line));
}

void xw_change(struct xw_ctx *ctx, const struct xw_change *c)
{
	struct json_object *o = json_object_new_object();
	char line[1024];

	if (!o)
		return;
	xw_json_add_str(o, "action", c->action);
	xw_json_add_str(o, "object", c->object);
	if (c->path)
		xw_json_add_str(o, "path", c->path);
	if (c->id)
		xw_json_add_u64(o, "id", c->id);
	if (c->detail)
		xw_json_add_str(o, "detail", c->detail);
	json_object_array_add(ctx->changes, o);
	/* Under -v the changes show as they happen, rolled back or not. */
	if (ctx->verbose) {
		format_change(o, line, sizeof(line));
		xw_debug(ctx, 1, "%s", line);
	}
}

size_t xw_change_mark(const struct xw_ctx *ctx)
{
	return json_object_array_length(ctx->changes);
}

void xw_change_rollback(struct xw_ctx *ctx, size_t mark)
{
	size_t n = json_object_array_length(ctx->changes);

	if (n > mark)
		json_object_array_del_idx(ctx->changes, mark, n - mark);
}

bool xw_changed(const struct xw_ctx *ctx)
{
	return !ctx->dry_run && json_object_array_length(ctx->changes) > 0;
}

void xw_out_json(struct xw_ctx *ctx, const char *key, struct json_object *val)
{
	xw_json_add(ctx->doc, key, val);
}

void xw_out_str(struct xw_ctx *ctx, const char *key, const char *val)
{
	xw_json_add_str(ctx->doc, key, val);
}

void xw_out_u64(struct xw_ctx *ctx, const char *key, uint64_t val)
{
	xw_json_add_u64(ctx->doc, key, val);
}

void xw_out_u16_list(struct xw_ctx *ctx, const char *key, const uint16_t *v,
		     size_t n)
{
	struct json_object *list = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(list, json_object_new_int(v[i]));
	xw_out_json(ctx, key, list);
}

void xw_summary(struct xw_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->summary, sizeof(ctx->summary), fmt, ap);
	va_end(ap);
}

/*
 * "object: what: errno text".  A missing capability was named up front
 * (caps.c); a refusal that comes later is about something else (another
 * user's pins, ptrace access), which no capability list would explain.
 */
static void failure_text(const struct xw_ctx *ctx, char *buf, size_t size)
{
	const struct xw_failure *f = &ctx->fail;

	snprintf(buf, size, "%s%s%s%s%s", f->object, f->object[0] ? ": " : "",
		 f->what, f->err ? ": " : "", f->err ? strerror(f->err) : "");
}

static void print_error_line(const struct xw_ctx *ctx)
{
	char text[1024], line[1100];
	int n;

	failure_text(ctx, text, sizeof(text));
	n = snprintf(line, sizeof(line), "xdpwire %s: %s", ctx->cmd, text);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	write_line(STDERR_FILENO, line, (size_t)n, sizeof(line));
}

/* The error member carries the same text as the stderr line, minus prefix. */
static struct json_object *error_doc(const struct xw_ctx *ctx)
{
	const struct xw_failure *f = &ctx->fail;
	struct json_object *doc = json_object_new_object();
	char text[1024];

	failure_text(ctx, text, sizeof(text));
	xw_json_add_int(doc, "version", XW_JSON_VERSION);
	xw_json_add_str(doc, "command", ctx->cmd);
	xw_json_add_str(doc, "error", text);
	xw_json_add_int(doc, "exit_code", f->exit_code);
	if (f->err)
		xw_json_add_str(doc, "errno", strerrorname_np(f->err) ?: "?");
	if (f->kernel_reason[0])
		xw_json_add_str(doc, "kernel_reason", f->kernel_reason);
	return doc;
}

static struct json_object *result_doc(struct xw_ctx *ctx)
{
	struct json_object *doc = json_object_new_object();
	struct json_object_iterator it, end;

	xw_json_add_int(doc, "version", XW_JSON_VERSION);
	xw_json_add_str(doc, "command", ctx->cmd);
	xw_json_add_bool(doc, "changed", xw_changed(ctx));
	it = json_object_iter_begin(ctx->doc);
	end = json_object_iter_end(ctx->doc);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
		xw_json_add(doc, json_object_iter_peek_name(&it),
			    json_object_get(json_object_iter_peek_value(&it)));
	xw_json_add(doc, "changes", json_object_get(ctx->changes));
	if (json_object_array_length(ctx->warnings))
		xw_json_add(doc, "warnings", json_object_get(ctx->warnings));
	return doc;
}

/*
 * Under -p the document is printed once plain and parsed back: the arrays
 * of json.c keep their elements as plain text, which json-c cannot
 * indent in place.  Only people read -p, so its cost does not matter.
 */
static int print_json(const struct xw_ctx *ctx, struct json_object *doc)
{
	const char *text;
	char *valid;
	struct json_object *again = NULL;
	int err;

	/* Streamed arrays (scrape's routes) go out as they are made. */
	if (!ctx->pretty)
		xw_json_stream_to(stdout);
	text = json_object_to_json_string_ext(doc, XW_JSON_FLAGS);
	err = errno;
	xw_json_stream_to(NULL);
	/* A document cut short, not ended: by a write, or out of memory. */
	if (!text)
		return ferror(stdout) ? (err ?: EIO) : ENOMEM;
	valid = xw_json_valid_utf8(text);
	if (valid)
		text = valid;
	if (ctx->pretty)
		again = json_tokener_parse(text);
	if (again)
		text = json_object_to_json_string_ext(again,
						      XW_JSON_PRETTY_FLAGS);
	fputs(text, stdout);
	fputc('\n', stdout);
	json_object_put(again);
	free(valid);
	return 0;
}

/* Appends to buf without ever running past it; returns the new length. */
static size_t append(char *buf, size_t size, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= size - 1)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return len;
	return len + (size_t)n < size ? len + (size_t)n : size - 1;
}

/*
 * A change as a line of text: "pinned map PATH (id N)" when it has a path,
 * "attached program N to v0, native mode" when it has none.
 */
static size_t format_change(struct json_object *c, char *buf, size_t size)
{
	const char *path = xw_json_get_str(c, "path");
	const char *id = xw_json_get_str(c, "id");
	const char *detail = xw_json_get_str(c, "detail");
	size_t n;

	buf[0] = '\0';
	n = append(buf, size, 0, "%s %s", xw_json_get_str(c, "action"),
		   xw_json_get_str(c, "object"));
	if (path) {
		n = append(buf, size, n, " %s", path);
		if (id)
			n = append(buf, size, n, " (id %s)", id);
	} else if (id) {
		n = append(buf, size, n, " %s", id);
	}
	if (detail)
		n = append(buf, size, n, "%s%s", path ? ": " : " ", detail);
	return n;
}

static void print_changes(const struct xw_ctx *ctx)
{
	size_t i, n = json_object_array_length(ctx->changes);
	char line[1024];

	for (i = 0; i < n; i++) {
		format_change(json_object_array_get_idx(ctx->changes, i), line,
			      sizeof(line));
		puts(line);
	}
}

int xw_ctx_finish(struct xw_ctx *ctx)
{
	struct json_object *doc = NULL;
	int code = ctx->fail.exit_code, cut = 0;

	/* libbpf's warnings, held back: noise when permission was lacking. */
	xw_log_flush(code == XW_EXIT_NOPERM);
	if (code) {
		print_error_line(ctx);
		if (ctx->json)
			doc = error_doc(ctx);
	} else if (ctx->json) {
		doc = result_doc(ctx);
	} else if (!ctx->quiet) {
		print_changes(ctx);
		if (ctx->summary[0])
			printf("%s\n", ctx->summary);
	}
	if (doc) {
		cut = print_json(ctx, doc);
		json_object_put(doc);
	}
	/* A full disk or closed pipe must not look like success to a script. */
	if (cut || fflush(stdout) || ferror(stdout)) {
		xw_fail(ctx, XW_EXIT_OSERR, cut ?: errno, "stdout",
			"write error");
		if (!code) {
			print_error_line(ctx);
			code = XW_EXIT_OSERR;
		}
	}
	if (ctx->after_output)
		ctx->after_output(ctx, !code, ctx->after_output_arg);
	return code ?: ctx->result_code;
}
