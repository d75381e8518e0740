// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tunnel host as it was before issue 15 (one sandbox, in slot 0 of a
 * one-slot DEVMAP; bpf/tunnel_host.bpf.c at 5091d55): make bench's
 * baseline for the many-sandbox program, which must cost at most 1.15x
 * this on the same frames.  xw-prog_run --slot0 loads it, with pass port
 * 22 as the installer would set it, and fills slot 0.
 *
 * It shares the old body, xw_redirect_body(), with bpf/redirect.bpf.c,
 * whose compiled form issue 15 keeps unchanged, so this is the old
 * program, not a copy that could drift from it.
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
int xw_slot0(struct xdp_md *ctx)
{
	return xw_redirect_body(ctx, &dev_map, &cfg, false);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
