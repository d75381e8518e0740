#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "diag/finding.h"

static const char *const level_names[] = {
	[XW_LEVEL_OK] = "ok",
	[XW_LEVEL_WARN] = "warn",
	[XW_LEVEL_FAIL] = "fail",
};

const char *xw_level_name(enum xw_level level)
{
	return level_names[level];
}

int xw_finding_add(struct xw_findings *f, enum xw_level level,
		   const char *check, const char *fix, const char *fmt, ...)
{
	struct xw_finding *x;
	va_list ap;

	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct xw_finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->level = level;
	snprintf(x->check, sizeof(x->check), "%s", check);
	snprintf(x->fix, sizeof(x->fix), "%s", fix ?: "");
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
	f->count[level]++;
	return 0;
}

/* The check column is as wide as the widest check, so whys line up. */
void xw_findings_print(const struct xw_findings *f, FILE *out)
{
	size_t i, w = 0;

	for (i = 0; i < f->n; i++)
		if (strlen(f->v[i].check) > w)
			w = strlen(f->v[i].check);
	for (i = 0; i < f->n; i++) {
		const struct xw_finding *x = &f->v[i];

		fprintf(out, "%-4s  %-*s  %s\n", xw_level_name(x->level),
			(int)w, x->check, x->why);
		if (x->fix[0])
			fprintf(out, "%-4s  %-*s  fix: %s\n", "", (int)w, "",
				x->fix);
	}
}

struct json_object *xw_findings_json(const struct xw_findings *f)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < f->n; i++) {
		const struct xw_finding *x = &f->v[i];
		struct json_object *o = json_object_new_object();

		xw_json_add_str(o, "check", x->check);
		xw_json_add_str(o, "level", xw_level_name(x->level));
		xw_json_add_str(o, "why", x->why);
		xw_json_add(o, "fix", xw_json_str_nonempty(x->fix));
		json_object_array_add(arr, o);
	}
	return arr;
}

void xw_findings_free(struct xw_findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
