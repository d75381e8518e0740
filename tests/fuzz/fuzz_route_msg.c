// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * One route message, as scrape reads it (xw_route_msg_parse) and, when
 * scrape takes it, as --steal keeps it (libnl's rtnl_route_parse).  The
 * input is the whole message; its nlmsg_len is made the input's length,
 * as libnl's receive loop checks it against what was read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/route/route.h>

#include "scrape/route_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct rtnl_route *obj = NULL;
	static struct xw_route_msg r;
	struct nlmsghdr *hdr;

	if (size < sizeof(*hdr) || size > 65536)
		return -1;
	/* A copy of its own size: ASan sees a read past the message. */
	hdr = malloc(size);
	if (!hdr)
		return -1;
	memcpy(hdr, data, size);
	hdr->nlmsg_len = (uint32_t)size;
	hdr->nlmsg_type = RTM_NEWROUTE;
	if (!xw_route_msg_parse(hdr, tb, &r) && !rtnl_route_parse(hdr, &obj))
		rtnl_route_put(obj);
	free(hdr);
	return 0;
}
