#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/exit.h"
#include "core/report.h"
#include "net/device.h"
#include "net/ifname.h"
#include "net/netlink.h"
#include "net/netns.h"
#include "net/veth.h"

static int not_a_veth(struct xw_ctx *ctx, const char *object,
		      const struct xw_netdev *nd)
{
	return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
		       "not a veth (it is %s%s)",
		       nd->kind[0] ? "a " : "a device of no kind", nd->kind);
}

int xw_veth_check(struct xw_ctx *ctx, const struct xw_dev *dev)
{
	struct xw_netdev nd;
	int err;

	err = xw_dev_netdev(ctx, dev, "no such device", &nd);
	if (!err && strcmp(nd.kind, "veth"))
		err = not_a_veth(ctx, dev->name, &nd);
	return err;
}

/* The far end's other end must be in our namespace, as the kernel says. */
static int far_side(struct xw_ctx *ctx, struct nl_sock *far_sk, int self_fd,
		    const char *object, const char *peer, struct xw_netdev *far)
{
	int32_t our_id;
	int err;

	err = xw_nl_netdev(ctx, far_sk, 0, peer, far);
	if (err == -ENODEV)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, object,
			       "no such device in that namespace");
	if (err)
		return err;
	if (strcmp(far->kind, "veth"))
		return not_a_veth(ctx, object, far);
	if (!far->peer_elsewhere)
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, object,
			"its other end is in that namespace too, not in this one");
	err = xw_nl_nsid(ctx, far_sk, self_fd, &our_id);
	if (err)
		return err;
	if (our_id != far->peer_nsid)
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, object,
			"its other end is in a third namespace (id %d there), not in this one",
			far->peer_nsid);
	return 0;
}

/* And our end must name the far end, in the far namespace, in return. */
static int near_side(struct xw_ctx *ctx, struct nl_sock *near_sk, int ns_fd,
		     const char *object, const struct xw_netdev *far,
		     struct xw_netdev *near)
{
	int32_t far_id;
	int err;

	err = xw_nl_netdev(ctx, near_sk, far->peer, NULL, near);
	if (err == -ENODEV)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, object,
			       "its other end (ifindex %u here) is gone",
			       far->peer);
	if (!err)
		err = xw_nl_nsid(ctx, near_sk, ns_fd, &far_id);
	if (err)
		return err;
	if (strcmp(near->kind, "veth") || near->peer != far->ifindex ||
	    !near->peer_elsewhere || near->peer_nsid != far_id)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, object,
			       "ifindex %u here (%s) is not its other end",
			       far->peer, near->name);
	return 0;
}

int xw_veth_near_end(struct xw_ctx *ctx, const char *netns_path,
		     const char *peer, struct xw_dev *near_dev)
{
	struct nl_sock *far_sk = NULL, *near_sk = NULL;
	struct xw_netdev far, near;
	char object[PATH_MAX + IFNAMSIZ + 8];
	int self_fd, ns_fd, err;

	snprintf(object, sizeof(object), "%s in %s", peer, netns_path);
	self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self_fd < 0)
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot open own network namespace");
	ns_fd = xw_netns_open(ctx, netns_path, NULL);
	if (ns_fd < 0) {
		close(self_fd);
		return ns_fd;
	}
	err = xw_nl_open_in(ctx, ns_fd, netns_path, &far_sk);
	if (!err)
		err = xw_nl_open(ctx, &near_sk);
	if (!err)
		err = far_side(ctx, far_sk, self_fd, object, peer, &far);
	if (!err)
		err = near_side(ctx, near_sk, ns_fd, object, &far, &near);
	if (!err)
		err = xw_dev_resolve(ctx, near.name, 0, near_dev);
	if (near_sk)
		xw_nl_close(near_sk);
	if (far_sk)
		xw_nl_close(far_sk);
	close(ns_fd);
	close(self_fd);
	return err;
}
