/*
 * status's library: walks the pin directories of a bpffs root, judges
 * every install in the network namespace it belongs to (health.h) and
 * builds the report, as JSON text and as the text table's rows.  Reads
 * everything, changes nothing.  It takes the target as explicit pieces,
 * not the command line's options.
 */
#ifndef XW_STATUS_H
#define XW_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct xw_bpffs;
struct xw_ctx;
struct xw_found_dir;
struct xw_netns;
struct xw_pindir;
struct xw_repair_scope;
struct xw_status_metrics;
struct xw_status_table;

struct xw_status_scope {
	const struct xw_bpffs *fs; /* the root walked, opened and checked */
	const struct xw_netns *ns; /* whose pins: its netns:<inode>/ or root */
	const char *netns; /* --netns as given (repair commands), or NULL */
	const char *device; /* only this device's directory, or NULL: all */
	uint32_t ifindex; /* that device's now, 0 if there is none */
};

struct xw_status_report {
	/* "directories", kept as JSON text; empty with the metrics */
	struct json_object *dirs;
	struct xw_status_table *table; /* the text output's rows, or NULL */
	struct xw_status_metrics *metrics; /* --metrics' samples, or NULL */
	size_t n_installs, n_ok;
};

/* What xw_status_collect() renders besides the JSON document. */
#define XW_STATUS_TABLE 0x1 /* the text table's rows (true, as before) */
#define XW_STATUS_METRICS 0x2 /* the Prometheus samples (status_metrics.h) */

/*
 * Walks s into r, with the text table's rows and the metrics as render
 * asks.  On failure (recorded) r holds nothing.  Free r with
 * xw_status_report_free().
 */
int xw_status_collect(struct xw_ctx *ctx, const struct xw_status_scope *s,
		      unsigned int render, struct xw_status_report *r);
void xw_status_report_free(struct xw_status_report *r);

/* The report of the inspected directory d, as status -j shows it. */
struct json_object *xw_status_dir_json(struct xw_ctx *ctx,
				       const struct xw_repair_scope *scope,
				       const struct xw_pindir *dir,
				       struct xw_found_dir *d,
				       const char *judged_in);

#endif /* XW_STATUS_H */
