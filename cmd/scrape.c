/*
 * scrape: a network namespace's interfaces, addresses, routes, permanent
 * neighbours and default gateways, as a sandbox runtime copies them.
 * Changes nothing unless --steal.
 */
#include <stdbool.h>

#include "../common/caps.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/scrape_cmd.h"
#include "cmds.h"

struct scrape_opts {
	struct xw_common_opts common;
	bool steal;
	bool force;
	bool restore;
};

enum {
	KEY_STEAL = XW_KEY_CMD_BASE,
	KEY_FORCE,
	KEY_RESTORE,
};

static const struct argp_option options[] = {
	{ "steal", KEY_STEAL, NULL, 0,
	  "After a complete read, remove the scraped addresses from their interfaces (not loopback's); all or nothing",
	  0 },
	{ "force", KEY_FORCE, NULL, 0,
	  "With --steal: also in the machine's initial network namespace", 0 },
	{ "restore", KEY_RESTORE, NULL, 0,
	  "Put back what a --steal killed midway took (its journal lists it), and nothing else",
	  0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct scrape_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		xw_common_init_children(state, &o->common);
		return 0;
	case KEY_STEAL:
		o->steal = true;
		return 0;
	case KEY_FORCE:
		o->force = true;
		return 0;
	case KEY_RESTORE:
		o->restore = true;
		return 0;
	case ARGP_KEY_END:
		if (o->restore && (o->steal || o->common.devices_given)) {
			xw_fail(o->common.ctx, XW_EXIT_USAGE, 0, "--restore",
				"goes with neither --steal nor --device: it puts back all the journal lists");
			return EINVAL;
		}
		if (o->force && !o->steal) {
			xw_fail(o->common.ctx, XW_EXIT_USAGE, 0, "--force",
				"only goes with --steal");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* Scrape touches no pins: --bpffs would mean nothing. */
static const struct argp_child children[] = { XW_CHILDREN(xw_target_nopins_argp,
							  xw_output_argp),
					      { 0 } };

static const struct argp argp = {
	options,
	parse_opt,
	NULL,
	"Read a network namespace (--netns, default: this one) as a sandbox "
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
	children,
	xw_help_filter,
	NULL
};

static const struct scrape_opts defaults = { .steal = false };

/* Reading this namespace needs nothing; changing addresses does. */
static int caps(struct xw_ctx *ctx, const void *opts)
{
	const struct scrape_opts *o = opts;
	struct xw_caps_need needs[2];
	size_t n = 0;

	if (o->common.netns)
		needs[n++] = XW_CAPS_NETNS;
	if (o->steal || o->restore)
		needs[n++] = (struct xw_caps_need){
			.caps = XW_CAP(CAP_NET_ADMIN),
			.why = o->steal ? "--steal removes addresses" :
					  "--restore adds addresses"
		};
	return xw_caps_require(ctx, needs, n);
}

const struct xw_cmd_parser scrape_parser = { &argp, sizeof(struct scrape_opts),
					     &defaults, caps };

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
