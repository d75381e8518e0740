/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What bpf/xsk_bind.bpf.c is told (rodata, set before load) and what it
 * finds (bss, read back through the skeleton).
 */
#ifndef XW_XSK_BIND_H
#define XW_XSK_BIND_H

#include <linux/types.h>

struct xw_xsk_bind_cfg {
	__u32 key; /* the XSKMAP slot, unless key_is_queue */
	__u8 key_is_queue; /* the slot is the socket's own bound queue */
	__u8 socket; /* a socket is in "probe"; else only the slot is read */
};

enum xw_xsk_slot {
	XW_SLOT_UNREAD = 0,
	XW_SLOT_EMPTY,
	XW_SLOT_THIS, /* holds the socket under judgement */
	XW_SLOT_OTHER,
};

/* The kernel's enum of xdp_sock.state. */
enum xw_xsk_state {
	XW_XSK_READY = 0,
	XW_XSK_BOUND = 1,
	XW_XSK_UNBOUND = 2,
};

struct xw_xsk_bind {
	__u32 found; /* the program ran to the end */
	__u32 state;
	__u32 ifindex; /* 0: no device */
	__u32 netns_ino; /* the device's network namespace */
	__u32 queue;
	__u32 slot_key;
	__u32 slot; /* enum xw_xsk_slot */
	__u8 has_rx;
	__u8 has_tx;
	__u8 has_umem;
	char ifname[16];
};

#endif /* XW_XSK_BIND_H */
