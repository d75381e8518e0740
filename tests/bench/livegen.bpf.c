// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-livegen's frame source: writes the template frame over the packet and
 * sends it out (XDP_TX, which live-frames BPF_PROG_RUN turns into a
 * transmit on the device).  The rewrite is needed: a page comes back to
 * the generator's pool as the receiver left it, and a router rewrites the
 * MAC addresses and the TTL in place.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define XW_FRAME_WORDS 8 /* 64 bytes */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[XW_FRAME_WORDS]);
} template SEC(".maps");

SEC("xdp")
int xw_livegen(struct xdp_md *ctx)
{
	__u64 *pkt = (void *)(long)ctx->data;
	__u32 key = 0;
	__u64 *tpl;
	int i;

	if ((void *)(pkt + XW_FRAME_WORDS) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	tpl = bpf_map_lookup_elem(&template, &key);
	if (!tpl)
		return XDP_ABORTED;
#pragma unroll
	for (i = 0; i < XW_FRAME_WORDS; i++)
		pkt[i] = tpl[i];
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
