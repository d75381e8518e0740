/*
 * scrape's runs: read (and with --steal take), or --restore; each says
 * what it found in the document and in one summary line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/socket.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/report.h"
#include "net/netlink.h"
#include "net/netns.h"
#include "scrape/route_pack.h"
#include "scrape/scrape.h"
#include "scrape/scrape_cmd.h"
#include "scrape/scrape_text.h"
#include "scrape/steal.h"
#include "scrape/steal_journal.h"

/* --steal takes no addresses from the machine's own namespace by mistake. */
static int check_steal(struct xw_ctx *ctx, const struct xw_scrape_request *req,
		       enum xw_initial initial)
{
	const char *object = req->netns ?: "this network namespace";

	if (!req->steal || req->force || initial == XW_INITIAL_NO)
		return 0;
	if (initial == XW_INITIAL_YES)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, object,
			"is the machine's initial network namespace: --steal would take the host's own addresses (add --force to do it anyway)");
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, 0, object,
		"cannot tell whether it is the machine's initial network namespace (/proc/1/ns/net cannot be read, and this kernel is older than 6.18): add --force to steal anyway");
}

static void out_netns(struct xw_ctx *ctx, const struct xw_scrape_request *req,
		      enum xw_initial initial)
{
	struct json_object *ns = json_object_new_object();

	if (req->netns)
		xw_json_add_str(ns, "path", req->netns);
	xw_json_add_int(ns, "inode", (int64_t)req->netns_ino);
	xw_json_add(ns, "initial",
		    initial == XW_INITIAL_UNKNOWN ?
			    NULL :
			    json_object_new_boolean(initial == XW_INITIAL_YES));
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
		routes += i->route_pack ? i->route_pack->n : 0;
		neighs += json_object_array_length(i->neighbors);
	}
	xw_summary(ctx,
		   "%zu interface(s) up: %zu address(es), %zu route(s), %zu permanent neighbour(s)%s",
		   json_object_array_length(s->interfaces), addrs, routes,
		   neighs, xw_changed(ctx) ? "; addresses removed" : "");
}

/* --restore: puts back what an interrupted --steal journaled. */
static int restore(struct xw_ctx *ctx, const struct xw_scrape_request *req,
		   struct nl_sock *sk, struct xw_journal *j,
		   enum xw_initial initial)
{
	bool found;
	int err;

	err = xw_steal_replay(ctx, sk, j, true, &found);
	if (err)
		return err;
	out_netns(ctx, req, initial);
	xw_out_json(ctx, "journal", xw_json_str(found ? j->path : NULL));
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

int xw_scrape_run(struct xw_ctx *ctx, const struct xw_scrape_request *req)
{
	struct xw_scrape s = { .keep_for_steal = req->steal,
			       .only_ifindex = req->ifindex };
	enum xw_initial initial = xw_netns_initial(req->netns_ino);
	struct xw_journal j = { .dir = -1, .lock = -1 };
	struct xw_scrape_iface *dev;
	bool found;
	int err;

	err = check_steal(ctx, req, initial);
	if (err)
		return err;
	err = xw_nl_open(ctx, &s.sk);
	if (!err && (req->steal || req->restore))
		err = xw_journal_lock(ctx, nl_socket_get_fd(s.sk), &j);
	if (!err && req->restore) {
		err = restore(ctx, req, s.sk, &j, initial);
		goto out;
	}
	/*
	 * --steal first undoes one that was killed midway (its journal), so
	 * that this run reads, reports and takes what an undisturbed one
	 * would have.
	 */
	if (!err && req->steal)
		err = xw_steal_replay(ctx, s.sk, &j, false, &found);
	if (!err)
		err = xw_scrape_read(ctx, &s);
	if (!err && s.only_ifindex) {
		dev = xw_scrape_find(&s, s.only_ifindex);
		if (!dev || !dev->wanted)
			err = xw_fail(ctx, XW_EXIT_UNAVAILABLE, 0, req->device,
				      "is down: nothing to scrape");
	}
	if (!err && req->steal)
		err = xw_steal(ctx, &s, &j);
	if (!err) {
		out_netns(ctx, req, initial);
		out_scrape(ctx, &s);
		if (!ctx->json && !ctx->quiet)
			xw_scrape_print(stdout, &s);
		summarise(ctx, &s);
		if (req->steal)
			keep_until_delivered(ctx, &j);
	}
out:
	xw_journal_unlock(&j);
	if (s.sk)
		xw_nl_close(s.sk);
	xw_scrape_free(&s);
	return err;
}
