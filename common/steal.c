#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "ctx.h"
#include "exit.h"
#include "fault.h"
#include "nladdr.h"
#include "scrape.h"
#include "steal.h"

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
 * its family (nl_addr2str would read past a short one).
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
		char buf[64];

		if (i && i->wanted && !i->loopback &&
		    xw_nladdr_ip(rtnl_addr_get_local(a), buf, sizeof(buf)))
			out[n++] = a;
	}
	return n;
}

/* Puts back taken[0..n) and the routes that went with them. */
static void restore(struct xw_ctx *ctx, struct xw_scrape *s,
		    struct rtnl_addr **taken, size_t n)
{
	char buf[64];
	size_t k;
	int err;

	/*
	 * Nothing taken, nothing to put back: the routes are all there (and
	 * adding them again may not even be permitted, when the first
	 * removal was refused for that).
	 */
	if (!n)
		return;
	/* In dump order: an IPv4 primary before its secondaries. */
	for (k = 0; k < n; k++) {
		err = rtnl_addr_add(s->sk, taken[k], 0);
		if (err)
			xw_warn(ctx, iface_name(s, taken[k]),
				"cannot put back address %s: %s",
				addr_text(taken[k], buf, sizeof(buf)),
				nl_geterror(err));
		else
			xw_debug(ctx, 1, "%s: put back address %s",
				 iface_name(s, taken[k]),
				 addr_text(taken[k], buf, sizeof(buf)));
	}
	/* Those the kernel made for the addresses are back already. */
	for (k = 0; k < s->n_routes; k++) {
		err = rtnl_route_add(s->sk, (struct rtnl_route *)s->routes[k],
				     NLM_F_EXCL);
		if (err && err != -NLE_EXIST)
			xw_warn(ctx, "routes", "cannot put back a route: %s",
				nl_geterror(err));
	}
}

int xw_steal(struct xw_ctx *ctx, struct xw_scrape *s)
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
			xw_fail(ctx,
				err == -NLE_PERM || err == -NLE_NOACCESS ?
					XW_EXIT_NOPERM :
					XW_EXIT_OSERR,
				0, iface_name(s, a),
				"cannot remove address %s: %s (the %zu removed before it were put back)",
				addr_text(a, buf, sizeof(buf)), why, n - 1 - k);
			restore(ctx, s, taken + k + 1, n - 1 - k);
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
