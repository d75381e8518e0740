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
#include "pins/xdp_reason.h"

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

static int fail_busy(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_xdp_state *st, const char *reason)
{
	struct bpf_prog_info info;

	/* Unreadable, it is named "": the id says which it is. */
	xw_prog_info_by_id(st->prog_id, &info);
	if (reason && reason[0])
		return xw_fail_kernel(
			ctx, XW_EXIT_UNAVAILABLE, EBUSY, dev->name, reason,
			"already has XDP program %u '%s' attached by another tool or link; remove it first; the kernel says \"%s\"",
			st->prog_id, info.name, reason);
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, EBUSY, dev->name,
		"already has XDP program %u '%s' attached by another tool or link; remove it first",
		st->prog_id, info.name);
}

int xw_xdp_fail_busy(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_xdp_state *st)
{
	return fail_busy(ctx, dev, st, NULL);
}

/*
 * The attach failed with err: tried once more, the kernel's reason
 * listened for.  Its checks are deterministic, so the retry fails the
 * same way; should it work (what was in the way went meanwhile), its link
 * is the result, as if the first attempt had worked.
 */
static int retry_explained(const struct xw_dev *dev, int prog_fd, __u32 flags,
			   int err, struct xw_xdp_reason *why)
{
	struct attach_reason_bpf *l = xw_xdp_reason_listen(why);
	int fd;

	if (!l)
		return err;
	fd = try_attach(dev, prog_fd, flags);
	if (fd < 0)
		xw_xdp_reason_read(l, why);
	xw_xdp_reason_close(l);
	return fd;
}

static int fail_attach(struct xw_ctx *ctx, const struct xw_dev *dev, int err,
		       __u32 flags, const struct xw_xdp_reason *why)
{
	int exit_code = err == EOPNOTSUPP ? XW_EXIT_UNAVAILABLE :
					    xw_exit_for_errno(err);
	struct xw_xdp_state st;

	if (why->none)
		xw_debug(ctx, 1, "%s: no reason from the kernel: %s", dev->name,
			 why->none);
	if (err == EBUSY || err == EEXIST) {
		if (!xw_xdp_query(ctx, dev, &st) && st.prog_id)
			return fail_busy(ctx, dev, &st, why->text);
	}
	if (why->text[0])
		return xw_fail_kernel(
			ctx, exit_code, err, dev->name, why->text,
			"cannot attach XDP program in %s mode: the kernel says \"%s\"; see xdpwire check --device %s",
			flags == XDP_FLAGS_DRV_MODE ? "native" : "generic",
			why->text, dev->name);
	if (err == EOPNOTSUPP)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, EOPNOTSUPP, dev->name,
			"driver has no native XDP (use --mode generic or auto)");
	return xw_fail_errno(ctx, err, dev->name, "cannot attach XDP program");
}

int xw_xdp_attach(struct xw_ctx *ctx, const struct xw_dev *dev, int prog_fd,
		  enum xw_xdp_mode mode, enum xw_xdp_mode *got)
{
	struct xw_xdp_reason why = { .none = NULL };
	__u32 flags = XDP_FLAGS_SKB_MODE;
	int fd = -EOPNOTSUPP;

	if (mode != XW_MODE_GENERIC) {
		fd = try_attach(dev, prog_fd, XDP_FLAGS_DRV_MODE);
		if (fd >= 0) {
			*got = XW_MODE_NATIVE;
			return fd;
		}
		/* The one failure auto falls back on: no reason needed. */
		if (fd != -EOPNOTSUPP || mode == XW_MODE_NATIVE)
			flags = XDP_FLAGS_DRV_MODE;
		else
			xw_debug(ctx, 1,
				 "%s: no native XDP in its driver (%s): trying generic",
				 dev->name, strerror(-fd));
	}
	if (flags == XDP_FLAGS_SKB_MODE)
		fd = try_attach(dev, prog_fd, flags);
	/*
	 * No native XDP in the driver is known without asking the kernel
	 * ("Underlying driver does not support XDP in native mode"), and
	 * our line says what to do instead.
	 */
	if (fd < 0 && !(fd == -EOPNOTSUPP && flags == XDP_FLAGS_DRV_MODE))
		fd = retry_explained(dev, prog_fd, flags, fd, &why);
	if (fd < 0)
		return fail_attach(ctx, dev, -fd, flags, &why);
	*got = flags == XDP_FLAGS_DRV_MODE ? XW_MODE_NATIVE : XW_MODE_GENERIC;
	return fd;
}
