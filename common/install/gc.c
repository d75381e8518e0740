/* pin-gc's actions on one judged directory; see gc.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/exit.h"
#include "core/report.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "install/gc.h"
#include "install/install.h"
#include "net/device.h"
#include "pins/bpffs.h"
#include "pins/xdp.h"
#include "pins/xdp_mode.h"

/* Reports one action: "removed", or "would remove" under --dry-run. */
static void say(struct xw_ctx *ctx, const struct xw_pindir *dir,
		const char *done, const char *planned, const char *object,
		const char *name, uint32_t id, const char *why)
{
	char path[PATH_MAX], verb[32];

	if (name)
		xw_pindir_entry_path(dir, name, path, sizeof(path));
	snprintf(verb, sizeof(verb), "%s%s", ctx->dry_run ? "would " : "",
		 ctx->dry_run ? planned : done);
	xw_change(ctx, &(struct xw_change){ .action = verb,
					    .object = object,
					    .path = name ? path : dir->path,
					    .id = id,
					    .detail = why });
}

/* The link's detach record (install.h), once the link is settled. */
static int drop_record(struct xw_ctx *ctx, const struct xw_pindir *dir,
		       const struct xw_found_install *in)
{
	char name[NAME_MAX + 1];
	int err;

	if (!in->detach_record)
		return 0;
	xw_link_aside_name(in->layout, XW_DETACHED_PREFIX, name, sizeof(name));
	err = ctx->dry_run ? 0 : xw_pin_remove(ctx, dir, name);
	if (!err)
		say(ctx, dir, "removed", "remove", "pin", name, 0,
		    "the record of a killed mode change");
	return err;
}

static int remove_pins(struct xw_ctx *ctx, const struct xw_pindir *dir,
		       struct xw_found_install *in)
{
	int k, err;

	/* Link first: the program and maps are its to hold. */
	for (k = 0; k < XW_PIN_MAPS + in->layout->n_maps; k++) {
		struct xw_found_pin *p = &in->pins[k];

		if (p->obj.fd < 0)
			continue;
		if (!ctx->dry_run) {
			err = xw_pin_remove(ctx, dir, p->spec->name);
			if (err)
				return err;
		}
		say(ctx, dir, "removed", "remove",
		    xw_obj_kind_name(p->spec->kind), p->spec->name,
		    xw_pinned_id(&p->obj), in->why);
	}
	return drop_record(ctx, dir, in);
}

/* Pins the object with the given id at p's name, in place of p's. */
static int repin_one(struct xw_ctx *ctx, const struct xw_pindir *dir,
		     struct xw_found_pin *p, uint32_t id, const char *why)
{
	int fd, err = 0;

	if (xw_pinned_id(&p->obj) == id)
		return 0;
	if (!ctx->dry_run) {
		fd = p->spec->kind == XW_OBJ_PROG ? bpf_prog_get_fd_by_id(id) :
						    bpf_map_get_fd_by_id(id);
		if (fd < 0)
			return xw_fail_errno(ctx, errno, dir->path,
					     "cannot open %s %u to pin it",
					     xw_obj_kind_name(p->spec->kind),
					     id);
		err = p->obj.fd < 0 ?
			      xw_pin_create(ctx, dir, p->spec->name, fd) :
			      xw_pin_replace(ctx, dir, p->spec->name, fd);
		close(fd);
	}
	if (!err)
		say(ctx, dir, p->obj.fd < 0 ? "pinned" : "replaced",
		    p->obj.fd < 0 ? "pin" : "replace",
		    xw_obj_kind_name(p->spec->kind), p->spec->name, id, why);
	return err;
}

static int repin(struct xw_ctx *ctx, const struct xw_pindir *dir,
		 struct xw_found_install *in)
{
	uint32_t prog_id = xw_found_link(in)->obj.info.link.prog_id;
	char why[96];
	int role, err;

	snprintf(why, sizeof(why),
		 "restored from the kernel's view of program %u", prog_id);
	err = repin_one(ctx, dir, xw_found_prog(in), prog_id, why);
	for (role = 0; !err && role < in->layout->n_maps; role++)
		if (in->map_ids[role])
			err = repin_one(ctx, dir, xw_found_map(in, role),
					in->map_ids[role], why);
	return err;
}

/*
 * The pinned program goes on the device again: its device is back under
 * its name (the link is defunct), or its link pin was lost (no link).
 */
static int reattach(struct xw_ctx *ctx, const struct xw_pindir *dir,
		    const struct xw_found_dir *d, struct xw_found_install *in)
{
	struct xw_dev dev = { .ifindex = d->ifindex };
	int map_fds[XW_LAYOUT_MAX_MAPS], role, fd, err = 0;
	bool defunct = xw_found_link(in)->obj.fd >= 0 && !in->detach_record;
	enum xw_xdp_mode got = XW_MODE_AUTO;
	/* Room for in->why whole: gcc -O0 cannot prove a smaller bound. */
	char detail[64 + sizeof(in->why)];

	/* Lost map pins first: the link pin commits, as an install's does. */
	for (role = 0;
	     xw_found_link(in)->obj.fd < 0 && !err && role < in->layout->n_maps;
	     role++)
		if (xw_found_map(in, role)->obj.fd < 0)
			err = repin_one(ctx, dir, xw_found_map(in, role),
					in->map_ids[role],
					"the pinned program's own map");
	if (err)
		return err;
	snprintf(dev.name, sizeof(dev.name), "%s", d->device);
	if (!ctx->dry_run) {
		fd = xw_xdp_attach(ctx, &dev, xw_found_prog(in)->obj.fd,
				   XW_MODE_AUTO, &got);
		if (fd < 0)
			return fd;
		/* Closing an unpinned link detaches it: nothing half-done. */
		err = xw_pin_replace(ctx, dir, in->layout->link.name, fd);
		close(fd);
		if (err)
			return err;
	}
	snprintf(detail, sizeof(detail), "to %s (ifindex %u)%s%s: %s",
		 d->device, d->ifindex, ctx->dry_run ? "" : ", ",
		 ctx->dry_run ? "" : xw_mode_name(got), in->why);
	say(ctx, dir, "attached", "attach", "program", in->layout->link.name,
	    xw_pinned_id(&xw_found_prog(in)->obj), detail);
	/*
	 * The sockets in a defunct link's maps died with the old device; a
	 * lost link pin leaves them live and bound, as a re-run would.
	 */
	for (role = 0; role < in->layout->n_maps; role++)
		map_fds[role] = xw_found_map(in, role)->obj.fd;
	if (!ctx->dry_run && defunct)
		xw_install_clear_device_bound(ctx, dir, in->layout, map_fds);
	return drop_record(ctx, dir, in);
}

/*
 * A run killed as it swapped its new link in left it attached at the
 * temporary pin: the rename it had left to do finishes it.
 */
static int relink(struct xw_ctx *ctx, const struct xw_pindir *dir,
		  struct xw_found_install *in)
{
	char swap[NAME_MAX + 1], path[PATH_MAX];

	xw_link_aside_name(in->layout, XW_SWAP_PREFIX, swap, sizeof(swap));
	if (!ctx->dry_run &&
	    renameat(dir->fd, swap, dir->fd, in->layout->link.name)) {
		xw_pindir_entry_path(dir, in->layout->link.name, path,
				     sizeof(path));
		return xw_fail(ctx, XW_EXIT_CANTCREAT, errno, path,
			       "cannot move link %u in place from %s",
			       in->swap_link_id, swap);
	}
	say(ctx, dir, "pinned", "pin", "link", in->layout->link.name,
	    in->swap_link_id, in->why);
	return drop_record(ctx, dir, in);
}

static int act(struct xw_ctx *ctx, struct xw_pindir *dir,
	       const struct xw_found_dir *d, struct xw_found_install *in,
	       enum xw_gc_action a)
{
	switch (a) {
	case XW_GC_REMOVE:
		return remove_pins(ctx, dir, in);
	case XW_GC_REPIN:
		return repin(ctx, dir, in);
	case XW_GC_REATTACH:
		return reattach(ctx, dir, d, in);
	case XW_GC_RELINK:
		return relink(ctx, dir, in);
	case XW_GC_LEAVE:
		xw_warn(ctx, dir->path, "%s install left alone: %s%s",
			in->layout->kind, in->why,
			in->repair == XW_GC_REPIN ||
					in->repair == XW_GC_REATTACH ||
					in->repair == XW_GC_RELINK ?
				" (--repair restores it)" :
				"");
		return 0;
	default:
		return 0;
	}
}

/*
 * Removes the directory, now empty of ours: only if this run emptied it
 * (it held installs or temporaries of ours) or it carries xdpwire's mark.
 * An empty directory of another tool, or of an older xdpwire, stays.
 */
static int remove_dir(struct xw_ctx *ctx, struct xw_pindir *dir,
		      const struct xw_found_dir *d, bool *acted)
{
	bool emptied = d->n_installs || d->n_temporary;
	const char *why = emptied ?
				  "nothing left in it" :
				  "empty, and marked as xdpwire's (mode 1700)";

	if (!emptied && !xw_pindir_marked(dir)) {
		xw_debug(ctx, 1,
			 "%s: kept: empty, but not xdpwire's (no mark, mode 1700) and not emptied by this run",
			 dir->path);
		return 0;
	}
	if (ctx->dry_run || xw_pindir_remove_if_empty(ctx, dir)) {
		say(ctx, dir, "removed", "remove", "directory", NULL, 0, why);
		*acted = true;
	}
	return 0;
}

int xw_gc_dir(struct xw_ctx *ctx, struct xw_pindir *dir, struct xw_found_dir *d,
	      bool repair, bool *acted, size_t *left)
{
	int k, err = 0;

	*acted = false;
	for (k = 0; !err && k < d->n_installs; k++) {
		struct xw_found_install *in = &d->installs[k];
		enum xw_gc_action a = repair ? in->repair : in->gc;

		if (a != XW_GC_NONE && a != XW_GC_LEAVE)
			*acted = true;
		*left += a == XW_GC_LEAVE;
		/* An install that goes takes its tables with it. */
		if (a != XW_GC_REMOVE)
			err = xw_gc_sandboxes(ctx, dir, d, in, acted);
		if (!err)
			err = act(ctx, dir, d, in, a);
	}
	for (k = 0; !err && k < d->n_temporary; k++) {
		if (!ctx->dry_run)
			err = xw_pin_remove(ctx, dir, d->temporary[k]);
		if (!err)
			say(ctx, dir, "removed", "remove", "pin",
			    d->temporary[k], 0,
			    "a temporary pin left by a run that died");
		*acted = true;
	}
	if (err || d->n_foreign)
		return err;
	/* Only ours was there: an emptied directory goes too. */
	for (k = 0; k < d->n_installs; k++)
		if (d->installs[k].health == XW_HEALTH_OK ||
		    (repair ? d->installs[k].repair : d->installs[k].gc) !=
			    XW_GC_REMOVE)
			return 0;
	return remove_dir(ctx, dir, d, acted);
}
