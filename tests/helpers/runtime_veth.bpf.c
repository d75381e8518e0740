// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A stand-in for the runtime's own tunnel-mode veth program: its names
 * (xdp_veth_prog, dev_map) and what it does (every frame to the device in
 * slot 0), not xdpwire's program.  xw-runtime-wire pins it as the runtime
 * does.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dev_map SEC(".maps");

SEC("xdp")
int xdp_veth_prog(struct xdp_md *ctx)
{
	return bpf_redirect_map(&dev_map, 0, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
