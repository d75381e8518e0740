// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-livegen's frame source: writes the template frame over the packet and
 * sends it out (XDP_TX, which live-frames BPF_PROG_RUN turns into a
 * transmit on the device).  The rewrite is needed: a page comes back to
 * the generator's pool as the receiver left it, and a router rewrites the
 * MAC addresses and the TTL in place.
 *
 * dst_count > 1 (xw-livegen --dst-count) spreads the frames over that
 * many destinations, the template's and the dst_count - 1 addresses after
 * it, in turn: many sandboxes' traffic from one source.  The IPv4 checksum
 * is fixed incrementally (RFC 1624), so a router takes the frames too.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define XW_FRAME_WORDS 8 /* 64 bytes */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[XW_FRAME_WORDS]);
} template SEC(".maps");

const volatile __u32 dst_count = 1;
/* Runs so far; live-frames runs of one call stay on one CPU. */
__u32 seq;

/* One's complement sum folded to 16 bits. */
static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)((sum & 0xffff) + (sum >> 16));
}

/* daddr += n, and the header checksum with it: HC' = ~(~HC + ~m + m'). */
static __always_inline void next_dst(struct iphdr *ip, __u32 n)
{
	__be32 old = ip->daddr, new = bpf_htonl(bpf_ntohl(old) + n);
	__u32 sum = (__u16)~ip->check;

	sum += (__u16) ~(old & 0xffff) + (__u16) ~(old >> 16);
	sum += (new & 0xffff) + (new >> 16);
	ip->daddr = new;
	ip->check = (__u16)~fold(sum);
}

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
	if (dst_count > 1)
		next_dst((void *)pkt + sizeof(struct ethhdr),
			 seq++ % dst_count);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
