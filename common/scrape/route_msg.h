/*
 * route_msg: the fields of one RTM_NEWROUTE message that scrape reads,
 * straight from its attributes.  libnl's route objects cost several
 * allocations per route, and a table may hold 100,000 routes.
 */
#ifndef XW_ROUTE_MSG_H
#define XW_ROUTE_MSG_H

#include <stdint.h>

#include <linux/rtnetlink.h>

struct nlattr;
struct nlmsghdr;

/* A route message's next hops, however the kernel laid them out. */
struct xw_route_hop {
	int ifindex;
	int weight;
	const struct nlattr *gateway; /* RTA_GATEWAY, or NULL */
};

#define XW_MAX_HOPS 256 /* the kernel's own limit per route */

struct xw_route_msg {
	int family;
	unsigned int prefix_len;
	uint8_t dst[16];
	uint32_t metric;
	struct xw_route_hop hops[XW_MAX_HOPS];
	int n_hops;
};

/* Why xw_route_msg_parse left a route out. */
enum {
	XW_ROUTE_OTHER_FAMILY = 1,
	XW_ROUTE_OTHER_TABLE,
	XW_ROUTE_OTHER_TYPE,
};

/*
 * 0 and r filled for a unicast route of the main table; XW_ROUTE_OTHER_*
 * for one to leave out; a negative libnl error for a malformed message.
 * tb gets the message's attributes; r's hops point into the message.
 */
int xw_route_msg_parse(struct nlmsghdr *hdr, struct nlattr **tb,
		       struct xw_route_msg *r);

#endif /* XW_ROUTE_MSG_H */
