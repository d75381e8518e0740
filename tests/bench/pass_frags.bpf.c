// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * make bench's multi-buffer XDP_PASS (60-host-traffic): the same bare
 * program as tests/helpers/pass.bpf.c, declared xdp.frags, to measure
 * whether telling veth that the program takes fragmented frames gives
 * the host's TCP anything back (veth raises the peer's MTU limit for
 * it; it still takes the peer's TSO away).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp.frags")
int xw_pass_frags(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
