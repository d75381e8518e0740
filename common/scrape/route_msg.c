#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include "scrape/route_msg.h"

/*
 * Attributes read as numbers, so that none is shorter than its number; and
 * RTA_VIA, which --steal's libnl parser copies with a length of its size
 * less 2 (a negative length for one shorter than its family field).
 */
static struct nla_policy route_policy[RTA_MAX + 1] = {
	[RTA_OIF] = { .type = NLA_U32 },
	[RTA_PRIORITY] = { .type = NLA_U32 },
	[RTA_TABLE] = { .type = NLA_U32 },
	[RTA_FLOW] = { .type = NLA_U32 },
	[RTA_VIA] = { .minlen = offsetof(struct rtvia, rtvia_addr) },
};

/*
 * Hops as the kernel writes them: 4-aligned lengths that fill the
 * attribute exactly.  Anything else is refused, not skipped: --steal hands
 * the same message to libnl's parser, whose remaining length (a size_t)
 * wraps on a hop of unaligned length, and which then allocates hops past
 * the message without end.
 */
static int parse_hops(const struct nlattr *mp, struct xw_route_msg *r)
{
	const unsigned char *p = nla_data(mp);
	int left = nla_len(mp);

	while (left > 0) {
		struct nlattr *tb[RTA_MAX + 1];
		struct rtnexthop nh;
		struct xw_route_hop *h;
		int alen, err;

		if (left < (int)sizeof(nh))
			return -NLE_INVAL;
		/*
		 * Copied: a message need not be 4-aligned in memory (a
		 * fuzzer's or a test's buffer), and the struct must be.
		 */
		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > left ||
		    nh.rtnh_len != RTNH_ALIGN(nh.rtnh_len))
			return -NLE_INVAL;
		if (r->n_hops == XW_MAX_HOPS)
			return -NLE_RANGE;
		alen = nh.rtnh_len - (int)RTNH_LENGTH(0);
		h = &r->hops[r->n_hops++];
		h->ifindex = nh.rtnh_ifindex;
		/* The kernel counts weight - 1. */
		h->weight = nh.rtnh_hops + 1;
		h->gateway = NULL;
		if (alen > 0) {
			err = nla_parse(tb, RTA_MAX,
					(struct nlattr *)(p + RTNH_LENGTH(0)),
					alen, route_policy);
			if (err)
				return err;
			h->gateway = tb[RTA_GATEWAY];
		}
		left -= nh.rtnh_len;
		p += nh.rtnh_len;
	}
	return 0;
}

int xw_route_msg_parse(struct nlmsghdr *hdr, struct nlattr **tb,
		       struct xw_route_msg *r)
{
	struct rtmsg rtm;
	uint32_t table;
	int err;

	/* First: it checks that the message holds a whole rtmsg. */
	err = nlmsg_parse(hdr, sizeof(rtm), tb, RTA_MAX, route_policy);
	if (err)
		return err;
	/* Copied, as a hop is: the message may be unaligned in memory. */
	memcpy(&rtm, nlmsg_data(hdr), sizeof(rtm));
	table = rtm.rtm_table;
	r->family = rtm.rtm_family;
	if (r->family != AF_INET && r->family != AF_INET6)
		return XW_ROUTE_OTHER_FAMILY;
	/* Tables past 255 exist only as the attribute. */
	if (tb[RTA_TABLE])
		table = nla_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return XW_ROUTE_OTHER_TABLE;
	if (rtm.rtm_type != RTN_UNICAST)
		return XW_ROUTE_OTHER_TYPE;
	r->prefix_len = rtm.rtm_dst_len;
	memset(r->dst, 0, sizeof(r->dst));
	if (tb[RTA_DST] && nla_len(tb[RTA_DST]) <= (int)sizeof(r->dst))
		memcpy(r->dst, nla_data(tb[RTA_DST]),
		       (size_t)nla_len(tb[RTA_DST]));
	r->metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
	r->n_hops = 0;
	if (tb[RTA_MULTIPATH])
		return parse_hops(tb[RTA_MULTIPATH], r);
	if (tb[RTA_OIF] || tb[RTA_GATEWAY]) {
		r->hops[0].ifindex =
			tb[RTA_OIF] ? (int)nla_get_u32(tb[RTA_OIF]) : 0;
		r->hops[0].weight = 1;
		r->hops[0].gateway = tb[RTA_GATEWAY];
		r->n_hops = 1;
	}
	return 0;
}
