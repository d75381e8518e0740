/*
 * A diagnosis as a list of findings, each ok, warn or fail with why and,
 * when not ok, the fix: what check and verify print.  One renderer for
 * both, so an operator reads them the same way, and a script reads one
 * JSON array of {"check", "level", "why", "fix"} from either.
 */
#ifndef XW_FINDING_H
#define XW_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

enum xw_level {
	XW_LEVEL_OK,
	XW_LEVEL_WARN, /* works, but not as the operator may think */
	XW_LEVEL_FAIL, /* will not work, or does not */
};

struct xw_finding {
	enum xw_level level;
	char check[64]; /* what was looked at: "mtu", "queues", "frame udp4" */
	char why[512];
	char fix[512]; /* "" when there is nothing to do */
};

struct xw_findings {
	struct xw_finding *v;
	size_t n, cap;
	size_t count[XW_LEVEL_FAIL + 1]; /* by level */
};

/*
 * Adds a finding; fix may be NULL.  why is formatted; user input in it
 * must already be escaped (xw_escape).  -ENOMEM when it cannot be kept.
 */
int xw_finding_add(struct xw_findings *f, enum xw_level level,
		   const char *check, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "ok", "warn", "fail". */
const char *xw_level_name(enum xw_level level);

/*
 * Text, a finding a line: "fail  mtu  why", then "      fix: ..." under
 * it.  Every finding is listed, ok ones too: the operator sees what was
 * looked at, not only what is wrong.
 */
void xw_findings_print(const struct xw_findings *f, FILE *out);

/* The JSON array of the findings, in order (a new object). */
struct json_object *xw_findings_json(const struct xw_findings *f);

void xw_findings_free(struct xw_findings *f);

#endif /* XW_FINDING_H */
