// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * redirect: hand every frame of a host NIC to the AF_XDP socket bound to the
 * frame's RX queue, except what the host must keep (TCP to a pass port, by
 * default SSH) and what cannot be parsed.
 */
#include "classify.h"
#include "counters.h"

/* Sized to the device's RX queue count by the loader before load. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsk_map SEC(".maps");

const volatile struct xw_pass_cfg cfg = {};

SEC("xdp")
int xw_redirect(struct xdp_md *ctx)
{
	int action;

	switch (xw_classify(ctx, &cfg)) {
	case XW_PASS_PORT:
		return xw_count(XW_CNT_PASS_PORT, XDP_PASS);
	case XW_MALFORMED:
		return xw_count(XW_CNT_MALFORMED, XDP_PASS);
	case XW_FORWARD:
		break;
	}
	/* A queue without a socket falls back to the kernel stack. */
	action = bpf_redirect_map(&xsk_map, ctx->rx_queue_index, XDP_PASS);
	if (action == XDP_REDIRECT)
		return xw_count(XW_CNT_FORWARDED, action);
	return xw_count(XW_CNT_NO_TARGET, action);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
