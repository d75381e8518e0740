/* Reading an install's pins and judging whether they match a request. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/exit.h"
#include "core/report.h"
#include "inspect/found.h"
#include "inspect/inspect.h"
#include "install/install.h"
#include "net/device.h"
#include "pins/bpffs.h"

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
			 struct xw_found_install *st)
{
	const struct xw_pinned *link = &xw_found_link(st)->obj;
	uint32_t ifindex = link->info.link.xdp.ifindex;
	char path[PATH_MAX];
	char other[IF_NAMESIZE] = "";

	if (link->fd < 0) {
		st->link_state = XW_LINK_ABSENT;
		return 0;
	}
	if (!ifindex && st->detach_record) {
		st->link_state = XW_LINK_DETACHED;
		xw_debug(ctx, 1,
			 "%s/%s: link %u was detached by a mode change killed half-way: its device was not deleted",
			 dir->path, name, link->info.link.id);
		return 0;
	}
	if (!ifindex) {
		st->link_state = XW_LINK_DEFUNCT;
		xw_debug(ctx, 1,
			 "%s/%s: link %u is defunct: its device was deleted",
			 dir->path, name, link->info.link.id);
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
		  struct xw_found_install *st)
{
	int k, err = 0;

	xw_found_read(dir, layout, st);
	for (k = 0; !err && k < XW_PIN_MAPS + layout->n_maps; k++)
		err = xw_pin_check(ctx, dir, &st->pins[k]);
	if (!err)
		err = classify_link(ctx, dev, dir, layout->link.name, st);
	if (!err)
		err = xw_xdp_query(ctx, dev, &st->xdp);
	st->xdp_known = !err;
	if (err)
		xw_found_close(st);
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
