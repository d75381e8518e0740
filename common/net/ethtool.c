#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "net/ethtool.h"

/* One ioctl on a socket of this namespace, which names the device. */
static int dev_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

static int ethtool(const char *ifname, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = cmd;
	return dev_ioctl(ifname, SIOCETHTOOL, &ifr);
}

int xw_ethtool_channels(const char *ifname, struct xw_channels *ch)
{
	struct ethtool_channels c = { .cmd = ETHTOOL_GCHANNELS };
	int err = ethtool(ifname, &c);

	memset(ch, 0, sizeof(*ch));
	if (err)
		return err;
	ch->max_rx = c.max_rx;
	ch->max_tx = c.max_tx;
	ch->max_combined = c.max_combined;
	ch->rx = c.rx_count;
	ch->tx = c.tx_count;
	ch->combined = c.combined_count;
	return 0;
}

int xw_ethtool_set_channels(const char *ifname, const struct xw_channels *ch)
{
	struct ethtool_channels c = { .cmd = ETHTOOL_GCHANNELS };
	int err = ethtool(ifname, &c);

	/* Read first: "other" channels are kept as the driver has them. */
	if (err)
		return err;
	c.cmd = ETHTOOL_SCHANNELS;
	c.rx_count = ch->rx;
	c.tx_count = ch->tx;
	c.combined_count = ch->combined;
	return ethtool(ifname, &c);
}

int xw_ethtool_gro(const char *ifname, bool *on)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GGRO };
	int err = ethtool(ifname, &v);

	*on = !err && v.data;
	return err;
}

int xw_dev_mtu(const char *ifname, uint32_t *mtu)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = dev_ioctl(ifname, SIOCGIFMTU, &ifr);
	*mtu = err ? 0 : (uint32_t)ifr.ifr_mtu;
	return err;
}
