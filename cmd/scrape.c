/*
 * scrape: a network namespace's interfaces, addresses, routes, permanent
 * neighbours and default gateways, as a sandbox runtime copies them.
 * Changes nothing unless --steal.
 */
#include <stdbool.h>

#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/report.h"
#include "scrape/scrape_cmd.h"
#include "cmds.h"

struct scrape_opts {
	struct xw_common_opts common;
	bool steal;
	bool force;
	bool restore;
};

static const struct xw_option options[] = {
	XW_OPTION("steal", XW_OPT_FLAG, struct scrape_opts, steal,
		  .help = "After a complete read, remove the scraped addresses from their interfaces (not loopback's); all or nothing"),
	XW_OPTION("force", XW_OPT_FLAG, struct scrape_opts, force,
		  .help = "With --steal: also in the machine's initial network namespace"),
	XW_OPTION("restore", XW_OPT_FLAG, struct scrape_opts, restore,
		  .help = "Put back what a --steal killed midway took (its journal lists it), and nothing else"),
	{ 0 }
};

static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	const struct scrape_opts *o = opts;

	if (o->restore && (o->steal || o->common.devices_given)) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--restore",
			"goes with neither --steal nor --device: it puts back all the journal lists");
		return EINVAL;
	}
	if (o->force && !o->steal) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--force",
			"only goes with --steal");
		return EINVAL;
	}
	return 0;
}

static const struct scrape_opts defaults = { .steal = false };

/* Reading this namespace needs nothing; changing addresses does. */
static size_t caps(const void *opts, struct xw_caps_need *needs)
{
	const struct scrape_opts *o = opts;

	if (!o->steal && !o->restore)
		return 0;
	needs[0] = (struct xw_caps_need){
		.caps = XW_CAP(CAP_NET_ADMIN),
		.why = o->steal ? "--steal removes addresses" :
				  "--restore adds addresses"
	};
	return 1;
}

const struct xw_cmd xw_cmd_scrape = {
	XW_CMD_PARTS(scrape),
	.name = "scrape",
	.synopsis = "a namespace's interfaces, addresses and routes, as JSON",
	.doc = "Read a network namespace (--netns, default: this one) as a sandbox "
	       "runtime copies it: every interface that is up with its MTU, "
	       "link-layer address, IPv4 and IPv6 addresses, main-table routes and "
	       "permanent neighbours; loopback with its addresses and the routes "
	       "they imply; the IPv4 and IPv6 default gateways.  With --device, "
	       "only that interface and loopback.  A family with more than one "
	       "default route, or one without a gateway, is an error.  -j prints "
	       "the JSON document of xdpwire-scrape(8).  --steal journals what it "
	       "takes in /run/xdpwire first, so that one killed midway is undone by "
	       "the next --steal or by --restore.\v"
	       "Examples:\n"
	       "  xdpwire scrape -j --netns /proc/4242/ns/net\n"
	       "  xdpwire scrape --netns /run/netns/sandbox1 --device eth0\n"
	       "  xdpwire scrape --netns /run/netns/sandbox1 --restore",
	/* Scrape touches no pins: --bpffs would mean nothing. */
	.target = &xw_target_nopins_argp,
	.check = check_options,
	.caps = caps,
	.netns_caps_first = true,
	.needs = 0,
};

int cmd_scrape(struct xw_ctx *ctx, void *opts)
{
	const struct scrape_opts *o = opts;
	const struct xw_scrape_request req = {
		.netns = o->common.netns,
		.netns_ino = o->common.target.ns.ino,
		.device = o->common.target.have_dev ?
				  o->common.target.dev.name :
				  NULL,
		.ifindex = o->common.target.have_dev ?
				   o->common.target.dev.ifindex :
				   0,
		.steal = o->steal,
		.force = o->force,
		.restore = o->restore,
	};

	return xw_scrape_run(ctx, &req);
}
