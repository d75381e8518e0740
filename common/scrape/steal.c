#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/json.h"
#include "core/report.h"
#include "net/addrs.h"
#include "scrape/scrape.h"
#include "scrape/steal.h"
#include "scrape/steal_journal.h"

/* "10.0.0.2/24", for messages: of an address collect() took. */
static const char *addr_text(struct rtnl_addr *a, char *buf, size_t size)
{
	return nl_addr2str(rtnl_addr_get_local(a), buf, size);
}

static const char *iface_name(const struct xw_scrape *s, struct rtnl_addr *a)
{
	struct xw_scrape_iface *i =
		xw_scrape_find(s, (uint32_t)rtnl_addr_get_ifindex(a));

	return i ? i->name : "?";
}

/*
 * The addresses to take, in dump order (IPv4 primaries first): those
 * scrape reported, so not one whose local address is not an IP address of
 * its family (nl_addr2str would read past a short one), but for those a
 * runtime does not copy (xw_addr_copied: IPv6's link-local ones stay, the
 * interface needs one for neighbour discovery, and the host to answer on
 * it).
 */
static size_t collect(const struct xw_scrape *s, struct rtnl_addr **out,
		      size_t cap)
{
	struct nl_object *o;
	size_t n = 0;

	for (o = nl_cache_get_first(s->addr_cache); o && n < cap;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct xw_scrape_iface *i =
			xw_scrape_find(s, (uint32_t)rtnl_addr_get_ifindex(a));
		struct xw_ip ip;

		if (i && i->wanted && !i->loopback &&
		    xw_addr_from_nl(rtnl_addr_get_local(a), &ip) &&
		    xw_addr_copied(&ip))
			out[n++] = a;
	}
	return n;
}

/* A netlink request as lowercase hex, for the journal. */
static struct json_object *request_hex(struct nl_msg *msg)
{
	static const char digits[] = "0123456789abcdef";
	const struct nlmsghdr *hdr = nlmsg_hdr(msg);
	const uint8_t *b = (const uint8_t *)hdr;
	struct json_object *j;
	size_t k, len = hdr->nlmsg_len;
	char *text = malloc(2 * len + 1);

	if (!text)
		return NULL;
	for (k = 0; k < len; k++) {
		text[2 * k] = digits[b[k] >> 4];
		text[2 * k + 1] = digits[b[k] & 15];
	}
	text[2 * len] = '\0';
	j = xw_json_str(text);
	free(text);
	return j;
}

/*
 * The journal: each address as the request that puts it back (so with
 * its flags, label, broadcast and lifetimes), in dump order, then the
 * routes of the interfaces read, which the kernel drops with them.
 */
static struct json_object *journal_doc(const struct xw_scrape *s,
				       const struct xw_journal *j,
				       struct rtnl_addr **taken, size_t n)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *addrs = json_object_new_array();
	struct json_object *routes = json_object_new_array();
	struct nl_msg *msg;
	char buf[64];
	size_t k;
	bool ok = doc && addrs && routes;

	for (k = 0; k < n && ok; k++) {
		struct json_object *a = json_object_new_object();

		ok = a && !rtnl_addr_build_add_request(taken[k], 0, &msg);
		if (!ok) {
			json_object_put(a);
			break;
		}
		xw_json_add_str(a, "interface", iface_name(s, taken[k]));
		xw_json_add_int(a, "ifindex", rtnl_addr_get_ifindex(taken[k]));
		xw_json_add_str(a, "address",
				addr_text(taken[k], buf, sizeof(buf)));
		xw_json_add(a, "request", request_hex(msg));
		nlmsg_free(msg);
		json_object_array_add(addrs, a);
	}
	for (k = 0; k < s->n_routes && ok; k++) {
		ok = !rtnl_route_build_add_request((struct rtnl_route *)
							   s->routes[k],
						   0, &msg);
		if (ok) {
			json_object_array_add(routes, request_hex(msg));
			nlmsg_free(msg);
		}
	}
	if (!ok) {
		json_object_put(doc);
		json_object_put(addrs);
		json_object_put(routes);
		return NULL;
	}
	xw_json_add_int(doc, "version", 1);
	xw_json_add_str(doc, "command", "scrape --steal");
	xw_json_add_u64(doc, "netns_cookie", j->cookie);
	xw_json_add(doc, "addresses", addrs);
	xw_json_add(doc, "routes", routes);
	return doc;
}

/* Puts back taken[0..n) and the routes that went with them; how many failed. */
static size_t restore(struct xw_ctx *ctx, struct xw_scrape *s,
		      struct rtnl_addr **taken, size_t n)
{
	size_t k, failed = 0;
	char buf[64];
	int err;

	/*
	 * Nothing taken, nothing to put back: the routes are all there (and
	 * adding them again may not even be permitted, when the first
	 * removal was refused for that).
	 */
	if (!n)
		return 0;
	/* In dump order: an IPv4 primary before its secondaries. */
	for (k = 0; k < n; k++) {
		err = rtnl_addr_add(s->sk, taken[k], 0);
		if (err && err != -NLE_EXIST) {
			failed++;
			xw_warn(ctx, iface_name(s, taken[k]),
				"cannot put back address %s: %s",
				addr_text(taken[k], buf, sizeof(buf)),
				nl_geterror(err));
		} else {
			xw_debug(ctx, 1, "%s: put back address %s",
				 iface_name(s, taken[k]),
				 addr_text(taken[k], buf, sizeof(buf)));
		}
	}
	/* Those the kernel made for the addresses are back already. */
	for (k = 0; k < s->n_routes; k++) {
		err = rtnl_route_add(s->sk, (struct rtnl_route *)s->routes[k],
				     NLM_F_EXCL);
		if (err && err != -NLE_EXIST)
			xw_warn(ctx, "routes", "cannot put back a route: %s",
				nl_geterror(err));
	}
	return failed;
}

static int write_journal(struct xw_ctx *ctx, struct xw_scrape *s,
			 struct xw_journal *j, struct rtnl_addr **taken,
			 size_t n)
{
	struct json_object *doc = journal_doc(s, j, taken, n);
	int err;

	if (!doc)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, j->path,
			       "cannot build the journal (nothing removed)");
	err = xw_journal_write(ctx, j, doc);
	json_object_put(doc);
	return err;
}

/* After a failed removal: the journal goes only if nothing is left to do. */
static void rolled_back(struct xw_ctx *ctx, struct xw_journal *j, size_t failed)
{
	int err;

	if (failed) {
		xw_warn(ctx, j->path,
			"journal kept: %zu address(es) could not be put back (xdpwire scrape --restore retries)",
			failed);
		return;
	}
	err = xw_journal_discard(j);
	if (err)
		xw_warn(ctx, j->path, "cannot remove the journal: %s",
			strerror(-err));
}

int xw_steal(struct xw_ctx *ctx, struct xw_scrape *s, struct xw_journal *j)
{
	size_t n, k, mark = xw_change_mark(ctx);
	struct rtnl_addr **taken;
	char buf[64], detail[96];
	int err = 0;

	n = (size_t)nl_cache_nitems(s->addr_cache);
	taken = calloc(n + 1, sizeof(*taken));
	if (!taken)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "--steal",
			       "out of memory");
	n = collect(s, taken, n);
	/* Written before the first removal: a crash after it loses nothing. */
	if (n)
		err = write_journal(ctx, s, j, taken, n);
	if (err) {
		free(taken);
		return err;
	}
	/*
	 * Last first: an IPv4 primary goes after its secondaries, which the
	 * kernel would otherwise drop (or promote) with it.
	 */
	for (k = n; k-- > 0;) {
		struct rtnl_addr *a = taken[k];
		const char *why;

		err = xw_fault("steal-address");
		why = err ? strerror(-err) : NULL;
		if (!err) {
			err = rtnl_addr_delete(s->sk, a, 0);
			why = err ? nl_geterror(err) : NULL;
		}
		if (err) {
			xw_fail(ctx, xw_exit_for_nl(err), 0, iface_name(s, a),
				"cannot remove address %s: %s (the %zu removed before it were put back)",
				addr_text(a, buf, sizeof(buf)), why, n - 1 - k);
			rolled_back(ctx, j,
				    restore(ctx, s, taken + k + 1, n - 1 - k));
			xw_change_rollback(ctx, mark);
			break;
		}
		snprintf(detail, sizeof(detail), "%s from %s",
			 addr_text(a, buf, sizeof(buf)), iface_name(s, a));
		xw_change(ctx, &(struct xw_change){ .action = "removed",
						    .object = "address",
						    .detail = detail });
	}
	free(taken);
	return err ? -EIO : 0;
}
