/*
 * veth pairs as the kernel describes them: a device's kind, its other end's
 * ifindex (IFLA_LINK) and that end's namespace (IFLA_LINK_NETNSID).  The
 * host side of a sandbox's pair is found from the sandbox's side this way,
 * never by its name.
 */
#ifndef XW_VETH_H
#define XW_VETH_H

struct xw_ctx;
struct xw_dev;
struct xw_netdev;

/* Fails (exit 65) unless dev, in this namespace, is a veth. */
int xw_veth_check(struct xw_ctx *ctx, const struct xw_dev *dev);

/*
 * The end, in this namespace, of the veth pair whose other end is the
 * device peer in the namespace at netns_path.
 */
int xw_veth_near_end(struct xw_ctx *ctx, const char *netns_path,
		     const char *peer, struct xw_dev *near);

#endif /* XW_VETH_H */
