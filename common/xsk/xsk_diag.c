#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/sock_diag.h>
#include <linux/xdp_diag.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "core/exit.h"
#include "core/report.h"
#include "xsk/xsk_diag.h"

struct tally {
	uint32_t ifindex;
	uint32_t *bound;
	uint32_t n_queues;
};

static int count_socket(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[XDP_DIAG_MAX + 1];
	const struct xdp_diag_info *info;
	struct tally *t = arg;

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct xdp_diag_msg), tb,
			XDP_DIAG_MAX, NULL) ||
	    !tb[XDP_DIAG_INFO] ||
	    nla_len(tb[XDP_DIAG_INFO]) < (int)sizeof(*info))
		return NL_OK;
	info = nla_data(tb[XDP_DIAG_INFO]);
	if (info->ifindex == t->ifindex && info->queue_id < t->n_queues)
		t->bound[info->queue_id]++;
	return NL_OK;
}

/* One sock_diag dump of AF_XDP sockets, show asked, each through cb. */
static int dump(struct xw_ctx *ctx, uint32_t show,
		int (*cb)(struct nl_msg *msg, void *arg), void *arg)
{
	struct xdp_diag_req req = { .sdiag_family = AF_XDP,
				    .xdiag_show = show };
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "sock_diag",
			       "cannot allocate a socket");
	err = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (!err)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb,
					  arg);
	if (!err)
		err = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req,
				     sizeof(req));
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	/* A kernel without CONFIG_XDP_SOCKETS_DIAG has no AF_XDP handler. */
	if (err == -NLE_OBJ_NOTFOUND)
		return -ENOENT;
	if (err < 0)
		return xw_fail(ctx, XW_EXIT_OSERR, 0, "sock_diag",
			       "cannot list AF_XDP sockets: %s",
			       nl_geterror(err));
	return 0;
}

int xw_xsk_bound(struct xw_ctx *ctx, uint32_t ifindex, uint32_t *bound,
		 uint32_t n_queues)
{
	struct tally t = { ifindex, bound, n_queues };

	memset(bound, 0, n_queues * sizeof(*bound));
	return dump(ctx, XDP_SHOW_INFO, count_socket, &t);
}

struct drops_tally {
	uint32_t ifindex;
	struct xw_xsk_drops *drops;
};

static int add_drops(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[XDP_DIAG_MAX + 1];
	const struct xdp_diag_info *info;
	const struct xdp_diag_stats *st;
	struct drops_tally *t = arg;

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct xdp_diag_msg), tb,
			XDP_DIAG_MAX, NULL) ||
	    !tb[XDP_DIAG_INFO] || !tb[XDP_DIAG_STATS] ||
	    nla_len(tb[XDP_DIAG_INFO]) < (int)sizeof(*info) ||
	    nla_len(tb[XDP_DIAG_STATS]) < (int)sizeof(*st))
		return NL_OK;
	info = nla_data(tb[XDP_DIAG_INFO]);
	st = nla_data(tb[XDP_DIAG_STATS]);
	if (info->ifindex != t->ifindex)
		return NL_OK;
	t->drops->sockets++;
	t->drops->rx_dropped += st->n_rx_dropped;
	t->drops->rx_ring_full += st->n_rx_full;
	t->drops->fill_ring_empty += st->n_fill_ring_empty;
	return NL_OK;
}

int xw_xsk_drops(struct xw_ctx *ctx, uint32_t ifindex,
		 struct xw_xsk_drops *drops)
{
	struct drops_tally t = { ifindex, drops };

	memset(drops, 0, sizeof(*drops));
	return dump(ctx, XDP_SHOW_INFO | XDP_SHOW_STATS, add_drops, &t);
}
