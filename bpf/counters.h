/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The per-CPU counters every xdpwire program keeps, one slot per reason. */
#ifndef XW_COUNTERS_H
#define XW_COUNTERS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xw_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XW_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Counts the frame under why and returns action, for tail positions. */
static __always_inline int xw_count(__u32 why, int action)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &why);

	/* Per-CPU slot and XDP runs with preemption off: no atomics needed. */
	if (n)
		*n += 1;
	return action;
}

#endif /* XW_COUNTERS_H */
