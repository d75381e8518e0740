// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tunnel host program as xdpwire shipped it before sandboxes could be
 * registered (issue 15), kept for tests of an install that xdpwire made
 * then: same program name, same two maps, no sandbox or owner maps.  Loaded
 * and pinned by xw-legacy-host.  Do not change it with bpf/.
 *
 * tunnel host: the node's NIC side of the XDP fast path.  Every frame goes
 * to the device in slot 0 of the DEVMAP (the host side of a sandbox's veth
 * pair), except what the host must keep (TCP to a pass port, by default
 * SSH) and what cannot be parsed.  An empty slot hands frames to the kernel.
 */
#include "redirect_body.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dev_map SEC(".maps");

const volatile struct xw_pass_cfg cfg = {};

SEC("xdp")
int xw_tunnel_host(struct xdp_md *ctx)
{
	return xw_redirect_body(ctx, &dev_map, &cfg, false);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
