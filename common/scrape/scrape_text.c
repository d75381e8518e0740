/* scrape without -j: the document as a compact summary, one line a thing. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "core/report.h"
#include "scrape/route_pack.h"
#include "scrape/scrape.h"
#include "scrape/scrape_text.h"

/*
 * An interface name, control characters and invalid UTF-8 as \xNN: the
 * sandbox names its devices, and a name may carry an escape sequence
 * (the kernel refuses only '/', ':' and white space).  One per line.
 */
static const char *name(struct json_object *o, const char *key)
{
	static char buf[4 * 64 + 1];
	const char *raw = xw_json_get_str(o, key);

	xw_escape(raw, strnlen(raw, 64), buf, sizeof(buf));
	return buf;
}

static void addresses(FILE *f, struct json_object *list)
{
	size_t k;

	for (k = 0; k < json_object_array_length(list); k++) {
		struct json_object *a = json_object_array_get_idx(list, k);

		fprintf(f, " %s/%d", xw_json_get_str(a, "address"),
			xw_json_get_int(a, "prefix_len"));
	}
	if (!json_object_array_length(list))
		fputs(" no addresses", f);
	fputc('\n', f);
}

static void interface(FILE *f, const struct xw_scrape *s, struct json_object *i)
{
	struct json_object *list, *ll = xw_json_get(i, "link_address");
	const struct xw_scrape_iface *nic =
		xw_scrape_find(s, (uint32_t)xw_json_get_int(i, "ifindex"));
	char dst[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];
	struct xw_scrape_route rt;
	size_t k, pos = 0;

	fprintf(f, "%s (ifindex %d, mtu %d, %s):", name(i, "name"),
		xw_json_get_int(i, "ifindex"), xw_json_get_int(i, "mtu"),
		ll ? json_object_get_string(ll) : "no link-layer address");
	addresses(f, xw_json_get(i, "addresses"));
	while (nic && xw_route_pack_next(nic->route_pack, &pos, &rt))
		fprintf(f, "  route %s/%d%s%s metric %u\n",
			xw_scrape_route_dst(&rt, dst, sizeof(dst)),
			rt.prefix_len, rt.has_gateway ? " via " : "",
			rt.has_gateway ?
				xw_scrape_route_gateway(&rt, gw, sizeof(gw)) :
				"",
			rt.metric);
	list = xw_json_get(i, "neighbors");
	for (k = 0; k < json_object_array_length(list); k++) {
		struct json_object *n = json_object_array_get_idx(list, k);
		struct json_object *lla = xw_json_get(n, "link_address");

		fprintf(f, "  neighbour %s at %s\n",
			xw_json_get_str(n, "address"),
			lla ? json_object_get_string(lla) : "no address");
	}
}

static void gateway(FILE *f, const char *family, struct json_object *g)
{
	struct json_object *hops;
	size_t k;

	if (!g) {
		fprintf(f, "default %s: none\n", family);
		return;
	}
	fprintf(f, "default %s:", family);
	hops = xw_json_get(g, "nexthops");
	for (k = 0; k < json_object_array_length(hops); k++) {
		struct json_object *h = json_object_array_get_idx(hops, k);

		fprintf(f, "%s via %s dev %s", k ? "," : "",
			xw_json_get_str(h, "gateway"), name(h, "interface"));
		if (json_object_array_length(hops) > 1)
			fprintf(f, " weight %d", xw_json_get_int(h, "weight"));
	}
	fprintf(f, " metric %d\n", xw_json_get_int(g, "metric"));
}

void xw_scrape_print(FILE *f, const struct xw_scrape *s)
{
	size_t k;

	for (k = 0; k < json_object_array_length(s->loopback); k++) {
		struct json_object *l =
			json_object_array_get_idx(s->loopback, k);

		fprintf(f, "%s (ifindex %d, loopback):", name(l, "name"),
			xw_json_get_int(l, "ifindex"));
		addresses(f, xw_json_get(l, "addresses"));
	}
	for (k = 0; k < json_object_array_length(s->interfaces); k++)
		interface(f, s, json_object_array_get_idx(s->interfaces, k));
	for (k = 0; k < json_object_array_length(s->skipped); k++) {
		struct json_object *i =
			json_object_array_get_idx(s->skipped, k);

		fprintf(f, "skipped %s (ifindex %d): %s\n", name(i, "name"),
			xw_json_get_int(i, "ifindex"),
			xw_json_get_str(i, "reason"));
	}
	gateway(f, "IPv4", xw_json_get(s->gateways, "ipv4"));
	gateway(f, "IPv6", xw_json_get(s->gateways, "ipv6"));
}
