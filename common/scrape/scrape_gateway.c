/*
 * scrape's default gateways: the default routes through a wanted NIC as
 * the route dump met them, then one per family, or the reason a sandbox
 * cannot take them (more than one, or one without a gateway).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <netlink/attr.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/report.h"
#include "scrape/route_msg.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

/* An address attribute of the route's family as text, or NULL. */
static const char *attr_ip(int family, const struct nlattr *a, char *buf,
			   size_t size)
{
	if (!a || nla_len(a) != (family == AF_INET ? 4 : 16))
		return NULL;
	return inet_ntop(family, nla_data(a), buf, (socklen_t)size);
}

struct json_object *xw_scrape_default_json(const struct xw_scrape *s,
					   const struct xw_route_msg *r)
{
	struct json_object *d = json_object_new_object(), *hops;
	char buf[INET6_ADDRSTRLEN];
	int k;

	xw_json_add_int(d, "metric", r->metric);
	hops = json_object_new_array();
	for (k = 0; k < r->n_hops; k++) {
		struct xw_scrape_iface *i =
			xw_scrape_nic(s, r->hops[k].ifindex);
		struct json_object *h;
		const char *gw;

		/* A hop the sandbox will not have is of no use to it. */
		if (!i)
			continue;
		h = json_object_new_object();
		gw = attr_ip(r->family, r->hops[k].gateway, buf, sizeof(buf));
		xw_json_add_str(h, "interface", i->name);
		xw_json_add_str(h, "gateway", gw);
		xw_json_add_int(h, "weight", r->hops[k].weight);
		json_object_array_add(hops, h);
	}
	xw_json_add(d, "nexthops", hops);
	return d;
}

/* "via 10.0.0.1 dev eth0 metric 100", hops joined by ", ". */
static void describe_default(struct json_object *d, char *buf, size_t size)
{
	struct json_object *hops = xw_json_get(d, "nexthops");
	size_t k, len = 0;

	buf[0] = '\0';
	for (k = 0; k < json_object_array_length(hops) && len < size; k++) {
		struct json_object *h = json_object_array_get_idx(hops, k);
		const char *gw = xw_json_get_str(h, "gateway");

		len += (size_t)snprintf(buf + len, size - len, "%s%s%s%sdev %s",
					k ? ", " : "", gw ? "via " : "",
					gw ?: "", gw ? " " : "",
					xw_json_get_str(h, "interface"));
	}
	if (len < size)
		snprintf(buf + len, size - len, " metric %d",
			 xw_json_get_int(d, "metric"));
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
	hops = xw_json_get(d, "nexthops");
	for (k = 0; k < json_object_array_length(hops); k++) {
		h = json_object_array_get_idx(hops, k);
		if (xw_json_get(h, "gateway"))
			continue;
		describe_default(d, one, sizeof(one));
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
			       "no gateway (%s): a sandbox needs one", one);
	}
	*out = json_object_get(d);
	if (json_object_array_length(hops) == 1) {
		h = json_object_array_get_idx(hops, 0);
		xw_json_add(d, "interface",
			    json_object_get(xw_json_get(h, "interface")));
		xw_json_add(d, "gateway",
			    json_object_get(xw_json_get(h, "gateway")));
	}
	return 0;
}

int xw_scrape_gateways(struct xw_ctx *ctx, struct xw_scrape *s)
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
	xw_json_add(s->gateways, "ipv4", v4);
	xw_json_add(s->gateways, "ipv6", v6);
	return 0;
}
