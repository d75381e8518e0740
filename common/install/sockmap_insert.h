/*
 * sockmap-insert: an AF_XDP socket into the pinned XSKMAP of a redirect
 * install, at the key of its RX queue, or a slot cleared.
 */
#ifndef XW_SOCKMAP_INSERT_H
#define XW_SOCKMAP_INSERT_H

#include <stdbool.h>
#include <stdint.h>

struct xw_ctx;
struct xw_target;

struct xw_sockmap_request {
	/* The pinned XSKMAP's path; NULL: the target device's redirect map. */
	const char *map;
	uint32_t queue; /* the map key, when queue_given */
	bool queue_given; /* else the socket's bound queue (0 with del) */
	int fd; /* the socket: a descriptor of ours, or -1 */
	int pid; /* ... or descriptor target_fd of process pid (pid > 0) */
	int target_fd;
	bool del; /* clear the queue's slot instead */
	bool replace; /* take the slot over from another socket */
};

int xw_sockmap_insert(struct xw_ctx *ctx, const struct xw_target *t,
		      const struct xw_sockmap_request *req);

#endif /* XW_SOCKMAP_INSERT_H */
