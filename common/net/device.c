#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/exit.h"
#include "core/report.h"
#include "net/device.h"
#include "net/ifname.h"
#include "net/netlink.h"

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
	} else if (xw_dev_lookup(ifindex, dev)) {
		snprintf(idx_obj, sizeof(idx_obj), "ifindex %u", ifindex);
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, idx_obj,
			       "no such device");
	}
	xw_ifname_to_dirname(dev->name, dev->dirname);
	return 0;
}

int xw_dev_lookup(uint32_t ifindex, struct xw_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	if (!if_indextoname(ifindex, dev->name))
		return -ENODEV;
	dev->ifindex = ifindex;
	xw_ifname_to_dirname(dev->name, dev->dirname);
	return 0;
}

int xw_dev_netdev(struct xw_ctx *ctx, const struct xw_dev *dev,
		  const char *gone, struct xw_netdev *nd)
{
	struct nl_sock *sk;
	int err;

	err = xw_nl_open(ctx, &sk);
	if (err)
		return err;
	err = xw_nl_netdev(ctx, sk, dev->ifindex, NULL, nd);
	if (err == -ENODEV)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, dev->name, "%s", gone);
	xw_nl_close(sk);
	return err;
}

int xw_dev_rx_queues(struct xw_ctx *ctx, const struct xw_dev *dev,
		     uint32_t *queues)
{
	struct xw_netdev nd;
	int err;

	err = xw_dev_netdev(ctx, dev, "no such device (removed just now?)",
			    &nd);
	if (!err)
		*queues = nd.rx_queues;
	return err;
}
