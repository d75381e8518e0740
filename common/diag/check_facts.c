#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/exit.h"
#include "core/report.h"
#include "diag/check_facts.h"
#include "net/device.h"
#include "net/ethtool.h"
#include "net/netlink.h"
#include "net/netns.h"
#include "net/xdp_features.h"
#include "pins/target.h"
#include "pins/xdp.h"

/* What one end says of itself, in the namespace this process is in. */
static void read_end(uint32_t ifindex, struct xw_check_end *e)
{
	struct xw_dev d = { .ifindex = ifindex };

	e->ifindex = ifindex;
	if (!if_indextoname(ifindex, e->name)) {
		e->mtu_err = e->gro_err = e->xdp_err = -errno;
		return;
	}
	snprintf(d.name, sizeof(d.name), "%s", e->name);
	e->mtu_err = xw_dev_mtu(e->name, &e->mtu);
	e->gro_err = xw_ethtool_gro(e->name, &e->gro);
	e->xdp_err = xw_xdp_query(NULL, &d, &e->xdp);
	e->ch_err = xw_ethtool_channels(e->name, &e->ch);
}

struct nsid_match {
	int32_t want;
	int fd; /* a dup of the match, or -1 */
};

/*
 * A socket a question: one left with an unread ack or late reply would
 * give the next namespace the previous one's id, and the wrong namespace
 * would be entered.
 */
static int match_nsid(int fd, uint64_t ino, const char *path, void *arg)
{
	struct nsid_match *m = arg;
	struct nl_sock *sk = NULL;
	struct xw_ctx quiet;
	int32_t id = -1;
	int err;

	(void)ino;
	(void)path;
	/* A namespace whose id cannot be read is not the one: quietly. */
	if (xw_ctx_init(&quiet, "check"))
		return -ENOMEM;
	err = xw_nl_open(&quiet, &sk);
	if (!err)
		err = xw_nl_nsid(&quiet, sk, fd, &id);
	if (sk)
		xw_nl_close(sk);
	xw_ctx_free(&quiet);
	if (err || id != m->want)
		return 0;
	m->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return m->fd < 0 ? -errno : 1;
}

/*
 * Runs fn in the namespace this one calls nsid: found among the
 * namespaces this process can name, entered (which takes CAP_SYS_ADMIN)
 * and left again.  -errno when it could not be entered, not recorded;
 * a failure to come back is recorded, for the run cannot go on.
 */
static int in_nsid(struct xw_ctx *ctx, int32_t nsid, int (*fn)(void *arg),
		   void *arg, int *fn_ret)
{
	struct nsid_match m = { .want = nsid, .fd = -1 };
	int self, err;

	err = xw_netns_each(match_nsid, &m);
	if (err <= 0)
		return err ? err : -ENOENT;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		err = -errno;
		close(m.fd);
		return err;
	}
	err = 0;
	if (setns(m.fd, CLONE_NEWNET)) {
		err = -errno;
	} else {
		*fn_ret = fn(arg);
		/* Everything after this is judged here: back, or stop. */
		if (setns(self, CLONE_NEWNET))
			err = xw_fail_errno(
				ctx, errno, "/proc/self/ns/net",
				"cannot return to own network namespace");
	}
	close(self);
	close(m.fd);
	return err;
}

int xw_check_in_peer_ns(struct xw_ctx *ctx, const struct xw_check_facts *fx,
			int (*fn)(void *arg), void *arg)
{
	int ret = 0, err;

	if (!fx->nd.peer_elsewhere)
		return fn(arg);
	err = in_nsid(ctx, fx->nd.peer_nsid, fn, arg, &ret);
	return err ?: ret;
}

/*
 * The device at the peer's ifindex, where it was looked for, must be a
 * veth whose other end has our device's ifindex: a namespace found by
 * its id is trusted no further than that.
 */
static int read_peer_end(void *arg)
{
	struct xw_check_facts *fx = arg;
	struct nl_sock *sk = NULL;
	struct xw_netdev far;
	struct xw_ctx quiet;
	int err;

	if (xw_ctx_init(&quiet, "check"))
		return -ENOMEM;
	err = xw_nl_open(&quiet, &sk);
	if (!err)
		err = xw_nl_netdev(&quiet, sk, fx->nd.peer, NULL, &far);
	if (sk)
		xw_nl_close(sk);
	xw_ctx_free(&quiet);
	if (err)
		return err == -ENOMEM ? err : -ENODEV;
	if (strcmp(far.kind, "veth") || far.peer != fx->nd.ifindex)
		return -ESRCH;
	read_end(fx->nd.peer, &fx->peer);
	return 0;
}

int xw_check_facts_read(struct xw_ctx *ctx, const struct xw_check_request *req,
			struct xw_check_facts *fx)
{
	const struct xw_dev *dev = &req->target->dev;
	int err;

	memset(fx, 0, sizeof(*fx));
	fx->req = req;
	fx->fs.fd = -1;
	err = xw_dev_netdev(ctx, dev, "no such device (removed just now?)",
			    &fx->nd);
	if (err)
		return err;
	read_end(dev->ifindex, &fx->dev);
	fx->features_err = xw_xdp_features(dev->ifindex, &fx->features);
	fx->ch_err = xw_ethtool_channels(dev->name, &fx->ch);
	fx->veth = !strcmp(fx->nd.kind, "veth");
	if (!fx->veth)
		return 0;
	if (!fx->nd.peer) {
		fx->peer_err = -ENODEV;
		return 0;
	}
	if (fx->nd.peer_elsewhere)
		snprintf(fx->peer_where, sizeof(fx->peer_where),
			 " (netns id %d)", fx->nd.peer_nsid);
	err = xw_check_in_peer_ns(ctx, fx, read_peer_end, fx);
	if (xw_failed(ctx))
		return err;
	fx->peer_err = err;
	if (err)
		xw_debug(ctx, 1,
			 "%s: its peer, ifindex %u%s, not looked at: %s",
			 dev->name, fx->nd.peer, fx->peer_where,
			 strerror(-err));
	else
		xw_debug(ctx, 1, "%s: its peer is %s%s", dev->name,
			 fx->peer.name, fx->peer_where);
	return 0;
}
