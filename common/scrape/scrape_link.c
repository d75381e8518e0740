/*
 * scrape's interfaces: one link dump, sorted by ifindex for the other
 * dumps' look-ups; each wanted one gets its entry in interfaces or
 * loopback, the others one in skipped.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/report.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

static int by_ifindex(const void *a, const void *b)
{
	const struct xw_scrape_iface *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

struct xw_scrape_iface *xw_scrape_find(const struct xw_scrape *s,
				       uint32_t ifindex)
{
	struct xw_scrape_iface key = { .ifindex = ifindex };

	return bsearch(&key, s->ifaces, s->n_ifaces, sizeof(key), by_ifindex);
}

struct xw_scrape_iface *xw_scrape_nic(const struct xw_scrape *s, int ifindex)
{
	struct xw_scrape_iface *i = xw_scrape_find(s, (uint32_t)ifindex);

	return i && i->wanted && !i->loopback ? i : NULL;
}

static void skip(struct xw_ctx *ctx, struct xw_scrape *s,
		 const struct xw_scrape_iface *i, const char *reason)
{
	struct json_object *o = json_object_new_object();

	xw_json_add_str(o, "name", i->name);
	xw_json_add_int(o, "ifindex", i->ifindex);
	xw_json_add_str(o, "reason", reason);
	json_object_array_add(s->skipped, o);
	xw_debug(ctx, 1, "%s: skipped: %s", i->name, reason);
}

/* Gives a wanted interface its entry in interfaces or loopback. */
static void describe(struct xw_scrape *s, struct xw_scrape_iface *i,
		     struct rtnl_link *link)
{
	struct json_object *ll;

	i->obj = json_object_new_object();
	xw_json_add_str(i->obj, "name", i->name);
	xw_json_add_int(i->obj, "ifindex", i->ifindex);
	i->addresses = json_object_new_array();
	/* Loopback's few implied routes are objects; a NIC's may be many. */
	i->routes = i->loopback ? json_object_new_array() :
				  xw_scrape_routes_array(i);
	if (i->loopback) {
		xw_json_add(i->obj, "addresses", i->addresses);
		xw_json_add(i->obj, "routes", i->routes);
		json_object_array_add(s->loopback, i->obj);
		return;
	}
	xw_json_add_int(i->obj, "mtu", rtnl_link_get_mtu(link));
	ll = xw_scrape_lladdr(rtnl_link_get_addr(link));
	xw_json_add(i->obj, "link_address", ll);
	i->neighbors = json_object_new_array();
	xw_json_add(i->obj, "addresses", i->addresses);
	xw_json_add(i->obj, "routes", i->routes);
	xw_json_add(i->obj, "neighbors", i->neighbors);
	json_object_array_add(s->interfaces, i->obj);
}

int xw_scrape_read_links(struct xw_ctx *ctx, struct xw_scrape *s)
{
	struct nl_cache *cache;
	struct nl_object *o;
	size_t n = 0;
	int err;

	err = rtnl_link_alloc_cache(s->sk, AF_UNSPEC, &cache);
	if (err)
		return xw_scrape_nl_fail(ctx, "links", err);
	s->ifaces =
		calloc((size_t)nl_cache_nitems(cache) + 1, sizeof(*s->ifaces));
	if (!s->ifaces) {
		nl_cache_free(cache);
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "links",
			       "out of memory");
	}
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *link = (struct rtnl_link *)o;
		struct xw_scrape_iface *i = &s->ifaces[n++];

		i->ifindex = (uint32_t)rtnl_link_get_ifindex(link);
		snprintf(i->name, sizeof(i->name), "%s",
			 rtnl_link_get_name(link) ?: "");
	}
	s->n_ifaces = n;
	qsort(s->ifaces, n, sizeof(*s->ifaces), by_ifindex);
	for (size_t k = 0; k < n; k++) {
		struct xw_scrape_iface *i = &s->ifaces[k];
		struct rtnl_link *link = rtnl_link_get(cache, (int)i->ifindex);
		unsigned int flags = link ? rtnl_link_get_flags(link) : 0;

		i->loopback = flags & IFF_LOOPBACK;
		if (!(flags & IFF_UP))
			skip(ctx, s, i, "down");
		else if (s->only_ifindex && !i->loopback &&
			 i->ifindex != s->only_ifindex)
			skip(ctx, s, i, "not the --device");
		else
			i->wanted = true;
		if (i->wanted)
			describe(s, i, link);
		rtnl_link_put(link);
		if (i->wanted && !i->routes) {
			nl_cache_free(cache);
			return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, i->name,
				       "out of memory");
		}
	}
	nl_cache_free(cache);
	return 0;
}
