/*
 * route_pack: a NIC's routes as scrape keeps them between the dump and the
 * printing, packed back to back: 10 to 14 bytes for an IPv4 route, up to
 * 38 for an IPv6 one (a struct xw_scrape_route takes 44, a libnl object
 * several allocations).  At 100,000 routes this is what scrape holds.
 */
#ifndef XW_ROUTE_PACK_H
#define XW_ROUTE_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xw_scrape_route;

struct xw_route_pack {
	uint8_t *buf;
	size_t len, cap;
	size_t n; /* routes */
};

/* Appends rt; -ENOMEM. */
int xw_route_pack_add(struct xw_route_pack *p,
		      const struct xw_scrape_route *rt);
/* The route at *pos into rt, *pos past it; false after the last. */
bool xw_route_pack_next(const struct xw_route_pack *p, size_t *pos,
			struct xw_scrape_route *rt);
/* Frees p and what it holds; p may be NULL. */
void xw_route_pack_free(struct xw_route_pack *p);

#endif /* XW_ROUTE_PACK_H */
