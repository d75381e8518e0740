/*
 * The XDP tunnel between a host NIC and a sandbox's veth pair.  The node's
 * install on the NIC sends frames to slot 0 of tunnel_host_map; wiring a
 * sandbox installs the veth program on the host side of its pair, points
 * tunnel_veth_map's slot 0 at the NIC and the NIC's slot 0 at the veth.
 *
 * Wiring takes the NIC's pin directory lock, then the veth's: always in
 * that order, so that concurrent runs never deadlock.
 */
#ifndef XW_TUNNEL_H
#define XW_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"
#include "install/install_cmd.h"
#include "pins/xdp_mode.h"

struct xw_ctx;
struct xw_dev;
struct xw_target;

/* What tunnel-install asks. */
struct xw_tunnel_request {
	/* The node's install on the NIC; mode and unpin for a sandbox too. */
	struct xw_installer_request node;
	/* A sandbox to wire: the host side of its veth pair, or ... */
	const char *veth;
	/* ... the sandbox side, in the namespace t->peer_netns. */
	const char *peer;
	/*
	 * Register the sandbox as the owner of these addresses (and, with
	 * addrs_from_netns, of the peer's own addresses) instead of pointing
	 * the NIC's slot 0 at it.  force: take addresses the NIC has here.
	 */
	const struct xw_ip *addrs;
	size_t n_addrs;
	bool addrs_from_netns;
	bool force;
};

/*
 * tunnel-install's run on t->dev (the NIC): without veth or peer, the
 * node's install, or its removal with the sandboxes wired to it; with one
 * of them, that sandbox wired, or unwired.
 */
int xw_tunnel_install(struct xw_ctx *ctx, const struct xw_target *t,
		      const struct xw_tunnel_request *req);

/*
 * The sandboxes wired to t->dev (the NIC) unwired, before its install is
 * removed; crash-safe, see tunnel_unpin.c.
 */
int xw_tunnel_unpin_node(struct xw_ctx *ctx, const struct xw_target *t);

/*
 * Wires veth (host side of a sandbox's pair) to t->dev's tunnel: with
 * addrs, registers it as their owner (tunnel_owner.h), else points the
 * NIC's slot 0 at it.  force: take addresses the NIC has here.
 */
int xw_tunnel_wire(struct xw_ctx *ctx, const struct xw_target *t,
		   const struct xw_dev *veth, enum xw_xdp_mode mode,
		   const struct xw_ip *addrs, size_t n_addrs, bool force);

/*
 * Unwires veth: takes its registration out of t->dev's tables first (if
 * any), then removes its install, and clears t->dev's slot 0 if it still
 * points at veth.
 */
int xw_tunnel_unwire(struct xw_ctx *ctx, const struct xw_target *t,
		     const struct xw_dev *veth);

#endif /* XW_TUNNEL_H */
