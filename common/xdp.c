#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "ctx.h"
#include "device.h"
#include "exit.h"
#include "xdp.h"

int xw_xdp_query(struct xw_ctx *ctx, const struct xw_dev *dev,
		 struct xw_xdp_state *st)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err;

	memset(st, 0, sizeof(*st));
	err = bpf_xdp_query((int)dev->ifindex, 0, &q);
	if (err)
		return ctx ? xw_fail_errno(ctx, -err, dev->name,
					   "cannot query attached XDP program") :
			     err;
	if (q.skb_prog_id) {
		st->prog_id = q.skb_prog_id;
		st->mode = XW_MODE_GENERIC;
	} else if (q.drv_prog_id) {
		st->prog_id = q.drv_prog_id;
		st->mode = XW_MODE_NATIVE;
	} else if (q.hw_prog_id) {
		/* Offloaded programs are out of scope; report them as busy. */
		st->prog_id = q.hw_prog_id;
		st->mode = XW_MODE_AUTO;
	}
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
	__u32 len = sizeof(info);
	int fd;

	memset(&info, 0, sizeof(info));
	fd = bpf_prog_get_fd_by_id(st->prog_id);
	if (fd >= 0) {
		bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
	}
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
