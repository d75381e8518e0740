/*
 * verify: is an installed program doing what its install says.  Canonical
 * frames run through the program the device runs (BPF_PROG_TEST_RUN, no
 * live frames) and each verdict is compared with what the install's
 * configuration and maps say it must be.  Changes nothing but the
 * install's counters, which count verify's frames like any frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bpf/xw_abi.h"
#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/report.h"
#include "diag/verify.h"
#include "inspect/status.h"
#include "cmds.h"

/* The state directory scrape --steal uses too; verify's is verify/ in it. */
#define XW_VERIFY_STATE_DIR "/run/xdpwire"

struct verify_opts {
	struct xw_common_opts common;
	uint16_t ports[XW_MAX_PASS_PORTS];
	size_t n_ports;
};

static const struct xw_option options[] = {
	XW_OPTION("pass-port", XW_OPT_PORTS, struct verify_opts, ports,
		  .metavar = "PORT",
		  .help = "A pass port the install is configured with (its XDPWIRE_OPTS); repeatable, up to 16 (default: the program's own)",
		  .given = offsetof(struct verify_opts, n_ports)),
	{ 0 }
};

static const struct verify_opts defaults = { .n_ports = 0 };

const struct xw_cmd xw_cmd_verify = {
	XW_CMD_PARTS(verify),
	/* Programs and maps are read by id, as status reads them. */
	.need = { .caps = XW_CAP(CAP_SYS_ADMIN),
		  .why = "verify reads programs and maps by id and runs frames through them" },
	.name = "verify",
	.synopsis = "run test frames through each install's program",
	.doc = "Run canonical frames (UDP and TCP over IPv4 and IPv6, TCP to each "
	       "pass port, VLAN-tagged, ARP, IPv6 neighbour solicitation, a "
	       "truncated frame) through the program attached to each install's "
	       "device with BPF_PROG_TEST_RUN, without sending anything, and "
	       "compare each verdict with the one the install's configuration and "
	       "maps predict; judge the program attached, its pass ports, each "
	       "queue's socket, slot 0, the sandboxes and the device's redirect "
	       "errors since the last run.  Each install is verified in its own "
	       "network namespace.  Exit 1 when a finding fails.  verify's frames "
	       "are counted by the program like any frame.\v"
	       "Examples:\n"
	       "  xdpwire verify\n"
	       "  xdpwire verify --device eth0 --pass-port 22 -j",
	/* It changes nothing: -q would have nothing to silence. */
	.output = &xw_output_noquiet_argp,
	.needs = XW_NEEDS_BPFFS | XW_DEVICE_MAY_BE_GONE,
};

int cmd_verify(struct xw_ctx *ctx, void *opts)
{
	struct verify_opts *o = opts;
	struct xw_common_opts *c = &o->common;
	const struct xw_status_scope scope = {
		.fs = &c->target.fs,
		.ns = &c->target.ns,
		.netns = c->netns,
		.device = c->target.have_dev ? c->target.dev.name : NULL,
		.ifindex = c->target.dev.ifindex,
	};
	const char *state_dir = getenv("XDPWIRE_STATE_DIR");
	struct xw_verify_opts vo = {
		.ports = o->ports,
		.n_ports = o->n_ports,
		.state_dir = state_dir && *state_dir ? state_dir :
						       XW_VERIFY_STATE_DIR,
	};
	struct xw_verify_report r;
	size_t fails;
	int err;

	err = xw_verify_collect(ctx, &scope, &vo, &r);
	if (err)
		return err;
	fails = r.fails;
	if (r.text)
		fputs(r.text, stdout);
	xw_out_json(ctx, "installs", r.installs);
	r.installs = NULL; /* the output's now */
	xw_summary(ctx, "%zu install(s) verified, %zu finding(s) fail", r.n,
		   fails);
	if (fails)
		ctx->result_code = XW_EXIT_NOT_OK;
	xw_verify_report_free(&r);
	return 0;
}
