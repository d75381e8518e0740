/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The body of the NIC-side programs (redirect, tunnel host): keep for the
 * host what it must keep (TCP to a pass port) and what cannot be parsed,
 * send every other frame through the program's map, and count why.  The
 * programs differ only in that map and its key, so each declares its map
 * and calls this.
 */
#ifndef XW_REDIRECT_BODY_H
#define XW_REDIRECT_BODY_H

#include <stdbool.h>

#include "classify.h"
#include "counters.h"

/*
 * Sends the frame to the target at key of map, or to the kernel when the
 * slot has none, and counts which.
 */
static __always_inline int xw_redirect_counted(void *map, __u32 key)
{
	/* long, as the helper returns: an int would be zero-extended first. */
	long action = bpf_redirect_map(map, key, XDP_PASS);

	if (action == XDP_REDIRECT)
		return xw_count(XW_CNT_FORWARDED, XDP_REDIRECT);
	return xw_count(XW_CNT_NO_TARGET, XDP_PASS);
}

/*
 * key_by_queue: key the map by the frame's RX queue (an XSKMAP with a
 * socket per queue) rather than use slot 0.  A constant at every call,
 * so the inlined program is what it was before the two shared this.
 */
static __always_inline int
xw_redirect_body(struct xdp_md *ctx, void *map,
		 const volatile struct xw_pass_cfg *cfg, bool key_by_queue)
{
	switch (xw_classify(ctx, cfg)) {
	case XW_PASS_PORT:
		return xw_count(XW_CNT_PASS_PORT, XDP_PASS);
	case XW_MALFORMED:
		return xw_count(XW_CNT_MALFORMED, XDP_PASS);
	case XW_FORWARD:
		break;
	}
	return xw_redirect_counted(map, key_by_queue ? ctx->rx_queue_index : 0);
}

#endif /* XW_REDIRECT_BODY_H */
