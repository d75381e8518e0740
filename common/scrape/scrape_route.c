/*
 * scrape's routes: streamed from one dump per family (not cached: a table
 * may hold 100,000), each main-table unicast route through a wanted NIC
 * packed in its route_pack, each default one for the gateways, and
 * with --steal the libnl object that puts it back.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "core/report.h"
#include "scrape/route_msg.h"
#include "scrape/route_pack.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

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

/* Kept packed: a json-c object per route would take ~1.4 KiB. */
static int add_route(struct xw_scrape_iface *i, const struct xw_route_msg *r,
		     const struct xw_route_hop *h)
{
	struct xw_scrape_route rt = {
		.family = (uint8_t)r->family,
		.prefix_len = (uint8_t)r->prefix_len,
		.metric = r->metric,
	};

	if (!i->route_pack)
		return -ENOMEM;
	memcpy(rt.dst, r->dst, sizeof(rt.dst));
	if (h->gateway &&
	    nla_len(h->gateway) == (r->family == AF_INET ? 4 : 16)) {
		rt.has_gateway = true;
		memcpy(rt.gateway, nla_data(h->gateway),
		       (size_t)nla_len(h->gateway));
	}
	return xw_route_pack_add(i->route_pack, &rt);
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
		struct xw_scrape_iface *i =
			xw_scrape_nic(s, r->hops[k].ifindex);

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
				      xw_scrape_default_json(s, r));
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
int xw_scrape_read_routes(struct xw_ctx *ctx, struct xw_scrape *s)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct route_walk *w = calloc(1, sizeof(*w));
	size_t k;
	int err;

	if (!w)
		return xw_scrape_nl_fail(ctx, "routes", -NLE_NOMEM);
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
		return xw_scrape_nl_fail(ctx, "routes", err);
	xw_debug(ctx, 1,
		 "routes left out: %zu of other tables, %zu not unicast",
		 s->n_other_tables, s->n_other_types);
	return 0;
}
