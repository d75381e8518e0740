/*
 * The parts of xw_scrape_read(), one file per object kind it dumps (links,
 * addresses, routes, neighbours) and one for what it derives (the default
 * gateways, the routes' JSON): for scrape*.c only.
 */
#ifndef XW_SCRAPE_PARTS_H
#define XW_SCRAPE_PARTS_H

#include <stdint.h>

struct json_object;
struct nl_addr;
struct xw_ctx;
struct xw_route_msg;
struct xw_scrape;

/* "inet" or "inet6", as ip -j names a family. */
const char *xw_scrape_family_name(int family);
/* A link-layer address, lowercase hex bytes joined by ':'; or NULL. */
struct json_object *xw_scrape_lladdr(struct nl_addr *a);
/* A failed dump of what (libnl's err), recorded on ctx. */
int xw_scrape_nl_fail(struct xw_ctx *ctx, const char *what, int err);
/* A wanted interface other than loopback, or NULL. */
struct xw_scrape_iface *xw_scrape_nic(const struct xw_scrape *s, int ifindex);

/* In this order: each needs the interfaces, routes need no addresses. */
int xw_scrape_read_links(struct xw_ctx *ctx, struct xw_scrape *s);
int xw_scrape_read_addrs(struct xw_ctx *ctx, struct xw_scrape *s);
int xw_scrape_read_routes(struct xw_ctx *ctx, struct xw_scrape *s);
int xw_scrape_read_neighbors(struct xw_ctx *ctx, struct xw_scrape *s);

/* A default route through a wanted interface, as its JSON object. */
struct json_object *xw_scrape_default_json(const struct xw_scrape *s,
					   const struct xw_route_msg *r);
/* The one default route of each family, or why a sandbox cannot take it. */
int xw_scrape_gateways(struct xw_ctx *ctx, struct xw_scrape *s);
/*
 * A NIC's "routes": a streamed array that owns its route_pack (NULL when
 * out of memory).
 */
struct json_object *xw_scrape_routes_array(struct xw_scrape_iface *i);

#endif /* XW_SCRAPE_PARTS_H */
