// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attach_reason: the kernel's own words for an XDP link attach that
 * failed.  bpf_link_create(BPF_XDP) has no netlink extended ack to carry
 * them; the kernel hands the ack's message to the tracepoint
 * bpf_xdp_link_attach_failed instead (net/core/dev.c).  Loaded only after
 * an attach failed, attached as a raw tracepoint (by name: no tracefs),
 * while the loader repeats the attach once, then destroyed.
 *
 * The tracepoint is the whole kernel's: a failure of another process at
 * the same moment must not pass for ours, hence the tgid filter.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "attach_reason.h"

/* The loader's process, set before load. */
const volatile __u32 tgid = 0;

struct xw_attach_reason result = {};

SEC("raw_tp/bpf_xdp_link_attach_failed")
int xw_attach_reason(struct bpf_raw_tracepoint_args *ctx)
{
	const char *msg = (const char *)ctx->args[0];

	/* Ours only, and the first: the one attach the loader retries. */
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != tgid || result.fired)
		return 0;
	result.fired = 1;
	/* An attach the driver refused without a word passes NULL. */
	if (msg &&
	    bpf_probe_read_kernel_str(result.msg, sizeof(result.msg), msg) > 1)
		result.has_msg = 1;
	return 0;
}

/* bpf_probe_read_kernel_str is a GPL-only helper. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";
