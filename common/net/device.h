/* The device a subcommand works on, resolved in the current namespace. */
#ifndef XW_DEVICE_H
#define XW_DEVICE_H

#include <net/if.h>
#include <stdint.h>

struct xw_ctx;
struct xw_netdev;

struct xw_dev {
	char name[IFNAMSIZ];
	char dirname[IFNAMSIZ]; /* its pin directory, see ifname.h */
	uint32_t ifindex;
};

/* By name (validated first) or, when name is NULL, by ifindex. */
int xw_dev_resolve(struct xw_ctx *ctx, const char *name, uint32_t ifindex,
		   struct xw_dev *dev);

/* By ifindex, quietly: -ENODEV when there is no such device. */
int xw_dev_lookup(uint32_t ifindex, struct xw_dev *dev);

/*
 * What rtnetlink says of dev, through a socket of its own; a device gone
 * since it was resolved fails with exit 66 and the message gone.
 */
int xw_dev_netdev(struct xw_ctx *ctx, const struct xw_dev *dev,
		  const char *gone, struct xw_netdev *nd);

/* The number of RX queues the device was created with. */
int xw_dev_rx_queues(struct xw_ctx *ctx, const struct xw_dev *dev,
		     uint32_t *queues);

#endif /* XW_DEVICE_H */
