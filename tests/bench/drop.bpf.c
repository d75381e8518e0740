// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Drops every frame: make bench counts frames that reached the sandbox
 * (ethtool -S: xdp_packets), and nothing else is done with them. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xw_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
