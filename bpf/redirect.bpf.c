// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * redirect: hand every frame of a host NIC to the AF_XDP socket bound to the
 * frame's RX queue, except what the host must keep (TCP to a pass port, by
 * default SSH) and what cannot be parsed.
 */
#include "redirect_body.h"

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
	return xw_redirect_body(ctx, &xsk_map, &cfg, true);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
