/*
 * tunnel-install's flow: the node's install on the NIC (or its removal),
 * or one sandbox's veth wired to it (or unwired); see tunnel.h.
 */
#include <stdbool.h>

#include "inspect/kinds.h"
#include "install/install_cmd.h"
#include "install/tunnel.h"
#include "net/device.h"
#include "net/veth.h"
#include "pins/target.h"

static int node(struct xw_ctx *ctx, const struct xw_target *t,
		const struct xw_installer_request *req)
{
	int err;

	/*
	 * Removing the node's side removes the sandboxes wired to it too:
	 * their veth installs would otherwise keep sending frames to a NIC
	 * that no longer sends any back.
	 */
	if (req->unpin) {
		err = xw_tunnel_unpin_node(ctx, t);
		if (err)
			return err;
	}
	return xw_install_program(ctx, t, &xw_tunnel_host_program, req);
}

int xw_tunnel_install(struct xw_ctx *ctx, const struct xw_target *t,
		      const struct xw_tunnel_request *req)
{
	struct xw_dev veth;
	int err;

	if (!req->veth && !req->peer)
		return node(ctx, t, &req->node);
	if (req->peer)
		err = xw_veth_near_end(ctx, t->peer_netns, req->peer, &veth);
	else
		err = xw_dev_resolve(ctx, req->veth, 0, &veth);
	if (!err)
		err = xw_veth_check(ctx, &veth);
	if (err)
		return err;
	if (req->node.unpin)
		return xw_tunnel_unwire(ctx, t, &veth);
	return xw_tunnel_wire(ctx, t, &veth, req->node.mode, req->addrs,
			      req->n_addrs, req->force);
}
