/*
 * A request: one of our programs, opened from the object embedded in this
 * binary (not loaded) and configured as asked, ready for the install
 * engine.
 */
#ifndef XW_REQUEST_H
#define XW_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/kinds.h"
#include "install/install.h"
#include "pins/xdp_mode.h"

struct xw_ctx;

struct xw_request {
	void *skel; /* the program's skeleton, which owns obj */
	struct bpf_object *obj;
	struct xw_install install;
	const struct xw_program *program;
};

/* queues sizes the program's per-queue map, if it has one. */
int xw_request_open(struct xw_ctx *ctx, const struct xw_program *program,
		    const uint16_t *ports, size_t n_ports, uint32_t queues,
		    enum xw_xdp_mode mode, struct xw_request *req);
void xw_request_close(struct xw_request *req);

/*
 * Sizes the tunnel host's tables as --max-sandboxes and --max-addresses
 * ask (0: not given, the object's default or the pinned size stays):
 * tunnel_host_sandbox_map gets max_sandboxes entries, each owner table
 * roundup_pow2(max_addresses) * XW_OWNER_SLOTS_PER_ADDR.  The roles sized
 * are marked in req->install.sized_maps, for the install's size check.
 */
int xw_request_size(struct xw_ctx *ctx, struct xw_request *req,
		    uint32_t max_sandboxes, uint32_t max_addresses);

/* The slots of an owner table sized for max_addresses addresses. */
uint32_t xw_owner_table_slots(uint32_t max_addresses);

/* The configuration the request carries. */
const struct xw_pass_cfg *xw_request_cfg(const struct xw_request *req);

/* Its pass ports in host order; returns how many. */
size_t xw_request_ports(const struct xw_request *req, uint16_t *out);

#endif /* XW_REQUEST_H */
