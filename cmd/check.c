/*
 * check: will an install work on this device, here, with this run's
 * privileges; each finding ok, warn or fail with why and the fix.
 * Changes nothing, except the channels with --set-channels.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/report.h"
#include "diag/check.h"
#include "diag/finding.h"
#include "cmds.h"

extern const struct xw_cmd xw_cmd_redirect_install;
extern const struct xw_cmd xw_cmd_tunnel_install;

struct check_opts {
	struct xw_common_opts common;
	const char *install;
	uint32_t set_channels;
	enum xw_check_install kind;
};

static const struct xw_option options[] = {
	XW_OPTION("install", XW_OPT_STRING, struct check_opts, install,
		  .metavar = "INSTALL", .once = true,
		  .help = "The install to check for: redirect or tunnel (default: redirect)"),
	XW_OPTION("set-channels", XW_OPT_U32, struct check_opts, set_channels,
		  .metavar = "N",
		  .help = "Set the device's RX channels to N first (ethtool -L), the one change check makes",
		  .what = "a number of channels (1-65535)", .min = 1,
		  .max = 65535),
	{ 0 }
};

static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	struct check_opts *o = opts;

	if (!o->install || !strcmp(o->install, "redirect")) {
		o->kind = XW_CHECK_REDIRECT;
	} else if (!strcmp(o->install, "tunnel")) {
		o->kind = XW_CHECK_TUNNEL;
	} else {
		char arg[64];

		xw_escape(o->install, strlen(o->install), arg, sizeof(arg));
		xw_fail(ctx, XW_EXIT_DATAERR, 0, "--install",
			"'%s' is not an install (redirect or tunnel)", arg);
		return EINVAL;
	}
	return 0;
}

static const struct check_opts defaults = { .install = NULL };

/* Only --set-channels changes something: ETHTOOL_SCHANNELS. */
static size_t caps(const void *opts, struct xw_caps_need *needs)
{
	const struct check_opts *o = opts;

	if (!o->set_channels)
		return 0;
	needs[0] = (struct xw_caps_need){
		.caps = XW_CAP(CAP_NET_ADMIN),
		.why = "--set-channels changes the device's channels"
	};
	return 1;
}

const struct xw_cmd xw_cmd_check = {
	XW_CMD_PARTS(check),
	.name = "check",
	.synopsis = "will an install work on this device, and if not, why",
	.doc = "Inspect a device before an install and report each finding as ok, "
	       "warn or fail, with why and the fix: the XDP features its driver "
	       "declares (xdp-features, multi-buffer), its MTU against the "
	       "single-buffer limit of native XDP (mtu), its RX queues against a "
	       "runtime's sockets (queues), for a veth whether its peer can receive "
	       "redirected frames (peer) and GRO (gro), the bpffs root (bpffs), this "
	       "run's capabilities against the install's (privileges) and a program "
	       "already attached (attached).  Needs no capability; exits 1 when a "
	       "finding fails.  Changes nothing, except the channels with "
	       "--set-channels.\v"
	       "Examples:\n"
	       "  xdpwire check --device eth0\n"
	       "  xdpwire check -j --device eth0 --install tunnel\n"
	       "  xdpwire check --device eth0 --set-channels 1",
	.check = check_options,
	.caps = caps,
	.needs = XW_NEEDS_DEVICE,
};

/* What the install's own command declares, read from its table row. */
static size_t install_needs(enum xw_check_install kind,
			    struct xw_caps_need *needs)
{
	const struct xw_cmd *cmd = kind == XW_CHECK_TUNNEL ?
					   &xw_cmd_tunnel_install :
					   &xw_cmd_redirect_install;
	size_t n = 0;

	if (cmd->need.caps)
		needs[n++] = cmd->need;
	if (cmd->caps)
		n += cmd->caps(cmd->defaults, needs + n);
	return n;
}

int cmd_check(struct xw_ctx *ctx, void *opts)
{
	struct check_opts *o = opts;
	struct xw_check_request req = {
		.target = &o->common.target,
		.bpffs = o->common.bpffs,
		.install = o->kind,
		.set_channels = o->set_channels,
	};
	struct xw_findings f = { 0 };
	int err;

	req.n_needs = install_needs(o->kind, req.needs);
	err = xw_check_run(ctx, &req, &f);
	if (err && !xw_failed(ctx))
		xw_fail_errno(ctx, -err, "check", "cannot run the checks");
	if (xw_failed(ctx))
		goto out;
	if (!ctx->json && !ctx->quiet)
		xw_findings_print(&f, stdout);
	xw_out_str(ctx, "device", o->common.target.dev.name);
	xw_out_str(ctx, "install", xw_check_install_name(o->kind));
	xw_out_json(ctx, "findings", xw_findings_json(&f));
	xw_summary(ctx, "%zu ok, %zu warn, %zu fail", f.count[XW_LEVEL_OK],
		   f.count[XW_LEVEL_WARN], f.count[XW_LEVEL_FAIL]);
	if (f.count[XW_LEVEL_FAIL])
		ctx->result_code = XW_EXIT_NOT_OK;
out:
	xw_findings_free(&f);
	return err;
}
