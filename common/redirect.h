/* The redirect install: its program, opened and configured as requested. */
#ifndef XW_REDIRECT_H
#define XW_REDIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "install.h"

struct redirect_bpf;
struct xw_ctx;

struct xw_redirect_req {
	struct redirect_bpf *skel;
	struct xw_install install;
};

/* Opens (does not load) the program for ports, queues and mode. */
int xw_redirect_open(struct xw_ctx *ctx, const uint16_t *ports, size_t n_ports,
		     uint32_t queues, enum xw_xdp_mode mode,
		     struct xw_redirect_req *req);
void xw_redirect_close(struct xw_redirect_req *req);

/* The pass ports the request carries, in host order; returns the count. */
size_t xw_redirect_ports(const struct xw_redirect_req *req, uint16_t *out);

#endif /* XW_REDIRECT_H */
