/*
 * Finishing what a run killed while it swapped an install's link left
 * behind; see install.h (XW_DETACHED_PREFIX) for the records it reads.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "core/exit.h"
#include "core/report.h"
#include "install/install.h"
#include "net/device.h"
#include "pins/bpffs.h"

/* The ifindex the link pinned at name is attached to; 0 if none. */
static uint32_t pinned_link_ifindex(const struct xw_pindir *dir,
				    const char *name, uint32_t *id)
{
	enum xw_pin_problem problem;
	struct xw_pinned p;
	uint32_t ifindex = 0;

	*id = 0;
	if (xw_pin_probe(dir, name, &p, &problem) || p.fd < 0)
		return 0;
	if (p.kind == XW_OBJ_LINK && p.info.link.type == BPF_LINK_TYPE_XDP) {
		ifindex = p.info.link.xdp.ifindex;
		*id = p.info.link.id;
	}
	xw_pinned_close(&p);
	return ifindex;
}

static void say(struct xw_ctx *ctx, const struct xw_pindir *dir,
		const char *action, const char *object, const char *name,
		uint32_t id, const char *detail)
{
	char path[PATH_MAX];

	xw_pindir_entry_path(dir, name, path, sizeof(path));
	xw_change(ctx, &(struct xw_change){ .action = action,
					    .object = object,
					    .path = path,
					    .id = id,
					    .detail = detail });
}

int xw_install_resume(struct xw_ctx *ctx, const struct xw_dev *dev,
		      const struct xw_pindir *dir,
		      const struct xw_layout *layout)
{
	char swap[NAME_MAX + 1], record[NAME_MAX + 1], path[PATH_MAX];
	uint32_t id, record_id;

	xw_link_aside_name(layout, XW_SWAP_PREFIX, swap, sizeof(swap));
	xw_link_aside_name(layout, XW_DETACHED_PREFIX, record, sizeof(record));
	/*
	 * Only the kill between pinning a new link and renaming it in place
	 * leaves a link attached to this device at the temporary name: the
	 * rename is all that run had left to do.
	 */
	if (pinned_link_ifindex(dir, swap, &id) == dev->ifindex) {
		if (renameat(dir->fd, swap, dir->fd, layout->link.name)) {
			xw_pindir_entry_path(dir, layout->link.name, path,
					     sizeof(path));
			return xw_fail(ctx, XW_EXIT_CANTCREAT, errno, path,
				       "cannot move link %u in place from %s",
				       id, swap);
		}
		say(ctx, dir, "pinned", "link", layout->link.name, id,
		    "the new link of a run killed as it swapped it in");
	}
	/* A detach record is one only while the link pin is detached. */
	pinned_link_ifindex(dir, record, &record_id);
	if (pinned_link_ifindex(dir, layout->link.name, &id) == dev->ifindex &&
	    !unlinkat(dir->fd, record, 0))
		say(ctx, dir, "removed", "pin", record, record_id,
		    "the record of a mode change that a killed run got past");
	return 0;
}
