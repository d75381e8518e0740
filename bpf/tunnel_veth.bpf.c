// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tunnel veth: the sandbox's way out.  Attached to the host side of the
 * sandbox's veth pair, it sends every frame the sandbox transmits to the
 * device in slot 0 of the DEVMAP (the node's NIC), without the host's IP
 * stack.  Nothing is kept back: the host's own traffic never comes this
 * way.  An empty slot hands frames to the kernel.
 */
#include "counters.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dev_map SEC(".maps");

/* Only its object_hash is read, by the loader: it tells builds apart. */
const volatile struct xw_pass_cfg cfg = {};

SEC("xdp")
int xw_tunnel_veth(struct xdp_md *ctx)
{
	int action = bpf_redirect_map(&dev_map, 0, XDP_PASS);

	if (action == XDP_REDIRECT)
		return xw_count(XW_CNT_FORWARDED, action);
	return xw_count(XW_CNT_NO_TARGET, action);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
