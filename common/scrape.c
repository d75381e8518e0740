#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>

#include "ctx.h"
#include "exit.h"
#include "json_text.h"
#include "nladdr.h"
#include "route_msg.h"
#include "scrape.h"

/* Routes arrive 64 KiB at a time, in one read each (no peek first). */
#define XW_DUMP_BUF (64 * 1024)

static const char *family_name(int family)
{
	return family == AF_INET ? "inet" : "inet6";
}

/* A link-layer address, lowercase hex bytes joined by ':'; or NULL. */
static struct json_object *lladdr_json(struct nl_addr *a)
{
	const uint8_t *b;
	char buf[3 * 32];
	size_t i, len = 0, n = a ? nl_addr_get_len(a) : 0;

	if (!n || n > 32)
		return NULL;
	b = nl_addr_get_binary_addr(a);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%02x",
					i ? ":" : "", b[i]);
	return json_object_new_string(buf);
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

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

static int nl_fail(struct xw_ctx *ctx, const char *what, int err)
{
	return xw_fail(ctx, XW_EXIT_OSERR, 0, "netlink", "cannot dump %s: %s",
		       what, nl_geterror(err));
}

static void skip(struct xw_ctx *ctx, struct xw_scrape *s,
		 const struct xw_scrape_iface *i, const char *reason)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "name", i->name);
	add_int(o, "ifindex", i->ifindex);
	add_str(o, "reason", reason);
	json_object_array_add(s->skipped, o);
	xw_debug(ctx, 1, "%s: skipped: %s", i->name, reason);
}

/* Gives a wanted interface its entry in interfaces or loopback. */
static void describe(struct xw_scrape *s, struct xw_scrape_iface *i,
		     struct rtnl_link *link)
{
	struct json_object *ll;

	i->obj = json_object_new_object();
	add_str(i->obj, "name", i->name);
	add_int(i->obj, "ifindex", i->ifindex);
	i->addresses = json_object_new_array();
	/* Loopback's few implied routes are objects; a NIC's may be many. */
	i->routes = i->loopback ? json_object_new_array() :
				  xw_json_text_array();
	if (i->loopback) {
		json_object_object_add(i->obj, "addresses", i->addresses);
		json_object_object_add(i->obj, "routes", i->routes);
		json_object_array_add(s->loopback, i->obj);
		return;
	}
	add_int(i->obj, "mtu", rtnl_link_get_mtu(link));
	ll = lladdr_json(rtnl_link_get_addr(link));
	json_object_object_add(i->obj, "link_address", ll);
	i->neighbors = json_object_new_array();
	json_object_object_add(i->obj, "addresses", i->addresses);
	json_object_object_add(i->obj, "routes", i->routes);
	json_object_object_add(i->obj, "neighbors", i->neighbors);
	json_object_array_add(s->interfaces, i->obj);
}

static int read_links(struct xw_ctx *ctx, struct xw_scrape *s)
{
	struct nl_cache *cache;
	struct nl_object *o;
	size_t n = 0;
	int err;

	err = rtnl_link_alloc_cache(s->sk, AF_UNSPEC, &cache);
	if (err)
		return nl_fail(ctx, "links", err);
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
	}
	nl_cache_free(cache);
	return 0;
}

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
	add_str(r, "family", family_name(family));
	add_str(r, "destination", inet_ntop(family, net, buf, sizeof(buf)));
	add_int(r, "prefix_len", plen);
	json_object_array_add(i->routes, r);
}

static int read_addrs(struct xw_ctx *ctx, struct xw_scrape *s)
{
	struct nl_cache *cache;
	struct nl_object *o;
	char buf[INET6_ADDRSTRLEN], scope[32];
	int err;

	err = rtnl_addr_alloc_cache(s->sk, &cache);
	if (err)
		return nl_fail(ctx, "addresses", err);
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
		add_str(j, "family", family_name(family));
		add_str(j, "address", ip);
		add_int(j, "prefix_len", rtnl_addr_get_prefixlen(a));
		add_str(j, "scope",
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

static int keep_route(struct xw_scrape *s, struct rtnl_route *r)
{
	struct nl_object **grown;

	if (s->n_routes == s->cap_routes) {
		s->cap_routes = s->cap_routes ? 2 * s->cap_routes : 64;
		grown = realloc(s->routes, s->cap_routes * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		s->routes = grown;
	}
	nl_object_get((struct nl_object *)r);
	s->routes[s->n_routes++] = (struct nl_object *)r;
	return 0;
}

/* A wanted interface other than loopback, or NULL. */
static struct xw_scrape_iface *nic(const struct xw_scrape *s, int ifindex)
{
	struct xw_scrape_iface *i = xw_scrape_find(s, (uint32_t)ifindex);

	return i && i->wanted && !i->loopback ? i : NULL;
}

/* An address attribute of the route's family as text, or NULL. */
static const char *attr_ip(int family, const struct nlattr *a, char *buf,
			   size_t size)
{
	if (!a || nla_len(a) != (family == AF_INET ? 4 : 16))
		return NULL;
	return inet_ntop(family, nla_data(a), buf, (socklen_t)size);
}

static struct json_object *default_json(const struct xw_scrape *s,
					const struct xw_route_msg *r)
{
	struct json_object *d = json_object_new_object(), *hops;
	char buf[INET6_ADDRSTRLEN];
	int k;

	add_int(d, "metric", r->metric);
	hops = json_object_new_array();
	for (k = 0; k < r->n_hops; k++) {
		struct xw_scrape_iface *i = nic(s, r->hops[k].ifindex);
		struct json_object *h;
		const char *gw;

		/* A hop the sandbox will not have is of no use to it. */
		if (!i)
			continue;
		h = json_object_new_object();
		gw = attr_ip(r->family, r->hops[k].gateway, buf, sizeof(buf));
		add_str(h, "interface", i->name);
		json_object_object_add(h, "gateway",
				       gw ? json_object_new_string(gw) : NULL);
		add_int(h, "weight", r->hops[k].weight);
		json_object_array_add(hops, h);
	}
	json_object_object_add(d, "nexthops", hops);
	return d;
}

/* Kept compact: a json-c object per route would take ~1.4 KiB. */
static int add_route(struct xw_scrape_iface *i, const struct xw_route_msg *r,
		     const struct xw_route_hop *h)
{
	struct xw_scrape_route *rt, *grown;
	size_t cap;

	if (i->n_routes == i->cap_routes) {
		cap = i->cap_routes ? 2 * i->cap_routes : 16;
		grown = realloc(i->route_list, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		i->route_list = grown;
		i->cap_routes = cap;
	}
	rt = &i->route_list[i->n_routes++];
	memset(rt, 0, sizeof(*rt));
	rt->family = (uint8_t)r->family;
	rt->prefix_len = (uint8_t)r->prefix_len;
	memcpy(rt->dst, r->dst, sizeof(rt->dst));
	rt->metric = r->metric;
	if (h->gateway &&
	    nla_len(h->gateway) == (r->family == AF_INET ? 4 : 16)) {
		rt->has_gateway = true;
		memcpy(rt->gateway, nla_data(h->gateway),
		       (size_t)nla_len(h->gateway));
	}
	return 0;
}

/* Routes left out, counted for -v. */
static int parse_route(struct xw_scrape *s, struct nlmsghdr *hdr,
		       struct nlattr **tb, struct xw_route_msg *r)
{
	int ret = xw_route_msg_parse(hdr, tb, r);

	if (ret == XW_ROUTE_OTHER_TABLE)
		s->n_other_tables++;
	else if (ret == XW_ROUTE_OTHER_TYPE)
		s->n_other_types++;
	return ret;
}

struct route_walk {
	struct xw_ctx *ctx;
	struct xw_scrape *s;
	struct xw_route_msg r;
	int err;
};

static int take_route(struct route_walk *w, struct nlmsghdr *hdr)
{
	struct xw_scrape *s = w->s;
	struct xw_route_msg *r = &w->r;
	struct nlattr *tb[RTA_MAX + 1];
	struct rtnl_route *obj = NULL;
	bool ours = false;
	int k, err;

	err = parse_route(s, hdr, tb, r);
	if (err)
		return err < 0 ? err : 0;
	for (k = 0; k < r->n_hops; k++) {
		struct xw_scrape_iface *i = nic(s, r->hops[k].ifindex);

		if (!i)
			continue;
		ours = true;
		if (r->prefix_len) {
			err = add_route(i, r, &r->hops[k]);
			if (err)
				return err;
		}
	}
	if (!ours)
		return 0;
	if (!r->prefix_len)
		json_object_array_add(s->defaults[r->family == AF_INET6],
				      default_json(s, r));
	if (!s->keep_for_steal)
		return 0;
	/* --steal puts routes back through libnl: keep its object. */
	err = rtnl_route_parse(hdr, &obj);
	if (!err)
		err = keep_route(s, obj);
	rtnl_route_put(obj);
	return err;
}

static int route_msg(struct nl_msg *msg, void *arg)
{
	struct route_walk *w = arg;

	w->err = take_route(w, nlmsg_hdr(msg));
	return w->err ? NL_STOP : NL_OK;
}

/*
 * Asks for one family's routes.  Without -v, which counts the routes of
 * other tables, only the main table (as ip does): while a namespace has no
 * rules of its own, the kernel keeps the local table in the main table's
 * trie, and an unfiltered dump walks all of it once for each.  The filter
 * needs strict checking, which the other dumps' requests (libnl's rtgenmsg)
 * would fail; so it is on only for this request.  A kernel without it
 * (before 4.20) dumps everything, which parse_route filters anyway.
 */
static int request_routes(struct xw_ctx *ctx, struct xw_scrape *s, int family)
{
	struct rtmsg rtm = { .rtm_family = (unsigned char)family };
	int fd = nl_socket_get_fd(s->sk), on = 1, off = 0, err;
	bool strict = false;
	struct nl_msg *msg;

	if (!ctx->verbose)
		strict = !setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK,
				     &on, sizeof(on));
	if (strict)
		rtm.rtm_table = RT_TABLE_MAIN;
	msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);
	err = msg ? nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) :
		    -NLE_NOMEM;
	if (!err && strict)
		err = nla_put_u32(msg, RTA_TABLE, RT_TABLE_MAIN);
	if (!err)
		err = nl_send_auto(s->sk, msg);
	nlmsg_free(msg);
	if (strict)
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &off,
			   sizeof(off));
	return err < 0 ? err : 0;
}

/*
 * Streamed, not cached: a table may hold 100,000 routes.  IPv4 first, then
 * IPv6, the order of one AF_UNSPEC dump.
 */
static int read_routes(struct xw_ctx *ctx, struct xw_scrape *s)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct route_walk *w = calloc(1, sizeof(*w));
	size_t k;
	int err;

	if (!w)
		return nl_fail(ctx, "routes", -NLE_NOMEM);
	w->ctx = ctx;
	w->s = s;
	err = nl_socket_modify_cb(s->sk, NL_CB_VALID, NL_CB_CUSTOM, route_msg,
				  w);
	for (k = 0; k < sizeof(families) / sizeof(families[0]) && !err; k++) {
		err = request_routes(ctx, s, families[k]);
		if (!err)
			err = nl_recvmsgs_default(s->sk);
		if (err >= 0 && w->err)
			err = w->err == -ENOMEM ? -NLE_NOMEM : w->err;
		err = err < 0 ? err : 0;
	}
	free(w);
	if (err)
		return nl_fail(ctx, "routes", err);
	xw_debug(ctx, 1,
		 "routes left out: %zu of other tables, %zu not unicast",
		 s->n_other_tables, s->n_other_types);
	return 0;
}

/*
 * One route's JSON object, refilled in place for every route: json-c
 * formats each of them, without a tree (and its hash table) per route.
 */
struct route_json {
	struct json_object *obj, *family, *destination, *prefix_len, *metric,
		*gateway;
};

static int route_json_init(struct route_json *j, bool gateway)
{
	j->obj = json_object_new_object();
	j->family = json_object_new_string("inet");
	j->destination = json_object_new_string("");
	j->prefix_len = json_object_new_int64(0);
	j->gateway = gateway ? json_object_new_string("") : NULL;
	j->metric = json_object_new_int64(0);
	if (!j->obj || !j->family || !j->destination || !j->prefix_len ||
	    (gateway && !j->gateway) || !j->metric)
		return -ENOMEM;
	/* The document's order: family, destination, prefix_len, gateway. */
	json_object_object_add(j->obj, "family", json_object_get(j->family));
	json_object_object_add(j->obj, "destination",
			       json_object_get(j->destination));
	json_object_object_add(j->obj, "prefix_len",
			       json_object_get(j->prefix_len));
	if (gateway)
		json_object_object_add(j->obj, "gateway",
				       json_object_get(j->gateway));
	json_object_object_add(j->obj, "metric", json_object_get(j->metric));
	return 0;
}

static void route_json_free(struct route_json *j)
{
	json_object_put(j->obj);
	json_object_put(j->family);
	json_object_put(j->destination);
	json_object_put(j->prefix_len);
	json_object_put(j->gateway);
	json_object_put(j->metric);
}

static int route_json_add(struct route_json *j, struct json_object *routes,
			  const struct xw_scrape_route *rt)
{
	char buf[INET6_ADDRSTRLEN];

	json_object_set_string(j->family, family_name(rt->family));
	json_object_set_string(j->destination,
			       xw_scrape_route_dst(rt, buf, sizeof(buf)));
	json_object_set_int64(j->prefix_len, rt->prefix_len);
	if (rt->has_gateway)
		json_object_set_string(j->gateway,
				       xw_scrape_route_gateway(rt, buf,
							       sizeof(buf)));
	json_object_set_int64(j->metric, rt->metric);
	return xw_json_text_add(routes, j->obj);
}

/* The interfaces' routes into their "routes" arrays, as text. */
static int routes_json(struct xw_scrape *s)
{
	struct route_json via = { 0 }, direct = { 0 };
	size_t k, n;
	int err;

	err = route_json_init(&via, true);
	if (!err)
		err = route_json_init(&direct, false);
	for (k = 0; k < s->n_ifaces && !err; k++) {
		struct xw_scrape_iface *i = &s->ifaces[k];

		if (!i->wanted || i->loopback)
			continue;
		if (!i->routes)
			err = -ENOMEM;
		for (n = 0; n < i->n_routes && !err; n++) {
			const struct xw_scrape_route *rt = &i->route_list[n];

			err = route_json_add(rt->has_gateway ? &via : &direct,
					     i->routes, rt);
		}
	}
	route_json_free(&via);
	route_json_free(&direct);
	return err;
}

/*
 * An address as inet_ntop writes it.  glibc's inet_ntop formats IPv4 through
 * sprintf, which was the largest cost left in printing 100,000 routes (two
 * addresses each); the four numbers are written here instead.
 */
static const char *route_ip(int family, const uint8_t *a, char *buf,
			    size_t size)
{
	char *p = buf;
	int k;

	if (family != AF_INET || size < INET_ADDRSTRLEN)
		return inet_ntop(family, a, buf, (socklen_t)size);
	for (k = 0; k < 4; k++) {
		if (k)
			*p++ = '.';
		if (a[k] >= 100)
			*p++ = (char)('0' + a[k] / 100);
		if (a[k] >= 10)
			*p++ = (char)('0' + a[k] / 10 % 10);
		*p++ = (char)('0' + a[k] % 10);
	}
	*p = '\0';
	return buf;
}

const char *xw_scrape_route_dst(const struct xw_scrape_route *rt, char *buf,
				size_t size)
{
	return route_ip(rt->family, rt->dst, buf, size) ?: "?";
}

const char *xw_scrape_route_gateway(const struct xw_scrape_route *rt, char *buf,
				    size_t size)
{
	if (!rt->has_gateway)
		return NULL;
	return route_ip(rt->family, rt->gateway, buf, size);
}

static int read_neighbors(struct xw_ctx *ctx, struct xw_scrape *s)
{
	char buf[INET6_ADDRSTRLEN];
	struct nl_cache *cache;
	struct nl_object *o;
	int err;

	err = rtnl_neigh_alloc_cache(s->sk, &cache);
	if (err)
		return nl_fail(ctx, "neighbours", err);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *nb = (struct rtnl_neigh *)o;
		struct xw_scrape_iface *i = nic(s, rtnl_neigh_get_ifindex(nb));
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
		add_str(j, "family", family_name(family));
		add_str(j, "address", ip);
		json_object_object_add(j, "link_address",
				       lladdr_json(rtnl_neigh_get_lladdr(nb)));
		json_object_array_add(i->neighbors, j);
	}
	nl_cache_free(cache);
	return 0;
}

/* "via 10.0.0.1 dev eth0 metric 100", hops joined by ", ". */
static void describe_default(struct json_object *d, char *buf, size_t size)
{
	struct json_object *hops = json_object_object_get(d, "nexthops");
	size_t k, len = 0;

	buf[0] = '\0';
	for (k = 0; k < json_object_array_length(hops) && len < size; k++) {
		struct json_object *h = json_object_array_get_idx(hops, k);
		struct json_object *gw = json_object_object_get(h, "gateway");

		len += (size_t)
			snprintf(buf + len, size - len, "%s%s%s%sdev %s",
				 k ? ", " : "", gw ? "via " : "",
				 gw ? json_object_get_string(gw) : "",
				 gw ? " " : "",
				 json_object_get_string(
					 json_object_object_get(h,
								"interface")));
	}
	if (len < size)
		snprintf(buf + len, size - len, " metric %d",
			 json_object_get_int(
				 json_object_object_get(d, "metric")));
}

/* The family's one default route, or why a sandbox cannot take it. */
static int gateway(struct xw_ctx *ctx, struct json_object *defaults,
		   const char *family, struct json_object **out)
{
	char object[32], all[512], one[256];
	struct json_object *d, *hops, *h;
	size_t n = json_object_array_length(defaults), k;

	*out = NULL;
	snprintf(object, sizeof(object), "%s default route", family);
	if (n > 1) {
		all[0] = '\0';
		for (k = 0; k < n; k++) {
			describe_default(json_object_array_get_idx(defaults, k),
					 one, sizeof(one));
			snprintf(all + strlen(all), sizeof(all) - strlen(all),
				 "%s%s", k ? "; " : "", one);
		}
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
			       "%zu of them (%s): a sandbox takes one", n, all);
	}
	if (!n)
		return 0;
	d = json_object_array_get_idx(defaults, 0);
	hops = json_object_object_get(d, "nexthops");
	for (k = 0; k < json_object_array_length(hops); k++) {
		h = json_object_array_get_idx(hops, k);
		if (json_object_object_get(h, "gateway"))
			continue;
		describe_default(d, one, sizeof(one));
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
			       "no gateway (%s): a sandbox needs one", one);
	}
	*out = json_object_get(d);
	if (json_object_array_length(hops) == 1) {
		h = json_object_array_get_idx(hops, 0);
		json_object_object_add(d, "interface",
				       json_object_get(json_object_object_get(
					       h, "interface")));
		json_object_object_add(d, "gateway",
				       json_object_get(
					       json_object_object_get(h,
								      "gateway")));
	}
	return 0;
}

static int gateways(struct xw_ctx *ctx, struct xw_scrape *s)
{
	struct json_object *v4, *v6;
	int err;

	err = gateway(ctx, s->defaults[0], "IPv4", &v4);
	if (!err)
		err = gateway(ctx, s->defaults[1], "IPv6", &v6);
	if (err) {
		json_object_put(v4);
		return err;
	}
	json_object_object_add(s->gateways, "ipv4", v4);
	json_object_object_add(s->gateways, "ipv6", v6);
	return 0;
}

int xw_scrape_read(struct xw_ctx *ctx, struct xw_scrape *s)
{
	int err;

	s->interfaces = json_object_new_array();
	s->loopback = json_object_new_array();
	s->skipped = json_object_new_array();
	s->gateways = json_object_new_object();
	s->defaults[0] = json_object_new_array();
	s->defaults[1] = json_object_new_array();
	nl_socket_disable_msg_peek(s->sk);
	err = nl_socket_set_msg_buf_size(s->sk, XW_DUMP_BUF);
	if (err)
		return nl_fail(ctx, "anything", err);
	err = read_links(ctx, s);
	if (!err)
		err = read_addrs(ctx, s);
	if (!err)
		err = read_routes(ctx, s);
	if (!err)
		err = read_neighbors(ctx, s);
	if (!err)
		err = gateways(ctx, s);
	if (!err && routes_json(s))
		err = xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "routes",
			      "cannot build the report");
	return err;
}

void xw_scrape_free(struct xw_scrape *s)
{
	size_t k;

	json_object_put(s->interfaces);
	json_object_put(s->loopback);
	json_object_put(s->skipped);
	json_object_put(s->gateways);
	json_object_put(s->defaults[0]);
	json_object_put(s->defaults[1]);
	if (s->addr_cache)
		nl_cache_free(s->addr_cache);
	for (k = 0; k < s->n_routes; k++)
		nl_object_put(s->routes[k]);
	free(s->routes);
	for (k = 0; k < s->n_ifaces; k++)
		free(s->ifaces[k].route_list);
	free(s->ifaces);
}
