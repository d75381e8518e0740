/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types shared by the XDP programs and the user-space tool.  Changing a
 * layout here changes the pinned objects' key/value sizes, which the tool
 * checks before it touches a pin, so old pins are refused rather than
 * misread.
 */
#ifndef XW_ABI_H
#define XW_ABI_H

#include <linux/types.h>

/* Upper bound of --pass-port; the program's port loop is unrolled to it. */
#define XW_MAX_PASS_PORTS 16

/*
 * Program configuration, written into .rodata between open and load.  The
 * verifier then sees constants, so an unused port slot costs nothing per
 * packet.  object_hash identifies the BPF object the program was built from:
 * together with the ports it tells whether a pinned program is the one this
 * binary would load, without loading anything.
 */
struct xw_pass_cfg {
	__u64 object_hash;
	__u32 n_ports;
	__be16 ports[XW_MAX_PASS_PORTS];
	__u16 pad;
};

/* Keys of the per-CPU counters array pinned beside each program. */
enum xw_counter {
	XW_CNT_FORWARDED, /* handed to the socket or device in the map */
	XW_CNT_PASS_PORT, /* TCP to a pass port: kernel stack */
	XW_CNT_NO_TARGET, /* no socket/device in the map slot: kernel */
	XW_CNT_MALFORMED, /* too short to parse: kernel stack */
	XW_CNT_MAX,
};

#endif /* XW_ABI_H */
