/*
 * scrape's addresses: one address dump, each IPv4 or IPv6 address of a
 * wanted interface into its "addresses"; loopback's also imply its routes.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/rtnl.h>

#include "core/json.h"
#include "net/nladdr.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

/* The network an address implies, for loopback's routes. */
static void implied_route(struct xw_scrape_iface *i, struct rtnl_addr *a)
{
	struct nl_addr *local = rtnl_addr_get_local(a);
	unsigned int plen = rtnl_addr_get_prefixlen(a), k;
	uint8_t net[16] = { 0 };
	struct json_object *r;
	char buf[INET6_ADDRSTRLEN];
	int family = rtnl_addr_get_family(a);
	size_t len = family == AF_INET ? 4 : 16;

	memcpy(net, nl_addr_get_binary_addr(local), len);
	for (k = plen; k < len * 8; k++)
		net[k / 8] &= (uint8_t) ~(0x80u >> (k % 8));
	r = json_object_new_object();
	xw_json_add_str(r, "family", xw_scrape_family_name(family));
	xw_json_add_str(r, "destination",
			inet_ntop(family, net, buf, sizeof(buf)));
	xw_json_add_int(r, "prefix_len", plen);
	json_object_array_add(i->routes, r);
}

int xw_scrape_read_addrs(struct xw_ctx *ctx, struct xw_scrape *s)
{
	struct nl_cache *cache;
	struct nl_object *o;
	char buf[INET6_ADDRSTRLEN], scope[32];
	int err;

	err = rtnl_addr_alloc_cache(s->sk, &cache);
	if (err)
		return xw_scrape_nl_fail(ctx, "addresses", err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct xw_scrape_iface *i =
			xw_scrape_find(s, (uint32_t)rtnl_addr_get_ifindex(a));
		int family = rtnl_addr_get_family(a);
		struct json_object *j;
		const char *ip;

		if (!i || !i->wanted ||
		    (family != AF_INET && family != AF_INET6))
			continue;
		ip = xw_nladdr_ip(rtnl_addr_get_local(a), buf, sizeof(buf));
		if (!ip)
			continue;
		j = json_object_new_object();
		xw_json_add_str(j, "family", xw_scrape_family_name(family));
		xw_json_add_str(j, "address", ip);
		xw_json_add_int(j, "prefix_len", rtnl_addr_get_prefixlen(a));
		xw_json_add_str(j, "scope",
				rtnl_scope2str(rtnl_addr_get_scope(a), scope,
					       sizeof(scope)));
		json_object_array_add(i->addresses, j);
		if (i->loopback)
			implied_route(i, a);
	}
	if (s->keep_for_steal)
		s->addr_cache = cache;
	else
		nl_cache_free(cache);
	return 0;
}
