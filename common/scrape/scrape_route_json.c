/*
 * A NIC's "routes" array, formatted from its route_pack as the document
 * is printed, and a route's addresses as text for both renderings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "core/json.h"
#include "scrape/route_pack.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

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
	xw_json_add(j->obj, "family", json_object_get(j->family));
	xw_json_add(j->obj, "destination", json_object_get(j->destination));
	xw_json_add(j->obj, "prefix_len", json_object_get(j->prefix_len));
	if (gateway)
		xw_json_add(j->obj, "gateway", json_object_get(j->gateway));
	xw_json_add(j->obj, "metric", json_object_get(j->metric));
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

static int route_json_add(struct route_json *j, struct xw_json_sink *sink,
			  const struct xw_scrape_route *rt)
{
	char buf[INET6_ADDRSTRLEN];

	json_object_set_string(j->family, xw_scrape_family_name(rt->family));
	json_object_set_string(j->destination,
			       xw_scrape_route_dst(rt, buf, sizeof(buf)));
	json_object_set_int64(j->prefix_len, rt->prefix_len);
	if (rt->has_gateway)
		json_object_set_string(j->gateway,
				       xw_scrape_route_gateway(rt, buf,
							       sizeof(buf)));
	json_object_set_int64(j->metric, rt->metric);
	return xw_json_sink_add(sink, j->obj);
}

/* Runs while the document is printed, long after the dump. */
static int each_route(void *arg, struct xw_json_sink *sink)
{
	const struct xw_route_pack *pack = arg;
	struct route_json via = { 0 }, direct = { 0 };
	struct xw_scrape_route rt;
	size_t pos = 0;
	int err;

	err = route_json_init(&via, true);
	if (!err)
		err = route_json_init(&direct, false);
	while (!err && xw_route_pack_next(pack, &pos, &rt))
		err = route_json_add(rt.has_gateway ? &via : &direct, sink,
				     &rt);
	route_json_free(&via);
	route_json_free(&direct);
	return err;
}

static void free_pack(void *arg)
{
	xw_route_pack_free(arg);
}

struct json_object *xw_scrape_routes_array(struct xw_scrape_iface *i)
{
	struct json_object *routes;

	i->route_pack = calloc(1, sizeof(*i->route_pack));
	if (!i->route_pack)
		return NULL;
	routes = xw_json_stream_array(each_route, i->route_pack, free_pack);
	if (!routes)
		i->route_pack = NULL; /* freed with the array that failed */
	return routes;
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
