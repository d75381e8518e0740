/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What bpf/attach_reason.bpf.c finds (bss, read back through the
 * skeleton) when the kernel refuses an XDP link of the loader's process.
 */
#ifndef XW_ATTACH_REASON_H
#define XW_ATTACH_REASON_H

#include <linux/types.h>

struct xw_attach_reason {
	__u32 fired; /* the tracepoint ran for this process */
	__u32 has_msg; /* and the kernel gave a message */
	char msg[128]; /* NUL-terminated; extack messages are shorter */
};

#endif /* XW_ATTACH_REASON_H */
