#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "core/exit.h"
#include "core/report.h"
#include "net/device.h"
#include "pins/pin.h"
#include "pins/xdp.h"
#include "pins/xdp_mode.h"

struct xdp_reply {
	struct xw_xdp_state *st;
};

static int parse_link_xdp(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IFLA_MAX + 1], *xdp[IFLA_XDP_MAX + 1];
	struct xdp_reply *r = arg;
	uint8_t attached;

	if (nlmsg_hdr(msg)->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlmsg_hdr(msg), sizeof(struct ifinfomsg), tb, IFLA_MAX,
			NULL))
		return NL_SKIP;
	if (!tb[IFLA_XDP] ||
	    nla_parse_nested(xdp, IFLA_XDP_MAX, tb[IFLA_XDP], NULL) ||
	    !xdp[IFLA_XDP_ATTACHED])
		return NL_OK;
	attached = nla_get_u8(xdp[IFLA_XDP_ATTACHED]);
	/* Generic first: a device in both modes runs that one on our frames. */
	if (attached == XDP_ATTACHED_SKB ||
	    (attached == XDP_ATTACHED_MULTI && xdp[IFLA_XDP_SKB_PROG_ID])) {
		r->st->mode = XW_MODE_GENERIC;
		r->st->prog_id = nla_get_u32(attached == XDP_ATTACHED_MULTI ?
						     xdp[IFLA_XDP_SKB_PROG_ID] :
						     xdp[IFLA_XDP_PROG_ID]);
	} else if (attached == XDP_ATTACHED_DRV ||
		   (attached == XDP_ATTACHED_MULTI &&
		    xdp[IFLA_XDP_DRV_PROG_ID])) {
		r->st->mode = XW_MODE_NATIVE;
		r->st->prog_id = nla_get_u32(attached == XDP_ATTACHED_MULTI ?
						     xdp[IFLA_XDP_DRV_PROG_ID] :
						     xdp[IFLA_XDP_PROG_ID]);
	} else if (attached != XDP_ATTACHED_NONE) {
		/* Offloaded programs are out of scope; report them as busy. */
		r->st->mode = XW_MODE_AUTO;
		if (xdp[IFLA_XDP_HW_PROG_ID])
			r->st->prog_id = nla_get_u32(xdp[IFLA_XDP_HW_PROG_ID]);
		else if (xdp[IFLA_XDP_PROG_ID])
			r->st->prog_id = nla_get_u32(xdp[IFLA_XDP_PROG_ID]);
	}
	return NL_OK;
}

/*
 * One RTM_GETLINK for the one device.  libbpf's bpf_xdp_query dumps every
 * link of the namespace and picks one: status and pin-gc, which ask once
 * per install, would then grow with the square of the installs.
 */
static int query_link(uint32_t ifindex, struct xw_xdp_state *st)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = (int)ifindex };
	struct xdp_reply r = { .st = st };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int err = -NLE_NOMEM;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (!err) {
		err = -NLE_NOMEM;
		msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST);
	}
	if (msg && !nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) &&
	    !nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM,
				    parse_link_xdp, &r);
		err = nl_send_auto(sk, msg);
		if (err >= 0)
			err = nl_recvmsgs_default(sk);
	}
	nlmsg_free(msg);
	nl_socket_free(sk);
	/* A device gone meanwhile has nothing attached, as libbpf says. */
	if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND)
		return 0;
	if (err < 0)
		return err == -NLE_NOMEM ? -ENOMEM : -EIO;
	return 0;
}

int xw_xdp_query(struct xw_ctx *ctx, const struct xw_dev *dev,
		 struct xw_xdp_state *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = query_link(dev->ifindex, st);
	if (err)
		return ctx ? xw_fail_errno(ctx, -err, dev->name,
					   "cannot query attached XDP program") :
			     err;
	return 0;
}

static int try_attach(const struct xw_dev *dev, int prog_fd, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, (int)dev->ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

int xw_xdp_fail_busy(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_xdp_state *st)
{
	struct bpf_prog_info info;

	/* Unreadable, it is named "": the id says which it is. */
	xw_prog_info_by_id(st->prog_id, &info);
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, EBUSY, dev->name,
		"already has XDP program %u '%s' attached by another tool or link; remove it first",
		st->prog_id, info.name);
}

int xw_xdp_attach(struct xw_ctx *ctx, const struct xw_dev *dev, int prog_fd,
		  enum xw_xdp_mode mode, enum xw_xdp_mode *got)
{
	struct xw_xdp_state st;
	int fd;

	if (mode != XW_MODE_GENERIC) {
		fd = try_attach(dev, prog_fd, XDP_FLAGS_DRV_MODE);
		if (fd >= 0) {
			*got = XW_MODE_NATIVE;
			return fd;
		}
		if (fd != -EOPNOTSUPP || mode == XW_MODE_NATIVE)
			goto fail;
		xw_debug(ctx, 1,
			 "%s: no native XDP in its driver (%s): trying generic",
			 dev->name, strerror(-fd));
	}
	fd = try_attach(dev, prog_fd, XDP_FLAGS_SKB_MODE);
	if (fd >= 0) {
		*got = XW_MODE_GENERIC;
		return fd;
	}
fail:
	if (fd == -EBUSY || fd == -EEXIST) {
		if (!xw_xdp_query(ctx, dev, &st) && st.prog_id)
			return xw_xdp_fail_busy(ctx, dev, &st);
	}
	if (fd == -EOPNOTSUPP)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, EOPNOTSUPP, dev->name,
			"driver has no native XDP (use --mode generic or auto)");
	return xw_fail_errno(ctx, -fd, dev->name, "cannot attach XDP program");
}
