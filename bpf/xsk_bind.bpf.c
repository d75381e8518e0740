// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xsk_bind: what sockmap-insert cannot ask the kernel any other way on a
 * kernel without AF_XDP sock_diag: where one AF_XDP socket is bound
 * (device, the device's namespace, queue), whether it has rings, and what
 * the XSKMAP slot it is meant for holds now (user space may not look into
 * an XSKMAP, and the kernel's XSKMAP delete does not say either).
 *
 * Run once by BPF_PROG_TEST_RUN, never attached.  The loader puts the
 * socket into the private map "probe" at key 0 (none for a slot-only
 * query) and reuses the pinned map as "slots".  An XDP program may look
 * into both; the socket's fields are then read through local "___xw"
 * flavours with CO-RE relocations, resolved by the loader against a small
 * BTF made from the running kernel's (common/xsk/xsk_btf.c): no vmlinux.h, and
 * every field is found by name.  Comparing and reading kernel pointers
 * needs CAP_PERFMON.
 */
#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "xsk_bind.h"

struct ns_common___xw {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net___xw {
	struct ns_common___xw ns;
} __attribute__((preserve_access_index));

/* The kernel's possible_net_t, an anonymous struct behind a typedef. */
struct possible_net___xw {
	struct net___xw *net;
} __attribute__((preserve_access_index));

struct net_device___xw {
	char name[16];
	int ifindex;
	struct possible_net___xw nd_net;
} __attribute__((preserve_access_index));

struct xdp_sock___xw {
	void *rx;
	void *tx;
	void *umem;
	struct net_device___xw *dev;
	unsigned short queue_id;
	enum {
		XSK_READY___xw = 0,
		XSK_BOUND___xw = 1,
		XSK_UNBOUND___xw = 2,
	} state;
} __attribute__((preserve_access_index));

/* The pinned XSKMAP under judgement: the loader reuses its fd before load. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} slots SEC(".maps");

/* The socket to judge, at key 0, put there by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} probe SEC(".maps");

const volatile struct xw_xsk_bind_cfg cfg = {};

struct xw_xsk_bind result = {};

/*
 * An XSKMAP lookup gives a pointer the verifier allows no arithmetic on;
 * copied through the stack it becomes the plain address CO-RE reads need.
 */
static __always_inline __u64 address_of(void *ptr)
{
	__u64 addr = 0;

	bpf_probe_read_kernel(&addr, sizeof(addr), &ptr);
	return addr;
}

static __always_inline void read_socket(struct xdp_sock___xw *xs)
{
	struct net_device___xw *dev;

	result.state = BPF_CORE_READ(xs, state);
	result.has_rx = BPF_CORE_READ(xs, rx) != NULL;
	result.has_tx = BPF_CORE_READ(xs, tx) != NULL;
	result.has_umem = BPF_CORE_READ(xs, umem) != NULL;
	result.queue = BPF_CORE_READ(xs, queue_id);
	dev = BPF_CORE_READ(xs, dev);
	if (!dev)
		return;
	result.ifindex = BPF_CORE_READ(dev, ifindex);
	result.netns_ino = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	bpf_probe_read_kernel_str(result.ifname, sizeof(result.ifname),
				  &dev->name);
}

SEC("xdp")
int xw_xsk_bind(struct xdp_md *ctx)
{
	__u64 xs_addr = 0, held_addr;
	__u32 zero = 0, key = cfg.key;
	void *xs = NULL, *held;

	if (cfg.socket) {
		xs = bpf_map_lookup_elem(&probe, &zero);
		if (!xs)
			return XDP_PASS;
		xs_addr = address_of(xs);
		read_socket((struct xdp_sock___xw *)xs_addr);
		if (cfg.key_is_queue)
			key = result.queue;
	}
	held = bpf_map_lookup_elem(&slots, &key);
	held_addr = held ? address_of(held) : 0;
	result.slot_key = key;
	if (!held_addr)
		result.slot = XW_SLOT_EMPTY;
	else if (held_addr == xs_addr)
		result.slot = XW_SLOT_THIS;
	else
		result.slot = XW_SLOT_OTHER;
	result.found = 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
