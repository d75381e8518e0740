#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "core/exit.h"
#include "core/report.h"
#include "net/netlink.h"

int xw_nl_open(struct xw_ctx *ctx, struct nl_sock **sk)
{
	int err;

	*sk = nl_socket_alloc();
	if (!*sk)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "netlink",
			       "cannot allocate a socket");
	err = nl_connect(*sk, NETLINK_ROUTE);
	if (!err)
		return 0;
	nl_socket_free(*sk);
	*sk = NULL;
	return xw_fail(ctx, XW_EXIT_OSERR, 0, "netlink", "cannot connect: %s",
		       nl_geterror(err));
}

int xw_nl_open_in(struct xw_ctx *ctx, int ns_fd, const char *path,
		  struct nl_sock **sk)
{
	int self_fd, err;

	*sk = NULL;
	self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self_fd < 0)
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot open own network namespace");
	if (setns(ns_fd, CLONE_NEWNET)) {
		err = xw_fail_errno(ctx, errno, path,
				    "cannot enter network namespace");
		close(self_fd);
		return err;
	}
	err = xw_nl_open(ctx, sk);
	if (setns(self_fd, CLONE_NEWNET)) {
		if (!err)
			xw_nl_close(*sk);
		*sk = NULL;
		err = xw_fail_errno(ctx, errno, path,
				    "cannot return from network namespace");
	}
	close(self_fd);
	return err;
}

void xw_nl_close(struct nl_sock *sk)
{
	nl_socket_free(sk);
}

int xw_nl_netdev(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		 const char *name, struct xw_netdev *out)
{
	struct rtnl_link *link = NULL;
	const char *kind;
	char object[32];
	int err;

	memset(out, 0, sizeof(*out));
	err = rtnl_link_get_kernel(sk, name ? 0 : (int)ifindex, name, &link);
	if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND)
		return -ENODEV;
	if (err) {
		snprintf(object, sizeof(object), "ifindex %u", ifindex);
		return xw_fail(ctx, XW_EXIT_OSERR, 0, name ?: object,
			       "cannot read link attributes: %s",
			       nl_geterror(err));
	}
	snprintf(out->name, sizeof(out->name), "%s",
		 rtnl_link_get_name(link) ?: "");
	out->ifindex = (uint32_t)rtnl_link_get_ifindex(link);
	kind = rtnl_link_get_type(link);
	snprintf(out->kind, sizeof(out->kind), "%s", kind ?: "");
	/* Old kernels leave the attribute out; one queue is the safe floor. */
	out->rx_queues = rtnl_link_get_num_rx_queues(link) ?: 1;
	out->peer = rtnl_link_get_link(link);
	out->peer_elsewhere =
		!rtnl_link_get_link_netnsid(link, &out->peer_nsid);
	rtnl_link_put(link);
	return 0;
}

struct nsid_reply {
	int32_t nsid;
	bool found;
};

static int parse_nsid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NETNSA_MAX + 1];
	struct nsid_reply *r = arg;

	if (nlmsg_hdr(msg)->nlmsg_type != RTM_NEWNSID ||
	    nlmsg_parse(nlmsg_hdr(msg), sizeof(struct rtgenmsg), tb, NETNSA_MAX,
			NULL) ||
	    !tb[NETNSA_NSID])
		return NL_SKIP;
	r->nsid = (int32_t)nla_get_u32(tb[NETNSA_NSID]);
	r->found = true;
	return NL_OK;
}

int xw_nl_nsid(struct xw_ctx *ctx, struct nl_sock *sk, int ns_fd, int32_t *nsid)
{
	struct rtgenmsg g = { .rtgen_family = AF_UNSPEC };
	struct nsid_reply r = { .nsid = -1 };
	struct nl_msg *msg;
	int err = -NLE_NOMEM;

	msg = nlmsg_alloc_simple(RTM_GETNSID, NLM_F_REQUEST);
	if (msg && !nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) &&
	    !nla_put_u32(msg, NETNSA_FD, (uint32_t)ns_fd)) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, parse_nsid,
				    &r);
		err = nl_send_auto(sk, msg);
		if (err >= 0)
			err = nl_recvmsgs_default(sk);
	}
	nlmsg_free(msg);
	if (err < 0 || !r.found)
		return xw_fail(ctx, XW_EXIT_OSERR, 0, "netlink",
			       "cannot read a namespace id: %s",
			       err < 0 ? nl_geterror(err) : "no answer");
	*nsid = r.nsid;
	return 0;
}
