/*
 * status: every install under the bpffs root (or one device's), what the
 * kernel says of it, and one health word each, judged in the network
 * namespace the install belongs to.  Changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/version.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/file_replace.h"
#include "core/report.h"
#include "inspect/status.h"
#include "inspect/status_metrics.h"
#include "inspect/status_text.h"
#include "cmds.h"

struct status_opts {
	struct xw_common_opts common;
	bool check;
	bool metrics;
	const char *output;
};

static const struct xw_option options[] = {
	XW_OPTION("check", XW_OPT_FLAG, struct status_opts, check,
		  .help = "Exit 1 when an install shown is not ok (for health probes); the output is the same"),
	XW_OPTION("metrics", XW_OPT_FLAG, struct status_opts, metrics,
		  .help = "Print the installs as Prometheus metrics (text format 0.0.4) instead of the table"),
	XW_OPTION("output", XW_OPT_STRING, struct status_opts, output,
		  .metavar = "FILE", .once = true,
		  .help = "With --metrics: replace FILE atomically instead of printing (node_exporter's textfile collector)"),
	{ 0 }
};

/*
 * -q silences the table, which only --check makes meaningful, or the line
 * that says --output's file was written.  The metrics are text for a
 * collector: no JSON document holds them.
 */
static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	const struct status_opts *o = opts;

	if (o->metrics && ctx->json) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--metrics",
			"cannot be combined with -j/--json or -p/--pretty: the metrics are text (see --help)");
		return EINVAL;
	}
	if (o->output && !o->metrics) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--output",
			"applies only with --metrics (see --help)");
		return EINVAL;
	}
	if (ctx->quiet && !o->check && !o->output) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "-q/--quiet",
			"does not apply to status without --check or --output (see --help)");
		return EINVAL;
	}
	return 0;
}

static const struct status_opts defaults = { .check = false,
					     .metrics = false,
					     .output = NULL };

const struct xw_cmd xw_cmd_status = {
	XW_CMD_PARTS(status),
	/*
	 * The health of an install is read through the ids its link and
	 * program name (BPF_*_GET_FD_BY_ID), which only CAP_SYS_ADMIN may
	 * use: without it every install would look broken.
	 */
	.need = { .caps = XW_CAP(CAP_SYS_ADMIN),
		  .why = "status reads programs and maps by id" },
	.name = "status",
	.synopsis = "every install's pins, programs, maps and health",
	.doc = "Show every install of xdpwire under the bpffs root (or --device's): "
	       "its program, attach mode and link, its maps' slots and counters, "
	       "and one health word: ok, stale (the device is gone or the link "
	       "detached), broken (a pin missing or wrong, or the program attached "
	       "without our pins), other-netns (attached in a network namespace "
	       "that could not be found to judge it in); entries that belong to no "
	       "install are foreign.  Each install is judged in its own namespace: "
	       "netns:<inode>/ directories in the namespace of that inode, a link "
	       "attached elsewhere in the namespace that has the device.  With "
	       "--check, exit 1 unless every install shown is ok.  With "
	       "--metrics, the same in the Prometheus text format, on stdout or "
	       "written atomically to --output's file for node_exporter's "
	       "textfile collector (the only thing status changes).\v"
	       "Examples:\n"
	       "  xdpwire status\n"
	       "  xdpwire status -j --device eth0\n"
	       "  xdpwire status --check -q --device eth0\n"
	       "  xdpwire status --metrics --output xdpwire.prom",
	.check = check_options,
	.needs = XW_NEEDS_BPFFS | XW_DEVICE_MAY_BE_GONE,
};

/*
 * The families are rendered in memory as the walk goes (status_metrics.h):
 * a failure half-way leaves neither half a file nor half a stdout.  Only
 * the file needs one more copy, to be replaced whole.
 */
static int put_metrics(struct xw_ctx *ctx, const struct status_opts *o,
		       const struct xw_status_report *r)
{
	const char *version = xw_version_string();
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	/* On stdout, a write error (-EIO) shows when it is flushed at the end. */
	if (!o->output) {
		err = xw_status_metrics_print(r->metrics, version, stdout);
		return err == -ENOMEM ?
			       xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
				       "cannot build the metrics") :
			       0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the metrics");
	err = xw_status_metrics_print(r->metrics, version, f);
	if (fclose(f) || err) {
		free(text);
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the metrics");
	}
	err = xw_file_replace(ctx, o->output, "metrics", text, len);
	free(text);
	return err;
}

int cmd_status(struct xw_ctx *ctx, void *opts)
{
	struct status_opts *o = opts;
	struct xw_common_opts *c = &o->common;
	const struct xw_status_scope scope = {
		.fs = &c->target.fs,
		.ns = &c->target.ns,
		.netns = c->netns,
		.device = c->target.have_dev ? c->target.dev.name : NULL,
		.ifindex = c->target.dev.ifindex,
	};
	unsigned int render = o->metrics		? XW_STATUS_METRICS :
			      !ctx->json && !ctx->quiet ? XW_STATUS_TABLE :
							  0;
	struct xw_status_report r;
	int err;

	err = xw_status_collect(ctx, &scope, render, &r);
	if (err)
		return err;
	if (r.metrics)
		err = put_metrics(ctx, o, &r);
	if (r.table)
		xw_status_table_print(r.table, stdout);
	xw_out_str(ctx, "bpffs", c->target.fs.path);
	xw_out_json(ctx, "directories", r.dirs);
	r.dirs = NULL; /* the output's now */
	/* On stdout, the metrics are all there is: a collector reads it. */
	if (!o->metrics || o->output)
		xw_summary(ctx, "%zu install(s), %zu ok, %zu not", r.n_installs,
			   r.n_ok, r.n_installs - r.n_ok);
	if (!err && o->check && r.n_ok < r.n_installs)
		ctx->result_code = XW_EXIT_NOT_OK;
	xw_status_report_free(&r);
	return err;
}
