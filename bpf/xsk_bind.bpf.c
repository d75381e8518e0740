// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xsk_bind: what sockmap-insert cannot ask the kernel any other way on a
 * kernel without AF_XDP sock_diag: where one AF_XDP socket of the calling
 * process is bound (device, its namespace, queue), whether it has rings,
 * and what the XSKMAP slot it is meant for holds now (user space may not
 * look into an XSKMAP).
 *
 * The loader restricts the iterator to its own thread (link_info.task.tid)
 * and sets the descriptor before load, so one run visits a handful of
 * files and acts on one.  The kernel structures are read through local
 * "___xw" flavours with CO-RE relocations: no vmlinux.h to generate, and
 * every field is found by name in the running kernel's BTF.
 */
#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "xsk_bind.h"

#define AF_XDP_FAMILY 44

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

struct sock_common___xw {
	unsigned short skc_family;
} __attribute__((preserve_access_index));

struct sock___xw {
	struct sock_common___xw __sk_common;
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

struct socket___xw {
	struct sock___xw *sk;
} __attribute__((preserve_access_index));

struct file___xw {
	void *private_data;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file___xw {
	__u32 fd;
	struct file___xw *file;
} __attribute__((preserve_access_index));

/* The pinned XSKMAP under judgement: the loader reuses its fd before load. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} slots SEC(".maps");

const volatile struct xw_xsk_bind_cfg cfg = {};

struct xw_xsk_bind result = {};

static __always_inline void read_slot(__u32 key, __u64 xs)
{
	void *held = bpf_map_lookup_elem(&slots, &key);

	result.slot_key = key;
	if (!held)
		result.slot = XW_SLOT_EMPTY;
	else if ((__u64)held == xs)
		result.slot = XW_SLOT_THIS;
	else
		result.slot = XW_SLOT_OTHER;
}

static __always_inline void read_socket(struct file___xw *file)
{
	struct xdp_sock___xw *xs;
	struct net_device___xw *dev;
	struct socket___xw *sock;
	struct sock___xw *sk;

	/* User space saw an AF_XDP socket at fd: the family says it still is. */
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	result.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (result.family != AF_XDP_FAMILY)
		return;
	xs = (void *)sk;
	result.state = BPF_CORE_READ(xs, state);
	result.has_rx = BPF_CORE_READ(xs, rx) != NULL;
	result.has_tx = BPF_CORE_READ(xs, tx) != NULL;
	result.has_umem = BPF_CORE_READ(xs, umem) != NULL;
	result.queue = BPF_CORE_READ(xs, queue_id);
	dev = BPF_CORE_READ(xs, dev);
	if (dev) {
		result.ifindex = BPF_CORE_READ(dev, ifindex);
		result.netns_ino = BPF_CORE_READ(dev, nd_net.net, ns.inum);
		bpf_probe_read_kernel_str(result.ifname, sizeof(result.ifname),
					  &dev->name);
	}
	read_slot(cfg.key_is_queue ? result.queue : cfg.key, (__u64)xs);
}

SEC("iter/task_file")
int xw_xsk_bind(struct bpf_iter__task_file___xw *ctx)
{
	struct file___xw *file = ctx->file;

	/* The link already limits the walk to the loader's own thread. */
	if (!file || ctx->fd != cfg.fd || result.found)
		return 0;
	result.found = 1;
	if (cfg.socket)
		read_socket(file);
	else
		read_slot(cfg.key, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
