/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The tunnel host's address tables: which sandbox (the host side of its
 * veth, by ifindex) owns a destination address.  Shared by the XDP program,
 * which looks up, and the tool, which writes, so both hash alike.
 *
 * A table is a BPF ARRAY used as an open-addressing hash table, not a BPF
 * HASH: the kernel inlines an ARRAY lookup into the program, while a HASH
 * lookup pays jhash and a memcmp, which alone costs more than the whole
 * single-sandbox program (tests/bench, design note in the commit).
 *
 * An address lives in one of the XW_OWNER_PROBES slots from its home slot
 * xw_owner_home() on (wrapping).  Slot states by ifindex:
 *   0                   never used: the probe stops here
 *   XW_OWNER_TOMBSTONE  freed: the probe goes on; an insert may reuse it
 *   other               in use: addr is owned by that ifindex
 * max_entries is a power of two, XW_OWNER_SLOTS_PER_ADDR times the number
 * of addresses the table is sized for, so probe windows stay short.
 *
 * The tool writes a slot only while the ifindex it holds (old or new) is
 * not in tunnel_host_veth_map: an entry is seen by the data path only once
 * its sandbox is committed there, so a reader never acts on a half-written
 * slot.
 */
#ifndef XW_OWNER_TABLE_H
#define XW_OWNER_TABLE_H

#include <linux/types.h>

#ifndef __always_inline /* user space: bpf_helpers.h defines it for BPF */
#define __always_inline inline __attribute__((always_inline))
#endif

#define XW_OWNER_PROBES 4
#define XW_OWNER_TOMBSTONE 0xffffffffu
#define XW_OWNER_SLOTS_PER_ADDR 4

/* Defaults of tunnel-install --max-sandboxes and --max-addresses. */
#define XW_DEFAULT_MAX_SANDBOXES 1024
#define XW_DEFAULT_MAX_ADDRESSES 4096
/* Addresses one sandbox may register (--address, --addresses-from-netns). */
#define XW_MAX_SANDBOX_ADDRS 32

/* tunnel_host_ipv4_owner_map's value. */
struct xw_owner4 {
	__be32 addr;
	__u32 ifindex;
};

/*
 * tunnel_host_ipv6_owner_map's value: the address as two words, so the
 * program compares it in two loads; padded to 32 bytes, a power of two,
 * so the inlined lookup finds a slot with a shift, not a multiply (with
 * 24 bytes an owned IPv6 frame measured 1.20x the single-sandbox program
 * in make bench, with 32 1.07x).
 */
struct xw_owner6 {
	__u64 addr[2]; /* network byte order, as in the header */
	__u32 ifindex;
	__u32 pad[3];
};

/*
 * The program's masks of its two tables (max_entries - 1), in .rodata.owners:
 * the loader writes them from the tables' sizes before load.
 */
struct xw_owner_masks {
	__u32 v4;
	__u32 v6;
};

/*
 * Cheap mixing: the first shift folds the high half down, the multiply
 * spreads the bits up, the last shift folds them down again.  Without the
 * first fold the low bits of the result (a table's mask keeps only those)
 * never saw the address's last octet's high bits: the 254 addresses of a
 * /24, as a sandbox pool hands them out, had 64 home slots among 16384
 * and a table filled its probe windows long before its capacity.
 */
static __always_inline __u32 xw_owner_mix(__u32 x)
{
	x ^= x >> 16;
	x *= 0x9e3779b1u;
	return x ^ (x >> 16);
}

/* Home slot of an IPv4 address (as in the header) in a table of mask+1. */
static __always_inline __u32 xw_owner_home4(__be32 addr, __u32 mask)
{
	return xw_owner_mix((__u32)addr) & mask;
}

static __always_inline __u32 xw_owner_home6(__u64 hi, __u64 lo, __u32 mask)
{
	__u64 x = hi ^ lo;

	return xw_owner_mix((__u32)x ^ (__u32)(x >> 32)) & mask;
}

#endif /* XW_OWNER_TABLE_H */
