// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * One link, address or neighbour message (the input's first byte picks
 * which, the rest is the message) through libnl's parser, the way scrape
 * reads them (rtnl_*_alloc_cache), and every field scrape and --steal take
 * from the objects it makes, the way they take them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/rtnl.h>

#include "net/nladdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *cache;
	int type;
} kinds[] = {
	{ "route/link", RTM_NEWLINK },
	{ "route/addr", RTM_NEWADDR },
	{ "route/neigh", RTM_NEWNEIGH },
};

/* An IP address: scrape's text, and --steal's for one scrape took. */
static void use_ip(struct nl_addr *a)
{
	char buf[128];

	if (xw_nladdr_ip(a, buf, sizeof(buf)))
		nl_addr2str(a, buf, sizeof(buf));
}

/* A link-layer address: scrape reads up to 32 bytes of it. */
static void use_ll(struct nl_addr *a)
{
	const uint8_t *b;
	unsigned int k, n = a ? nl_addr_get_len(a) : 0, sum = 0;

	if (!n || n > 32)
		return;
	b = nl_addr_get_binary_addr(a);
	for (k = 0; k < n; k++)
		sum += b[k];
	/* Keeps the loop's reads. */
	__asm__ volatile("" : : "r"(sum));
}

static void use(int kind, struct nl_object *o)
{
	char buf[64];

	switch (kind) {
	case 0: {
		struct rtnl_link *l = (struct rtnl_link *)o;

		(void)rtnl_link_get_ifindex(l);
		(void)rtnl_link_get_flags(l);
		(void)rtnl_link_get_mtu(l);
		if (rtnl_link_get_name(l))
			(void)strlen(rtnl_link_get_name(l));
		use_ll(rtnl_link_get_addr(l));
		break;
	}
	case 1: {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		(void)rtnl_addr_get_ifindex(a);
		(void)rtnl_addr_get_family(a);
		(void)rtnl_addr_get_prefixlen(a);
		rtnl_scope2str(rtnl_addr_get_scope(a), buf, sizeof(buf));
		use_ip(rtnl_addr_get_local(a));
		break;
	}
	default: {
		struct rtnl_neigh *n = (struct rtnl_neigh *)o;

		(void)rtnl_neigh_get_ifindex(n);
		(void)rtnl_neigh_get_family(n);
		(void)rtnl_neigh_get_state(n);
		use_ip(rtnl_neigh_get_dst(n));
		use_ll(rtnl_neigh_get_lladdr(n));
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_cache *cache = NULL;
	struct nlmsghdr *hdr;
	struct nl_object *o;
	struct nl_msg *msg;
	int kind;

	if (size < 1 + sizeof(*hdr) || size > 65536)
		return -1;
	kind = data[0] % 3;
	data++;
	size--;
	hdr = malloc(size);
	if (!hdr)
		return -1;
	memcpy(hdr, data, size);
	hdr->nlmsg_len = (uint32_t)size;
	hdr->nlmsg_type = (uint16_t)kinds[kind].type;
	msg = nlmsg_convert(hdr);
	if (msg && !nl_cache_alloc_name(kinds[kind].cache, &cache)) {
		nl_cache_parse_and_add(cache, msg);
		for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o))
			use(kind, o);
		nl_cache_free(cache);
	}
	nlmsg_free(msg);
	free(hdr);
	return 0;
}
