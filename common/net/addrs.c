#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "core/exit.h"
#include "core/report.h"
#include "net/addrs.h"

bool xw_addr_copied(const struct xw_ip *ip)
{
	return !(ip->family == AF_INET6 && ip->a[0] == 0xfe &&
		 (ip->a[1] & 0xc0) == 0x80);
}

static int nl_failed(struct xw_ctx *ctx, uint32_t ifindex, const char *what,
		     int err)
{
	return xw_fail(ctx, xw_exit_for_nl(err), 0, "netlink",
		       "cannot read ifindex %u's %s: %s", ifindex, what,
		       nl_geterror(err));
}

/* -ENODEV when there is no such device; 0 with *up, or a recorded failure. */
static int link_up(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		   bool *up)
{
	struct rtnl_link *link = NULL;
	int err = rtnl_link_get_kernel(sk, (int)ifindex, NULL, &link);

	if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND)
		return -ENODEV;
	if (err)
		return nl_failed(ctx, ifindex, "link", err);
	*up = rtnl_link_get_flags(link) & IFF_UP;
	rtnl_link_put(link);
	return 0;
}

bool xw_addr_from_nl(const struct nl_addr *a, struct xw_ip *ip)
{
	int family = a ? nl_addr_get_family(a) : 0;
	unsigned int len = family == AF_INET ? 4 : 16;

	if ((family != AF_INET && family != AF_INET6) ||
	    nl_addr_get_len(a) != len)
		return false;
	memset(ip, 0, sizeof(*ip));
	ip->family = (uint8_t)family;
	memcpy(ip->a, nl_addr_get_binary_addr(a), len);
	return true;
}

static int by_ip(const void *x, const void *y)
{
	return xw_ip_cmp(x, y);
}

/* Sorts ips[n] and drops repeats (IPv4 may hold one with two prefixes). */
static size_t sort_unique(struct xw_ip *ips, size_t n)
{
	size_t k, kept = 0;

	qsort(ips, n, sizeof(*ips), by_ip);
	for (k = 0; k < n; k++)
		if (!kept || xw_ip_cmp(&ips[kept - 1], &ips[k]))
			ips[kept++] = ips[k];
	return kept;
}

int xw_addrs_read(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		  struct xw_ip *out, size_t max, size_t *n)
{
	bool up = false;
	int err;

	*n = 0;
	err = link_up(ctx, sk, ifindex, &up);
	if (err || !up)
		return err;
	return xw_addrs_held(ctx, sk, ifindex, out, max, n);
}

int xw_addrs_held(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		  struct xw_ip *out, size_t max, size_t *n)
{
	struct nl_cache *cache;
	struct nl_object *o;
	struct xw_ip *all;
	size_t count = 0;
	int err;

	*n = 0;
	err = rtnl_addr_alloc_cache(sk, &cache);
	if (err)
		return nl_failed(ctx, ifindex, "addresses", err);
	all = calloc((size_t)nl_cache_nitems(cache) + 1, sizeof(*all));
	if (!all) {
		nl_cache_free(cache);
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "addresses",
			       "out of memory");
	}
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if ((uint32_t)rtnl_addr_get_ifindex(a) == ifindex &&
		    xw_addr_from_nl(rtnl_addr_get_local(a), &all[count]))
			count++;
	}
	nl_cache_free(cache);
	count = sort_unique(all, count);
	if (count && max)
		memcpy(out, all, (count < max ? count : max) * sizeof(*out));
	free(all);
	*n = count;
	return count > max ? -E2BIG : 0;
}
