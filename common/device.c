#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "ctx.h"
#include "device.h"
#include "exit.h"
#include "ifname.h"

int xw_dev_resolve(struct xw_ctx *ctx, const char *name, uint32_t ifindex,
		   struct xw_dev *dev)
{
	char idx_obj[32];
	const char *why;

	memset(dev, 0, sizeof(*dev));
	if (name) {
		why = xw_ifname_problem(name);
		if (why)
			return xw_fail(ctx, XW_EXIT_DATAERR, 0, name,
				       "invalid device name: %s", why);
		dev->ifindex = if_nametoindex(name);
		if (!dev->ifindex)
			return xw_fail(ctx, XW_EXIT_NOINPUT, 0, name,
				       "no such device");
		snprintf(dev->name, sizeof(dev->name), "%s", name);
	} else {
		snprintf(idx_obj, sizeof(idx_obj), "ifindex %u", ifindex);
		if (!if_indextoname(ifindex, dev->name))
			return xw_fail(ctx, XW_EXIT_NOINPUT, 0, idx_obj,
				       "no such device");
		dev->ifindex = ifindex;
	}
	xw_ifname_to_dirname(dev->name, dev->dirname);
	return 0;
}

int xw_dev_rx_queues(struct xw_ctx *ctx, const struct xw_dev *dev,
		     uint32_t *queues)
{
	struct rtnl_link *link = NULL;
	struct nl_sock *sk;
	int err;

	sk = nl_socket_alloc();
	if (!sk)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "netlink",
			       "cannot allocate socket");
	err = nl_connect(sk, NETLINK_ROUTE);
	if (!err)
		err = rtnl_link_get_kernel(sk, (int)dev->ifindex, NULL, &link);
	if (err) {
		err = xw_fail(ctx, XW_EXIT_OSERR, 0, dev->name,
			      "cannot read link attributes: %s",
			      nl_geterror(err));
		goto out;
	}
	*queues = rtnl_link_get_num_rx_queues(link);
	/* Old kernels leave the attribute out; one queue is the safe floor. */
	if (!*queues)
		*queues = 1;
	rtnl_link_put(link);
out:
	nl_socket_free(sk);
	return err;
}
