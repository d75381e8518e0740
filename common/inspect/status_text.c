#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/report.h"
#include "inspect/status_text.h"

enum {
	COL_WHERE,
	COL_KIND,
	COL_HEALTH,
	COL_PROG,
	COL_MODE,
	COL_LINK,
	COL_COUNTERS,
	COL_SLOTS,
	N_COLS
};

static const char *const heading[N_COLS] = {
	"DEVICE",
	"INSTALL",
	"HEALTH",
	"PROGRAM",
	"MODE",
	"LINK",
	"FWD/PORT/NONE/SHORT",
	"SLOTS",
};

#define GAP 2 /* spaces between columns */

/*
 * A row: its first n cells are columns; tail, if any, is free text from
 * column n on (a reason, a list of names) and widens nothing.
 */
struct row {
	char *cell[N_COLS];
	int n;
	char *tail;
};

struct xw_status_table {
	struct row *rows;
	size_t n, cap;
};

static struct json_object *get(struct json_object *o, const char *key)
{
	return o ? json_object_object_get(o, key) : NULL;
}

/* The value as text, NULL when absent or null. */
static const char *opt(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

static const char *str(struct json_object *o, const char *key)
{
	return opt(o, key) ?: "-";
}

/*
 * Appends s to the stream with control characters and invalid UTF-8 as
 * \xHH (xw_escape): names come from the bpffs, where anybody with access
 * can pin anything, and must not drive the terminal.
 */
static void put_escaped(FILE *f, const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(4 * len + 1);

	if (!out)
		return;
	xw_escape(s, len, out, 4 * len + 1);
	fputs(out, f);
	free(out);
}

/* A new string: printf's output with control characters escaped. */
static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *text(const char *fmt, ...)
{
	char *raw = NULL, *out = NULL;
	size_t len = 0;
	va_list ap;
	FILE *f;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	f = open_memstream(&out, &len);
	if (f) {
		put_escaped(f, raw);
		if (fclose(f)) {
			free(out);
			out = NULL;
		}
	}
	free(raw);
	return out;
}

static struct row *new_row(struct xw_status_table *t)
{
	struct row *grown;

	if (t->n == t->cap) {
		grown = realloc(t->rows, (t->cap * 2 + 16) * sizeof(*grown));
		if (!grown)
			return NULL;
		t->rows = grown;
		t->cap = t->cap * 2 + 16;
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[t->n]));
	return &t->rows[t->n++];
}

/* The row's cells; false (the row half-made, freed later) on ENOMEM. */
static bool set(struct row *r, int col, char *s)
{
	r->cell[col] = s;
	if (col >= r->n)
		r->n = col + 1;
	return s;
}

/* "q0:1 q1:?" for an XSKMAP (? where unknown), "0->h0" for a DEVMAP. */
static char *slots_text(struct json_object *maps)
{
	char *buf = NULL;
	size_t len = 0, k;
	bool any = false;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_object_object_foreach(maps, name, m)
	{
		struct json_object *slots = get(m, "slots");

		(void)name;
		for (k = 0; slots && k < json_object_array_length(slots); k++) {
			struct json_object *s =
				json_object_array_get_idx(slots, k);

			fputs(any ? " " : "", f);
			any = true;
			if (get(s, "queue"))
				fprintf(f, "q%s:%s", str(s, "queue"),
					opt(s, "sockets_bound") ?: "?");
			else
				fprintf(f, "%s->%s", str(s, "key"),
					opt(s, "device") ?: str(s, "ifindex"));
		}
	}
	if (!any)
		fputs("-", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *counters_text(struct json_object *maps)
{
	json_object_object_foreach(maps, name, m)
	{
		struct json_object *c = get(m, "counters");

		(void)name;
		if (c)
			return text("%s/%s/%s/%s", str(c, "forwarded"),
				    str(c, "pass_port"), str(c, "no_target"),
				    str(c, "malformed"));
	}
	return text("-");
}

/* A line under an install, from the INSTALL column on; widens nothing. */
static int add_note(struct xw_status_table *t, char *note)
{
	struct row *r = note ? new_row(t) : NULL;

	if (!r || !set(r, COL_WHERE, text("%s", ""))) {
		free(note);
		return -ENOMEM;
	}
	r->tail = note;
	return 0;
}

/*
 * Under an install: whose it is when it is the runtime's own, and under
 * an unhealthy one the command that repairs it, if any.
 */
static int add_repair(struct xw_status_table *t, struct json_object *in)
{
	const char *repair = opt(in, "repair");

	if (!strcmp(str(in, "owner"), "runtime") &&
	    add_note(t, text("owner: the runtime's own (its program, judged "
			     "by its link and device)")))
		return -ENOMEM;
	if (!strcmp(str(in, "health"), "ok"))
		return 0;
	return add_note(t, text("repair: %s",
				repair ?: "no command for it (see why)"));
}

/* "10.80.1.1 fd80::1:1", or "-" for none. */
static char *addresses_text(struct json_object *addrs)
{
	char *buf = NULL;
	size_t len = 0, k, n = addrs ? json_object_array_length(addrs) : 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (k = 0; k < n; k++)
		fprintf(f, "%s%s", k ? " " : "",
			json_object_get_string(
				json_object_array_get_idx(addrs, k)));
	if (!n)
		fputs("-", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Under a tunnel host install, a line per sandbox (its veth, or the
 * ifindex of one that is gone), and under one that is not ok why and its
 * repair; or why there is no list.
 */
static int add_sandboxes(struct xw_status_table *t, struct json_object *in)
{
	struct json_object *list = get(in, "sandboxes");
	size_t k;

	if (!list)
		return opt(in, "sandboxes_note") ?
			       add_note(t, text("sandboxes: none listed: %s",
						str(in, "sandboxes_note"))) :
			       0;
	for (k = 0; k < json_object_array_length(list); k++) {
		struct json_object *s = json_object_array_get_idx(list, k);
		char *addrs = addresses_text(get(s, "addresses"));
		char veth[32];
		int err;

		if (!addrs)
			return -ENOMEM;
		if (opt(s, "veth"))
			snprintf(veth, sizeof(veth), "%s", str(s, "veth"));
		else
			snprintf(veth, sizeof(veth), "ifindex:%s",
				 str(s, "ifindex"));
		err = add_note(t, text("sandbox %s %s %s", veth,
				       str(s, "health"), addrs));
		free(addrs);
		if (err)
			return err;
		if (!strcmp(str(s, "health"), "ok"))
			continue;
		if (add_note(t, text("  %s: %s", str(s, "health"),
				     str(s, "why"))) ||
		    add_note(t, text("  repair: %s",
				     opt(s, "repair") ?:
					     "no command for it (see why)")))
			return -ENOMEM;
	}
	return 0;
}

static int add_install(struct xw_status_table *t, const char *where,
		       struct json_object *in)
{
	struct json_object *prog = get(in, "program"), *link = get(in, "link");
	struct row *r = new_row(t);
	const char *why = opt(in, "why");
	char *slots;
	bool ok;

	if (!r)
		return -ENOMEM;
	ok = set(r, COL_WHERE, text("%s", where)) &&
	     set(r, COL_KIND, text("%s", str(in, "kind"))) &&
	     set(r, COL_HEALTH, text("%s", str(in, "health")));
	ok = ok &&
	     set(r, COL_PROG,
		 prog ? text("%s %s", str(prog, "id"), str(prog, "name")) :
			text("-"));
	ok = ok && set(r, COL_MODE, text("%s", str(in, "mode")));
	if (link && json_object_get_boolean(get(link, "attached")))
		ok = ok &&
		     set(r, COL_LINK,
			 text("%s -> %s", str(link, "id"),
			      opt(link, "device") ?: str(link, "ifindex")));
	else
		ok = ok && set(r, COL_LINK,
			       link ? text("%s detached", str(link, "id")) :
				      text("-"));
	ok = ok && set(r, COL_COUNTERS, counters_text(get(in, "maps")));
	slots = ok ? slots_text(get(in, "maps")) : NULL;
	ok = ok && set(r, COL_SLOTS, slots ? text("%s", slots) : NULL);
	free(slots);
	if (!ok)
		return -ENOMEM;
	if (why && add_note(t, text("%s: %s", str(in, "health"), why)))
		return -ENOMEM;
	return add_repair(t, in) ?: add_sandboxes(t, in);
}

static int add_names(struct xw_status_table *t, const char *where,
		     const char *what, struct json_object *names)
{
	size_t k, n = json_object_array_length(names), len = 0;
	char *list = NULL;
	struct row *r;
	FILE *f;

	if (!n)
		return 0;
	r = new_row(t);
	if (!r || !set(r, COL_WHERE, text("%s", where)) ||
	    !set(r, COL_KIND, text("%s", what)) ||
	    !set(r, COL_HEALTH, text("-")))
		return -ENOMEM;
	f = open_memstream(&list, &len);
	if (!f)
		return -ENOMEM;
	for (k = 0; k < n; k++) {
		fputs(k ? ", " : "", f);
		put_escaped(f, json_object_get_string(
				       json_object_array_get_idx(names, k)));
	}
	if (fclose(f)) {
		free(list);
		return -ENOMEM;
	}
	r->tail = list;
	return 0;
}

struct xw_status_table *xw_status_table_new(void)
{
	return calloc(1, sizeof(struct xw_status_table));
}

int xw_status_table_add_dir(struct xw_status_table *t, struct json_object *d)
{
	struct json_object *ins = get(d, "installs");
	char where[64];
	struct row *r;
	size_t i;
	int err = 0;

	snprintf(where, sizeof(where), "%s%s%s", opt(d, "netns") ?: "",
		 opt(d, "netns") ? "/" : "", str(d, "device"));
	for (i = 0; !err && i < json_object_array_length(ins); i++)
		err = add_install(t, where, json_object_array_get_idx(ins, i));
	if (!err)
		err = add_names(t, where, "(foreign)", get(d, "foreign"));
	if (!err)
		err = add_names(t, where, "(temporary)", get(d, "temporary"));
	if (err || !json_object_get_boolean(get(d, "empty")))
		return err;
	r = new_row(t);
	if (!r || !set(r, COL_WHERE, text("%s", where)) ||
	    !set(r, COL_KIND, text("(empty)")) ||
	    !set(r, COL_HEALTH, text("-")))
		return -ENOMEM;
	return 0;
}

static void print_row(FILE *f, const size_t *width, const char *const *cell,
		      int n, const char *tail)
{
	int c;

	for (c = 0; c < n; c++) {
		if (c == n - 1 && !tail)
			fputs(cell[c], f); /* no trailing blanks */
		else
			fprintf(f, "%-*s", (int)(width[c] + GAP), cell[c]);
	}
	if (tail)
		fputs(tail, f);
	fputc('\n', f);
}

void xw_status_table_print(const struct xw_status_table *t, FILE *f)
{
	size_t width[N_COLS], i;
	int c;

	if (!t->n)
		return; /* no heading over nothing */
	for (c = 0; c < N_COLS; c++)
		width[c] = strlen(heading[c]);
	for (i = 0; i < t->n; i++)
		for (c = 0; c < t->rows[i].n; c++)
			if (strlen(t->rows[i].cell[c]) > width[c])
				width[c] = strlen(t->rows[i].cell[c]);
	print_row(f, width, heading, N_COLS, NULL);
	for (i = 0; i < t->n; i++)
		print_row(f, width, (const char *const *)t->rows[i].cell,
			  t->rows[i].n, t->rows[i].tail);
}

void xw_status_table_free(struct xw_status_table *t)
{
	size_t i;
	int c;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		for (c = 0; c < N_COLS; c++)
			free(t->rows[i].cell[c]);
		free(t->rows[i].tail);
	}
	free(t->rows);
	free(t);
}
