/* Reading an install's pins and judging whether they match a request. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpffs.h"
#include "ctx.h"
#include "device.h"
#include "exit.h"
#include "inspect.h"
#include "install.h"

static void state_init(struct xw_state *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	st->link.fd = st->prog.fd = -1;
	for (i = 0; i < XW_LAYOUT_MAX_MAPS; i++)
		st->maps[i].fd = -1;
}

void xw_state_close(struct xw_state *st)
{
	int i;

	xw_pinned_close(&st->link);
	xw_pinned_close(&st->prog);
	for (i = 0; i < XW_LAYOUT_MAX_MAPS; i++)
		xw_pinned_close(&st->maps[i]);
}

bool xw_state_empty(const struct xw_state *st, const struct xw_layout *layout)
{
	int i;

	if (st->link.fd >= 0 || st->prog.fd >= 0)
		return false;
	for (i = 0; i < layout->n_maps; i++)
		if (st->maps[i].fd >= 0)
			return false;
	return true;
}

int xw_check_excludes(struct xw_ctx *ctx, const struct xw_pindir *dir,
		      const struct xw_layout *layout)
{
	const struct xw_layout *const *other;
	struct stat st;

	for (other = layout->excludes; other && *other; other++) {
		if (fstatat(dir->fd, (*other)->link.name, &st,
			    AT_SYMLINK_NOFOLLOW))
			continue;
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, dir->path,
			"holds a %s install (%s): a device carries one of %s and %s, not both; remove the %s first",
			(*other)->kind, (*other)->link.name, layout->kind,
			(*other)->kind, (*other)->kind);
	}
	return 0;
}

static int classify_link(struct xw_ctx *ctx, const struct xw_dev *dev,
			 const struct xw_pindir *dir, const char *name,
			 struct xw_state *st)
{
	uint32_t ifindex = st->link.info.link.xdp.ifindex;
	char path[PATH_MAX];
	char other[IF_NAMESIZE] = "";

	if (st->link.fd < 0) {
		st->link_state = XW_LINK_ABSENT;
		return 0;
	}
	if (!ifindex && st->detach_record) {
		st->link_state = XW_LINK_DETACHED;
		xw_debug(ctx, 1,
			 "%s/%s: link %u was detached by a mode change killed half-way: its device was not deleted",
			 dir->path, name, st->link.info.link.id);
		return 0;
	}
	if (!ifindex) {
		st->link_state = XW_LINK_DEFUNCT;
		xw_debug(ctx, 1,
			 "%s/%s: link %u is defunct: its device was deleted",
			 dir->path, name, st->link.info.link.id);
		return 0;
	}
	if (ifindex == dev->ifindex) {
		st->link_state = XW_LINK_LIVE;
		return 0;
	}
	/* Replacing it would detach some other device's program. */
	if_indextoname(ifindex, other);
	xw_pindir_entry_path(dir, name, path, sizeof(path));
	return xw_fail(
		ctx, XW_EXIT_DATAERR, 0, path,
		"pinned link is attached to ifindex %u (%s), not to %s (ifindex %u): left alone; remove the pin by hand if it is stale",
		ifindex, other[0] ? other : "unknown", dev->name, dev->ifindex);
}

int xw_state_read(struct xw_ctx *ctx, const struct xw_dev *dev,
		  const struct xw_pindir *dir, const struct xw_layout *layout,
		  struct xw_state *st)
{
	char record[NAME_MAX + 1];
	struct stat sb;
	int i, err;

	state_init(st);
	xw_link_aside_name(layout, XW_DETACHED_PREFIX, record, sizeof(record));
	st->detach_record = !fstatat(dir->fd, record, &sb, AT_SYMLINK_NOFOLLOW);
	err = xw_pin_open(ctx, dir, &layout->link, &st->link);
	if (!err)
		err = xw_pin_open(ctx, dir, &layout->prog, &st->prog);
	for (i = 0; !err && i < layout->n_maps; i++)
		err = xw_pin_open(ctx, dir, &layout->maps[i], &st->maps[i]);
	if (!err)
		err = classify_link(ctx, dev, dir, layout->link.name, st);
	if (!err)
		err = xw_xdp_query(ctx, dev, &st->xdp);
	if (err)
		xw_state_close(st);
	return err;
}

bool xw_view_matches(const struct xw_view *v, const struct xw_install *in,
		     const uint32_t *map_ids)
{
	int i;

	if (v->fd < 0 || !v->ours || !v->config_equal)
		return false;
	for (i = 0; i < in->layout->n_maps; i++)
		if (!map_ids[i] || v->map_ids[i] != map_ids[i])
			return false;
	return true;
}
