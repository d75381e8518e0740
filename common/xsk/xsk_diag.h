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

/*
 * For each queue q < n_queues of ifindex, bound[q] = 1 when an AF_XDP
 * socket is bound to it, from the netdev family's queue dump (Linux 6.14
 * and later), which needs no AF_XDP sock_diag: where xw_xsk_bound() cannot
 * tell.  Records nothing; -ENOENT when the kernel cannot tell either.
 */
int xw_xsk_queues_bound(uint32_t ifindex, uint32_t *bound, uint32_t n_queues);

/* The drop counters of the AF_XDP sockets bound to a device, summed. */
struct xw_xsk_drops {
	uint32_t sockets;
	uint64_t rx_dropped; /* no room in the socket's buffers, invalid */
	uint64_t rx_ring_full; /* its RX ring was full */
	uint64_t fill_ring_empty; /* its fill ring had no buffer */
};

/*
 * The drops of the AF_XDP sockets bound to ifindex (XDP_SHOW_STATS), in
 * the current network namespace; -ENOENT, recording nothing, when the
 * kernel cannot tell (as xw_xsk_bound()).
 */
int xw_xsk_drops(struct xw_ctx *ctx, uint32_t ifindex,
		 struct xw_xsk_drops *drops);

#endif /* XW_XSK_DIAG_H */
