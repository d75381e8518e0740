/*
 * scrape's neighbours: one neighbour dump, each permanent IPv4 or IPv6
 * entry of a wanted NIC into its "neighbors".
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/neighbour.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>

#include "core/json.h"
#include "net/nladdr.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

int xw_scrape_read_neighbors(struct xw_ctx *ctx, struct xw_scrape *s)
{
	char buf[INET6_ADDRSTRLEN];
	struct nl_cache *cache;
	struct nl_object *o;
	int err;

	err = rtnl_neigh_alloc_cache(s->sk, &cache);
	if (err)
		return xw_scrape_nl_fail(ctx, "neighbours", err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *nb = (struct rtnl_neigh *)o;
		struct xw_scrape_iface *i =
			xw_scrape_nic(s, rtnl_neigh_get_ifindex(nb));
		int family = rtnl_neigh_get_family(nb);
		struct json_object *j;
		const char *ip;

		if (!i || !(rtnl_neigh_get_state(nb) & NUD_PERMANENT) ||
		    (family != AF_INET && family != AF_INET6))
			continue;
		ip = xw_nladdr_ip(rtnl_neigh_get_dst(nb), buf, sizeof(buf));
		if (!ip)
			continue;
		j = json_object_new_object();
		xw_json_add_str(j, "family", xw_scrape_family_name(family));
		xw_json_add_str(j, "address", ip);
		xw_json_add(j, "link_address",
			    xw_scrape_lladdr(rtnl_neigh_get_lladdr(nb)));
		json_object_array_add(i->neighbors, j);
	}
	nl_cache_free(cache);
	return 0;
}
