/*
 * tunnel-install's flow: the node's install on the NIC (or its removal),
 * or one sandbox's veth wired to it (or unwired); see tunnel.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link.h>

#include "bpf/owner_table.h"
#include "core/exit.h"
#include "core/report.h"

#include "inspect/kinds.h"
#include "install/install_cmd.h"
#include "install/tunnel.h"
#include "net/addrs.h"
#include "net/device.h"
#include "net/netlink.h"
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

/* The addresses a runtime copies, of the device peer in its namespace. */
static int read_peer(struct xw_ctx *ctx, struct nl_sock *sk, const char *path,
		     const char *peer, struct xw_ip *out, size_t max, size_t *n)
{
	struct xw_ip all[XW_MAX_SANDBOX_ADDRS * 2];
	struct rtnl_link *link = NULL;
	size_t k, got = 0;
	int err, ifindex;

	err = rtnl_link_get_kernel(sk, 0, peer, &link);
	if (err < 0)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, peer,
			       "no such device in %s", path);
	ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	err = xw_addrs_read(ctx, sk, (uint32_t)ifindex, all,
			    sizeof(all) / sizeof(all[0]), &got);
	if (err == -E2BIG)
		return xw_fail(
			ctx, XW_EXIT_USAGE, 0, peer,
			"has %zu addresses in %s: more than %d for one sandbox",
			got, path, XW_MAX_SANDBOX_ADDRS);
	if (err == -ENODEV)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, peer,
			       "no such device in %s", path);
	if (err)
		return err;
	*n = 0;
	for (k = 0; k < got; k++) {
		if (!xw_addr_copied(&all[k]) || xw_ip_refusal(&all[k]))
			continue;
		if (*n == max)
			return xw_fail(ctx, XW_EXIT_USAGE, 0, peer,
				       "more than %d addresses for one sandbox",
				       XW_MAX_SANDBOX_ADDRS);
		out[(*n)++] = all[k];
	}
	if (!*n) {
		char object[PATH_MAX + IFNAMSIZ + 8];

		snprintf(object, sizeof(object), "%s in %s", peer, path);
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, object,
			"no address to register (stolen already? give --address)");
	}
	return 0;
}

/*
 * --addresses-from-netns: the peer's addresses, after those --address
 * gave, into addrs[XW_MAX_SANDBOX_ADDRS * 2] (duplicates are dropped
 * later, with the limit checked on the union).
 */
static int peer_addresses(struct xw_ctx *ctx, const struct xw_target *t,
			  const struct xw_tunnel_request *req,
			  struct xw_ip *addrs, size_t *n)
{
	struct nl_sock *sk = NULL;
	size_t got = 0;
	int fd, err;

	/* No --address: req->addrs is NULL, which memcpy may not take. */
	if (req->n_addrs)
		memcpy(addrs, req->addrs, req->n_addrs * sizeof(*addrs));
	*n = req->n_addrs;
	fd = open(t->peer_netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return xw_fail(ctx, XW_EXIT_NOINPUT, errno, t->peer_netns,
			       "cannot open");
	err = xw_nl_open_in(ctx, fd, t->peer_netns, &sk);
	close(fd);
	if (!err)
		err = read_peer(ctx, sk, t->peer_netns, req->peer, addrs + *n,
				XW_MAX_SANDBOX_ADDRS, &got);
	if (sk)
		xw_nl_close(sk);
	*n += got;
	return err;
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
	if (req->addrs_from_netns) {
		struct xw_ip addrs[XW_MAX_SANDBOX_ADDRS * 2];
		size_t n = 0;

		err = peer_addresses(ctx, t, req, addrs, &n);
		return err   ?:
			       xw_tunnel_wire(ctx, t, &veth, req->node.mode,
					      addrs, n, req->force);
	}
	return xw_tunnel_wire(ctx, t, &veth, req->node.mode, req->addrs,
			      req->n_addrs, req->force);
}
