/*
 * scrape: a network namespace's configuration as a sandbox runtime copies
 * it (interfaces that are up, their addresses, routes and permanent
 * neighbours, loopback, the default gateways), read through libnl-route
 * with one dump per object kind, into the JSON document of scrape -j
 * (man/xdpwire-scrape.schema.json).
 */
#ifndef XW_SCRAPE_H
#define XW_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct nl_cache;
struct nl_object;
struct nl_sock;
struct xw_ctx;
struct xw_route_pack;

/* A route through a NIC, as scrape reports it (prefix length > 0). */
struct xw_scrape_route {
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t prefix_len;
	bool has_gateway;
	uint32_t metric;
	uint8_t dst[16], gateway[16];
};

struct xw_scrape_iface {
	uint32_t ifindex;
	char name[16];
	bool loopback;
	bool wanted; /* up, and the --device if one was given */
	struct json_object *obj; /* its entry in interfaces or loopback */
	struct json_object *addresses, *routes, *neighbors;
	/*
	 * A NIC's routes, owned by its "routes" array, which formats them
	 * only when the document is printed (route_pack.h).
	 */
	struct xw_route_pack *route_pack;
};

struct xw_scrape {
	struct nl_sock *sk;
	uint32_t only_ifindex; /* --device, or 0 */
	bool keep_for_steal; /* keep address and route objects */
	struct xw_scrape_iface *ifaces; /* sorted by ifindex */
	size_t n_ifaces;
	struct json_object *interfaces, *loopback, *skipped, *gateways;
	/* Defaults of each family through a wanted interface, for the checks. */
	struct json_object *defaults[2];
	/* With keep_for_steal: what --steal removes and may have to restore. */
	struct nl_cache *addr_cache;
	struct nl_object **routes;
	size_t n_routes, cap_routes;
	size_t n_other_tables, n_other_types; /* routes left out, for -v */
};

/* Reads everything; on success the JSON parts are ready to hand out. */
int xw_scrape_read(struct xw_ctx *ctx, struct xw_scrape *s);
void xw_scrape_free(struct xw_scrape *s);

struct xw_scrape_iface *xw_scrape_find(const struct xw_scrape *s,
				       uint32_t ifindex);

/* A route's destination and gateway (NULL: none) as text. */
const char *xw_scrape_route_dst(const struct xw_scrape_route *rt, char *buf,
				size_t size);
const char *xw_scrape_route_gateway(const struct xw_scrape_route *rt, char *buf,
				    size_t size);

#endif /* XW_SCRAPE_H */
