// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The smallest XDP program: lets every frame pass.  Tests attach it as
 * "another tool's program"; it pins nothing, so loading it never reaches
 * for a bpffs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xw_test_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
