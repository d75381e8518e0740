/*
 * What the ethtool ioctl (SIOCETHTOOL) and the interface ioctls say of a
 * device by name, in the namespace this process is in: its channels (RX,
 * TX and combined queues), whether GRO is on, its MTU.  Quiet: each
 * returns -errno and records nothing, so a diagnosis can say "unknown".
 */
#ifndef XW_ETHTOOL_H
#define XW_ETHTOOL_H

#include <stdbool.h>
#include <stdint.h>

struct xw_channels {
	uint32_t max_rx, max_tx, max_combined;
	uint32_t rx, tx, combined;
};

/* ETHTOOL_GCHANNELS; -EOPNOTSUPP for a driver without channels. */
int xw_ethtool_channels(const char *ifname, struct xw_channels *ch);

/* ETHTOOL_SCHANNELS with ch's rx, tx and combined (needs CAP_NET_ADMIN). */
int xw_ethtool_set_channels(const char *ifname, const struct xw_channels *ch);

/* ETHTOOL_GGRO: whether generic-receive-offload is on. */
int xw_ethtool_gro(const char *ifname, bool *on);

/* SIOCGIFMTU. */
int xw_dev_mtu(const char *ifname, uint32_t *mtu);

#endif /* XW_ETHTOOL_H */
