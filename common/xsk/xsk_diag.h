/*
 * Which AF_XDP sockets are bound to a device, from sock_diag: the kernel
 * does not let user space read an XSKMAP's entries, so status shows the
 * sockets bound to each queue instead, the ones the map can usefully hold.
 */
#ifndef XW_XSK_DIAG_H
#define XW_XSK_DIAG_H

#include <stdint.h>

struct xw_ctx;

/*
 * For each queue q < n_queues of the device ifindex (in the current
 * network namespace), bound[q] = the number of AF_XDP sockets bound to it.
 * -ENOENT, recording nothing, when the kernel cannot tell (built without
 * CONFIG_XDP_SOCKETS_DIAG).
 */
int xw_xsk_bound(struct xw_ctx *ctx, uint32_t ifindex, uint32_t *bound,
		 uint32_t n_queues);

#endif /* XW_XSK_DIAG_H */
