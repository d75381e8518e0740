/*
 * route_pack: packing and unpacking a NIC's routes (route_pack.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scrape/route_pack.h"
#include "scrape/scrape.h"

/* A record: flags, prefix length, metric, destination, [gateway]. */
#define PACK_INET6 0x1
#define PACK_GATEWAY 0x2
#define PACK_MAX (2 + 4 + 16 + 16)

static size_t addr_len(uint8_t flags)
{
	return flags & PACK_INET6 ? 16 : 4;
}

static int reserve(struct xw_route_pack *p)
{
	size_t cap = p->cap ? p->cap : 1024;
	uint8_t *grown;

	if (p->cap - p->len >= PACK_MAX)
		return 0;
	/* By half: the last growth leaves less unused. */
	while (cap - p->len < PACK_MAX)
		cap += cap / 2;
	grown = realloc(p->buf, cap);
	if (!grown)
		return -ENOMEM;
	p->buf = grown;
	p->cap = cap;
	return 0;
}

int xw_route_pack_add(struct xw_route_pack *p, const struct xw_scrape_route *rt)
{
	uint8_t flags = (rt->family == AF_INET6 ? PACK_INET6 : 0) |
			(rt->has_gateway ? PACK_GATEWAY : 0);
	size_t alen = addr_len(flags);
	uint8_t *b;

	if (reserve(p))
		return -ENOMEM;
	b = p->buf + p->len;
	b[0] = flags;
	b[1] = rt->prefix_len;
	memcpy(b + 2, &rt->metric, 4);
	memcpy(b + 6, rt->dst, alen);
	if (rt->has_gateway)
		memcpy(b + 6 + alen, rt->gateway, alen);
	p->len += 6 + alen * (rt->has_gateway ? 2 : 1);
	p->n++;
	return 0;
}

bool xw_route_pack_next(const struct xw_route_pack *p, size_t *pos,
			struct xw_scrape_route *rt)
{
	const uint8_t *b;
	size_t alen;

	if (!p || *pos >= p->len)
		return false;
	b = p->buf + *pos;
	alen = addr_len(b[0]);
	memset(rt, 0, sizeof(*rt));
	rt->family = b[0] & PACK_INET6 ? AF_INET6 : AF_INET;
	rt->has_gateway = b[0] & PACK_GATEWAY;
	rt->prefix_len = b[1];
	memcpy(&rt->metric, b + 2, 4);
	memcpy(rt->dst, b + 6, alen);
	if (rt->has_gateway)
		memcpy(rt->gateway, b + 6 + alen, alen);
	*pos += 6 + alen * (rt->has_gateway ? 2 : 1);
	return true;
}

void xw_route_pack_free(struct xw_route_pack *p)
{
	if (p)
		free(p->buf);
	free(p);
}
