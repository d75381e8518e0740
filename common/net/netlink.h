/*
 * What tunnel-install and the installers ask rtnetlink (through
 * libnl-route): a device's attributes, and the id a namespace has in
 * another's eyes.  A socket answers for the namespace it was made in.
 */
#ifndef XW_NETLINK_H
#define XW_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct nl_sock;
struct xw_ctx;

/* A net device as rtnetlink describes it (libnl calls it a 'link'). */
struct xw_netdev {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	char kind[16]; /* IFLA_INFO_KIND: "veth", "bridge", "" */
	uint32_t rx_queues; /* the RX queues it was created with */
	uint32_t peer; /* IFLA_LINK: a veth's other end */
	bool peer_elsewhere; /* the other end is in another namespace, */
	int32_t peer_nsid; /* whose id (in this one's eyes) is this */
};

/* A route socket in the namespace this process is in now. */
int xw_nl_open(struct xw_ctx *ctx, struct nl_sock **sk);
/*
 * A route socket in the namespace open at ns_fd (path names it in
 * messages): it answers for that namespace while this process stays in
 * its own, to which it is back before returning, or the run cannot go on.
 */
int xw_nl_open_in(struct xw_ctx *ctx, int ns_fd, const char *path,
		  struct nl_sock **sk);
void xw_nl_close(struct nl_sock *sk);

/* By ifindex, or by name when name is set; -ENODEV (not recorded) if absent. */
int xw_nl_netdev(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		 const char *name, struct xw_netdev *out);

/*
 * The id the namespace of sk gives the namespace open at ns_fd; -1 when it
 * has none (ids are given when a device's other end is seen there).
 */
int xw_nl_nsid(struct xw_ctx *ctx, struct nl_sock *sk, int ns_fd,
	       int32_t *nsid);

#endif /* XW_NETLINK_H */
