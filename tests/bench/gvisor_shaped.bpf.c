// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The per-packet baseline of make bench (issue 17): a program of the shape
 * gVisor's own loader attaches to a NIC for its AF_XDP endpoint (its
 * tools/xdp redirect-host program), written here from that description,
 * not copied.  Its shape, and what xdpwire's redirect does beyond it:
 *
 *   - IPv4 only, and a fixed 20-byte header: TCP is found at +20 even when
 *     IHL says there are options (xdpwire honours IHL);
 *   - every frame that is not IPv4 goes to the socket unparsed (xdpwire
 *     parses IPv6 and its extension headers for TCP pass ports, and looks
 *     through VLAN tags);
 *   - TCP to port 22 passes to the host, fixed (xdpwire: --pass-port);
 *   - a frame too short for the headers it needs passes;
 *   - everything else to the XSKMAP slot of the frame's RX queue, the
 *     kernel when the slot is empty;
 *   - no counters.
 *
 * xw-prog_run --load puts a real AF_XDP socket in its slot 0.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsk_map SEC(".maps");

static __always_inline int to_socket(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsk_map, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int xw_gvisor_shaped(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return to_socket(ctx);
	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_TCP)
		return to_socket(ctx);
	/* The whole fixed TCP header, as the original asks for. */
	if ((void *)(tcp + 1) > end)
		return XDP_PASS;
	if (tcp->dest == bpf_htons(22))
		return XDP_PASS;
	return to_socket(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
