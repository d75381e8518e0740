#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
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

/*
 * The netdev generic netlink family's queue dump (Linux 6.14 and later)
 * marks each RX queue an AF_XDP socket's buffer pool is registered at,
 * which is what a bound socket leaves there: for kernels without AF_XDP
 * sock_diag.  Values from include/uapi/linux/netdev.h, which the build
 * machine's headers may predate.
 */
#define XW_NETDEV_CMD_QUEUE_GET 10
#define XW_NETDEV_A_QUEUE_ID 1
#define XW_NETDEV_A_QUEUE_IFINDEX 2
#define XW_NETDEV_A_QUEUE_TYPE 3
#define XW_NETDEV_A_QUEUE_XSK 7
#define XW_NETDEV_A_QUEUE_MAX 16
#define XW_NETDEV_QUEUE_TYPE_RX 0

static int family_id(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (!nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, CTRL_ATTR_MAX,
			 NULL) &&
	    tb[CTRL_ATTR_FAMILY_ID])
		*(int *)arg = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return NL_OK;
}

static int queue_xsk(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[XW_NETDEV_A_QUEUE_MAX + 1];
	struct tally *t = arg;
	uint32_t q;

	if (nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, XW_NETDEV_A_QUEUE_MAX,
			NULL) ||
	    !tb[XW_NETDEV_A_QUEUE_ID] || !tb[XW_NETDEV_A_QUEUE_IFINDEX] ||
	    !tb[XW_NETDEV_A_QUEUE_TYPE] ||
	    nla_get_u32(tb[XW_NETDEV_A_QUEUE_IFINDEX]) != t->ifindex ||
	    nla_get_u32(tb[XW_NETDEV_A_QUEUE_TYPE]) != XW_NETDEV_QUEUE_TYPE_RX)
		return NL_OK;
	q = nla_get_u32(tb[XW_NETDEV_A_QUEUE_ID]);
	if (q < t->n_queues && tb[XW_NETDEV_A_QUEUE_XSK])
		t->bound[q] = 1;
	return NL_OK;
}

/*
 * One request to family (0: nlctrl) with cmd and an attribute, to cb;
 * the generic netlink header by hand: libnl-genl is not linked in.
 */
static int genl_ask(struct nl_sock *sk, int family, int cmd, int flags,
		    int attr, const void *val, int len,
		    int (*cb)(struct nl_msg *, void *), void *arg)
{
	struct genlmsghdr hdr = { .cmd = cmd, .version = 1 };
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg)
		return -NLE_NOMEM;
	if (!nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
		       family ? family : GENL_ID_CTRL, GENL_HDRLEN,
		       flags | NLM_F_REQUEST) ||
	    !memcpy(nlmsg_data(nlmsg_hdr(msg)), &hdr, sizeof(hdr)) ||
	    nla_put(msg, attr, len, val)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	if (!err)
		err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	return err;
}

int xw_xsk_queues_bound(uint32_t ifindex, uint32_t *bound, uint32_t n_queues)
{
	struct tally t = { ifindex, bound, n_queues };
	struct nl_sock *sk = nl_socket_alloc();
	int family = 0, err;

	memset(bound, 0, n_queues * sizeof(*bound));
	if (!sk)
		return -ENOMEM;
	/* No ACKs: one left unread would end the next request's read. */
	nl_socket_disable_auto_ack(sk);
	err = nl_connect(sk, NETLINK_GENERIC);
	if (!err)
		err = genl_ask(sk, 0, CTRL_CMD_GETFAMILY, 0,
			       CTRL_ATTR_FAMILY_NAME, "netdev",
			       sizeof("netdev"), family_id, &family);
	if (!err && !family)
		err = -NLE_OBJ_NOTFOUND;
	if (!err)
		err = genl_ask(sk, family, XW_NETDEV_CMD_QUEUE_GET, NLM_F_DUMP,
			       XW_NETDEV_A_QUEUE_IFINDEX, &ifindex,
			       sizeof(ifindex), queue_xsk, &t);
	nl_socket_free(sk);
	return err < 0 ? -ENOENT : 0;
}
