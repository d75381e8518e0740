/*
 * verify: is an installed program doing what its install says.  Canonical
 * frames (verify_frames.h) run through the program the device actually
 * runs (verify_run.h), and each verdict is compared with the one a model
 * written from the install's configuration and maps predicts, never from
 * the program; the state around it (the program attached, its pass
 * ports, each queue's socket, slot 0 and the sandboxes) is judged beside
 * them.  Changes nothing but the install's counters, which count verify's
 * frames like any other.
 */
#ifndef XW_VERIFY_H
#define XW_VERIFY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/xw_abi.h"
#include "diag/finding.h"

struct json_object;
struct xw_ctx;
struct xw_found_dir;
struct xw_found_install;
struct xw_pindir;
struct xw_status_scope;

struct xw_verify_opts {
	/* The operator's pass ports (--pass-port); n_ports 0: not given. */
	const uint16_t *ports;
	size_t n_ports;
	/*
	 * The state directory ($XDPWIRE_STATE_DIR, /run/xdpwire): the
	 * counters' last readings are kept in its verify/ (redirect-errors).
	 */
	const char *state_dir;
};

/* One install's findings, and its frames as run (for -j). */
struct xw_verify_group {
	char device[IF_NAMESIZE];
	const char *kind;
	struct xw_findings f;
	struct json_object *frames; /* array, or NULL */
};

/*
 * The report of many installs, kept small: only the install being
 * verified is held as findings and frames; each one before it has been
 * rendered already, as text or as JSON text (xw_json_text_array), when
 * the next began.  1,000 installs' findings as structs and trees took
 * 60 MiB.
 */
struct xw_verify_report {
	struct xw_verify_group cur;
	bool have_cur;
	bool json; /* render as JSON (the run's -j), else as text */
	size_t n; /* installs, cur included */
	size_t fails; /* findings that fail, cur's once rendered */
	struct json_object *installs; /* JSON: a text array */
	FILE *text_f; /* text: a memory stream over text */
	char *text;
	size_t text_size;
};

/*
 * Verifies in, an install found in dir (d as inspected), in the network
 * namespace this runs in, which must be its own, into g.  -errno only on
 * a failure to run (recorded): what is wrong with the install is a
 * finding.
 */
int xw_verify_install(struct xw_ctx *ctx, const struct xw_pindir *dir,
		      struct xw_found_dir *d, struct xw_found_install *in,
		      const struct xw_verify_opts *o,
		      struct xw_verify_group *g);

/*
 * Every install of scope (status's walk: each judged in its namespace);
 * one that cannot be judged here is one warn finding.  With a device and
 * nothing installed for it: exit 66, recorded.
 */
int xw_verify_collect(struct xw_ctx *ctx, const struct xw_status_scope *s,
		      const struct xw_verify_opts *o,
		      struct xw_verify_report *r);

/*
 * A new group, r's current one, after rendering the one before; NULL
 * (ENOMEM) when either cannot be done.
 */
struct xw_verify_group *xw_verify_group_add(struct xw_verify_report *r,
					    const char *device,
					    const char *kind);
void xw_verify_report_free(struct xw_verify_report *r);

/*
 * Renders the last group; then r->text holds the text report (a heading
 * per install) or r->installs the JSON array {"installs": [{"device",
 * "kind", "findings", "frames"}]} takes, and r->fails counts every
 * group's failing findings.  -ENOMEM if it cannot.
 */
int xw_verify_report_finish(struct xw_verify_report *r);

#endif /* XW_VERIFY_H */
