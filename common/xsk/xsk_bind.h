/*
 * Where an AF_XDP socket is bound and what an XSKMAP slot holds, read by a
 * BPF program run once (bpf/xsk_bind.bpf.c): this kernel has no AF_XDP
 * sock_diag, getsockname() on an AF_XDP socket says nothing, and user
 * space may not look into an XSKMAP.
 */
#ifndef XW_XSK_BIND_H_USER
#define XW_XSK_BIND_H_USER

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/xsk_bind.h"

struct xw_ctx;

struct xw_xsk_query {
	int map_fd; /* the XSKMAP whose slot is read */
	int fd; /* the AF_XDP socket, when socket */
	bool socket; /* read fd's binding too, not just the slot */
	bool key_is_queue; /* the slot is the socket's bound queue */
	uint32_t key; /* the slot otherwise */
};

/*
 * Runs the program; object names the socket (or the map) in messages.
 * Needs CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and CAP_PERFMON.
 */
int xw_xsk_query(struct xw_ctx *ctx, const struct xw_xsk_query *q,
		 const char *object, struct xw_xsk_bind *out);

/* The device name with control and non-ASCII bytes as \xNN. */
void xw_xsk_ifname(const struct xw_xsk_bind *b, char *buf, size_t size);

#endif /* XW_XSK_BIND_H_USER */
