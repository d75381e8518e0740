/*
 * scrape: a network namespace's interfaces, addresses, routes, permanent
 * neighbours and default gateways, as a sandbox runtime copies them.
 * Changes nothing unless --steal.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/socket.h>

#include "../common/caps.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/netlink.h"
#include "../common/scrape.h"
#include "../common/scrape_text.h"
#include "../common/steal.h"
#include "../common/steal_journal.h"
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

/* --steal takes no addresses from the machine's own namespace by mistake. */
static int check_steal(struct xw_ctx *ctx, const struct scrape_opts *o,
		       enum xw_initial initial)
{
	const char *object = o->common.netns ?: "this network namespace";

	if (!o->steal || o->force || initial == XW_INITIAL_NO)
		return 0;
	if (initial == XW_INITIAL_YES)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, object,
			"is the machine's initial network namespace: --steal would take the host's own addresses (add --force to do it anyway)");
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, 0, object,
		"cannot tell whether it is the machine's initial network namespace (/proc/1/ns/net cannot be read, and this kernel is older than 6.18): add --force to steal anyway");
}

static void out_netns(struct xw_ctx *ctx, const struct scrape_opts *o,
		      enum xw_initial initial)
{
	struct json_object *ns = json_object_new_object();

	if (o->common.netns)
		json_object_object_add(ns, "path",
				       json_object_new_string(o->common.netns));
	json_object_object_add(ns, "inode",
			       json_object_new_int64(
				       (int64_t)o->common.ns.ino));
	json_object_object_add(ns, "initial",
			       initial == XW_INITIAL_UNKNOWN ?
				       NULL :
				       json_object_new_boolean(initial ==
							       XW_INITIAL_YES));
	xw_out_json(ctx, "netns", ns);
}

static void out_scrape(struct xw_ctx *ctx, const struct xw_scrape *s)
{
	xw_out_json(ctx, "interfaces", json_object_get(s->interfaces));
	xw_out_json(ctx, "loopback", json_object_get(s->loopback));
	xw_out_json(ctx, "default_gateways", json_object_get(s->gateways));
	xw_out_json(ctx, "skipped", json_object_get(s->skipped));
}

static void summarise(struct xw_ctx *ctx, const struct xw_scrape *s)
{
	size_t k, addrs = 0, routes = 0, neighs = 0;

	for (k = 0; k < s->n_ifaces; k++) {
		const struct xw_scrape_iface *i = &s->ifaces[k];

		if (!i->wanted || i->loopback)
			continue;
		addrs += json_object_array_length(i->addresses);
		routes += i->n_routes;
		neighs += json_object_array_length(i->neighbors);
	}
	xw_summary(ctx,
		   "%zu interface(s) up: %zu address(es), %zu route(s), %zu permanent neighbour(s)%s",
		   json_object_array_length(s->interfaces), addrs, routes,
		   neighs, xw_changed(ctx) ? "; addresses removed" : "");
}

/* --restore: puts back what an interrupted --steal journaled. */
static int restore(struct xw_ctx *ctx, const struct scrape_opts *o,
		   struct nl_sock *sk, struct xw_journal *j,
		   enum xw_initial initial)
{
	bool found;
	int err;

	err = xw_steal_replay(ctx, sk, j, true, &found);
	if (err)
		return err;
	out_netns(ctx, o, initial);
	xw_out_json(ctx, "journal",
		    found ? json_object_new_string(j->path) : NULL);
	if (!found)
		xw_summary(ctx,
			   "nothing to restore: no --steal of this namespace was interrupted");
	else
		xw_summary(ctx, "put back what an interrupted --steal took");
	return 0;
}

/*
 * The caller has the document that lists what --steal took: its journal
 * can go.  Until then, a kill leaves it for the next --steal (which then
 * prints the same document) or --restore.
 */
static void steal_delivered(struct xw_ctx *ctx, bool delivered, void *arg)
{
	struct xw_journal *j = arg;
	int err;

	if (delivered) {
		/* The document is out: this goes to stderr only. */
		err = xw_journal_discard(j);
		if (err)
			xw_warn(ctx, j->path, "cannot remove the journal: %s",
				strerror(-err));
		else
			xw_debug(ctx, 1, "%s: journal removed", j->path);
	}
	xw_journal_unlock(j);
	free(j);
}

/* Hands the locked journal over to steal_delivered(). */
static void keep_until_delivered(struct xw_ctx *ctx, struct xw_journal *j)
{
	struct xw_journal *kept = malloc(sizeof(*kept));

	if (!kept) {
		/* Left for the next run, which puts back and takes again. */
		xw_journal_unlock(j);
		return;
	}
	*kept = *j;
	j->dir = j->lock = -1;
	ctx->after_output = steal_delivered;
	ctx->after_output_arg = kept;
}

int cmd_scrape(struct xw_ctx *ctx, void *opts)
{
	struct scrape_opts *o = opts;
	struct xw_scrape s = { .keep_for_steal = o->steal };
	enum xw_initial initial = xw_netns_initial(o->common.ns.ino);
	struct xw_journal j = { .dir = -1, .lock = -1 };
	struct xw_scrape_iface *dev;
	bool found;
	int err;

	err = check_steal(ctx, o, initial);
	if (err)
		return err;
	if (o->common.have_dev)
		s.only_ifindex = o->common.dev.ifindex;
	err = xw_nl_open(ctx, &s.sk);
	if (!err && (o->steal || o->restore))
		err = xw_journal_lock(ctx, nl_socket_get_fd(s.sk), &j);
	if (!err && o->restore) {
		err = restore(ctx, o, s.sk, &j, initial);
		goto out;
	}
	/*
	 * --steal first undoes one that was killed midway (its journal), so
	 * that this run reads, reports and takes what an undisturbed one
	 * would have.
	 */
	if (!err && o->steal)
		err = xw_steal_replay(ctx, s.sk, &j, false, &found);
	if (!err)
		err = xw_scrape_read(ctx, &s);
	if (!err && s.only_ifindex) {
		dev = xw_scrape_find(&s, s.only_ifindex);
		if (!dev || !dev->wanted)
			err = xw_fail(ctx, XW_EXIT_UNAVAILABLE, 0,
				      o->common.dev.name,
				      "is down: nothing to scrape");
	}
	if (!err && o->steal)
		err = xw_steal(ctx, &s, &j);
	if (!err) {
		out_netns(ctx, o, initial);
		out_scrape(ctx, &s);
		if (!ctx->json && !ctx->quiet)
			xw_scrape_print(stdout, &s);
		summarise(ctx, &s);
		if (o->steal)
			keep_until_delivered(ctx, &j);
	}
out:
	xw_journal_unlock(&j);
	if (s.sk)
		xw_nl_close(s.sk);
	xw_scrape_free(&s);
	return err;
}
