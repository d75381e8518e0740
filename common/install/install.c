/* Carrying out an install or its removal; see install.h for the order. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/caps.h"
#include "core/exit.h"
#include "core/fault.h"
#include "core/report.h"
#include "inspect/found.h"
#include "inspect/inspect.h"
#include "install/install.h"
#include "install/sizes.h"
#include "net/device.h"
#include "pins/bpffs.h"
#include "pins/owner_table.h"
#include "pins/xdp_mode.h"

enum undo_op {
	UNDO_UNPIN, /* remove the pin this run made */
	UNDO_RESTORE_PIN, /* put the replaced object back */
	UNDO_DETACH, /* detach the link this run attached */
	UNDO_LINK_UPDATE, /* point the link back at the old program */
	UNDO_REATTACH, /* attach the old program again, pin its link */
};

struct undo {
	enum undo_op op;
	const char *name;
	int fd; /* not owned: the object, link or program involved */
	int prog_fd; /* UNDO_LINK_UPDATE: the old program */
	enum xw_xdp_mode mode;
};

#define XW_UNDO_MAX 16

struct undo_log {
	struct undo steps[XW_UNDO_MAX];
	int n;
	size_t change_mark;
};

static void undo_push(struct undo_log *log, struct undo u)
{
	if (log->n < XW_UNDO_MAX)
		log->steps[log->n++] = u;
}

/* Runs the log backwards; failures here are secondary and only logged. */
static void undo_all(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_pindir *dir, struct undo_log *log)
{
	enum xw_xdp_mode got;
	int fd;

	while (log->n > 0) {
		struct undo *u = &log->steps[--log->n];

		switch (u->op) {
		case UNDO_UNPIN:
			xw_pin_remove(ctx, dir, u->name);
			break;
		case UNDO_RESTORE_PIN:
			xw_pin_replace(ctx, dir, u->name, u->fd);
			break;
		case UNDO_DETACH:
			bpf_link_detach(u->fd);
			break;
		case UNDO_LINK_UPDATE:
			bpf_link_update(u->fd, u->prog_fd, NULL);
			break;
		case UNDO_REATTACH:
			fd = xw_xdp_attach(ctx, dev, u->fd, u->mode, &got);
			if (fd >= 0) {
				xw_pin_replace(ctx, dir, u->name, fd);
				close(fd);
			}
			break;
		}
	}
	xw_change_rollback(ctx, log->change_mark);
	xw_debug(ctx, 1, "%s: rolled back this run's changes", dir->path);
}

static void note(struct xw_ctx *ctx, const char *action, const char *object,
		 const struct xw_pindir *dir, const char *name, uint32_t id,
		 const char *detail)
{
	char path[PATH_MAX];

	if (name)
		xw_pindir_entry_path(dir, name, path, sizeof(path));
	xw_change(ctx, &(struct xw_change){ .action = action,
					    .object = object,
					    .path = name ? path : NULL,
					    .id = id,
					    .detail = detail });
}

/* Pins fd at spec's name: a new pin, or in place of old_fd's. */
static int step_pin(struct xw_ctx *ctx, const struct xw_pindir *dir,
		    struct undo_log *log, const struct xw_pin_spec *spec,
		    int fd, int old_fd, const char *fault)
{
	int err = xw_fault(fault);

	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, dir->path,
			       "cannot pin %s (injected fault %s)", spec->name,
			       fault);
	if (old_fd < 0) {
		err = xw_pin_create(ctx, dir, spec->name, fd);
		if (!err)
			undo_push(log, (struct undo){ .op = UNDO_UNPIN,
						      .name = spec->name });
	} else {
		err = xw_pin_replace(ctx, dir, spec->name, fd);
		if (!err)
			undo_push(log, (struct undo){ .op = UNDO_RESTORE_PIN,
						      .name = spec->name,
						      .fd = old_fd });
	}
	if (!err)
		note(ctx, old_fd < 0 ? "pinned" : "replaced",
		     xw_obj_kind_name(spec->kind), dir, spec->name,
		     xw_fd_id(fd, spec->kind), NULL);
	return err;
}

/* The request's program, loaded with the maps chosen for it. */
static int load(struct xw_ctx *ctx, const struct xw_dev *dev,
		struct xw_install *in)
{
	int err = xw_fault("load");

	/* The tables are sized or reused by now: their masks are known. */
	if (!err && in->owner_masks)
		err = xw_owner_masks_set(in->owner_masks,
					 in->maps[XW_MAP_OWNERS4],
					 in->maps[XW_MAP_OWNERS6]);
	if (!err)
		err = bpf_object__load(in->obj);
	if (!err)
		return 0;
	/* The verifier says EACCES for what only CAP_PERFMON may do. */
	if (err == -EPERM || (err == -EACCES && !xw_has_cap(CAP_SYS_ADMIN) &&
			      !xw_has_cap(CAP_PERFMON)))
		return xw_fail(ctx, XW_EXIT_NOPERM, EPERM, dev->name,
			       "cannot load the %s program", in->layout->kind);
	return xw_fail(
		ctx, XW_EXIT_OSERR, -err, dev->name,
		"cannot load the %s program (-vv shows libbpf's and the verifier's log)",
		in->layout->kind);
}

/* Chooses, for each map role, the pinned map or the live program's. */
static int choose_maps(struct xw_ctx *ctx, const struct xw_dev *dev,
		       struct xw_install *in, const struct xw_found_install *st,
		       const struct xw_view *live, uint32_t *map_ids)
{
	int i, fd, err;

	for (i = 0; i < in->layout->n_maps; i++) {
		fd = -1;
		map_ids[i] = 0;
		if (xw_found_map(st, i)->obj.fd >= 0) {
			fd = xw_found_map(st, i)->obj.fd;
			map_ids[i] = xw_pinned_id(&xw_found_map(st, i)->obj);
		} else if (live->map_fds[i] >= 0) {
			/* Its pin was lost; the sockets in it were not. */
			fd = live->map_fds[i];
			map_ids[i] = live->map_ids[i];
			xw_debug(ctx, 1,
				 "%s: adopting map %u of the attached program",
				 in->layout->maps[i].name, map_ids[i]);
		}
		if (fd < 0)
			continue;
		err = bpf_map__reuse_fd(in->maps[i], fd);
		if (err)
			return xw_fail(ctx, XW_EXIT_OSERR, -err, dev->name,
				       "cannot reuse map %s",
				       in->layout->maps[i].name);
	}
	return 0;
}

struct plan {
	int run_fd; /* the program that must end up attached and pinned */
	uint32_t run_id;
	uint32_t map_ids[XW_LAYOUT_MAX_MAPS];
	int map_fds[XW_LAYOUT_MAX_MAPS];
	bool mode_ok;
	struct xw_view live, pinned;
	char record[NAME_MAX + 1]; /* the detach record's name */
};

static int plan_program(struct xw_ctx *ctx, const struct xw_dev *dev,
			struct xw_install *in,
			const struct xw_found_install *st, struct plan *p)
{
	const struct xw_layout *l = in->layout;
	int i, err;

	if (st->link_state == XW_LINK_LIVE &&
	    xw_view_matches(&p->live, in, p->map_ids)) {
		p->run_fd = p->live.fd;
		p->run_id = p->live.id;
		xw_debug(ctx, 1,
			 "%s: attached program %u runs this configuration",
			 dev->name, p->run_id);
	} else if (xw_found_prog(st)->obj.fd >= 0 &&
		   !xw_view_read(xw_pinned_id(&xw_found_prog(st)->obj),
				 in->layout, in->rodata, &p->pinned) &&
		   xw_view_matches(&p->pinned, in, p->map_ids)) {
		p->run_fd = p->pinned.fd;
		p->run_id = p->pinned.id;
		xw_debug(ctx, 1,
			 "%s: pinned program %u runs this configuration",
			 dev->name, p->run_id);
	} else {
		xw_debug(ctx, 1,
			 "%s: no attached or pinned program runs this configuration: loading one",
			 dev->name);
		err = load(ctx, dev, in);
		if (err)
			return err;
		p->run_fd = bpf_program__fd(in->prog);
		p->run_id = xw_fd_id(p->run_fd, XW_OBJ_PROG);
		for (i = 0; i < l->n_maps; i++)
			p->map_ids[i] =
				xw_fd_id(bpf_map__fd(in->maps[i]), XW_OBJ_MAP);
	}
	/* Reused maps were handed to libbpf, so its fds are right either way. */
	for (i = 0; i < l->n_maps; i++)
		p->map_fds[i] = bpf_map__fd(in->maps[i]);
	return 0;
}

static bool nothing_to_do(const struct xw_install *in,
			  const struct xw_found_install *st,
			  const struct plan *p)
{
	int i;

	if (st->link_state != XW_LINK_LIVE || !p->mode_ok ||
	    xw_found_link(st)->obj.info.link.prog_id != p->run_id ||
	    xw_pinned_id(&xw_found_prog(st)->obj) != p->run_id)
		return false;
	for (i = 0; i < in->layout->n_maps; i++)
		if (xw_found_map(st, i)->obj.fd < 0)
			return false;
	return true;
}

/* Points the live link at the planned program, atomically. */
static int step_update_link(struct xw_ctx *ctx, const struct xw_pindir *dir,
			    struct undo_log *log,
			    const struct xw_found_install *st,
			    const struct plan *p, const char *name)
{
	LIBBPF_OPTS(bpf_link_update_opts, opts, .old_prog_fd = p->live.fd,
		    .flags = BPF_F_REPLACE);
	char detail[64];
	int err = xw_fault("update-link");

	if (!err &&
	    bpf_link_update(xw_found_link(st)->obj.fd, p->run_fd, &opts))
		err = -errno;
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, dir->path,
			       "cannot switch link %u to program %u",
			       xw_found_link(st)->obj.info.link.id, p->run_id);
	undo_push(log, (struct undo){ .op = UNDO_LINK_UPDATE,
				      .name = name,
				      .fd = xw_found_link(st)->obj.fd,
				      .prog_fd = p->live.fd });
	snprintf(detail, sizeof(detail), "program %u -> %u", p->live.id,
		 p->run_id);
	note(ctx, "updated", "link", dir, name,
	     xw_found_link(st)->obj.info.link.id, detail);
	return 0;
}

/*
 * Attaches a new link and pins it; a live one (in the other mode) is
 * detached first.  *link_fd is set as soon as there is a link, so that the
 * caller closes it after any rollback.
 */
static int step_new_link(struct xw_ctx *ctx, const struct xw_dev *dev,
			 const struct xw_pindir *dir, struct undo_log *log,
			 const struct xw_install *in,
			 const struct xw_found_install *st,
			 const struct plan *p, int *link_fd,
			 enum xw_xdp_mode *got)
{
	const struct xw_pin_spec *spec = &in->layout->link;
	char detail[64];
	int fd, err;

	if (st->link_state == XW_LINK_LIVE) {
		/* The record that the detach below is ours: see install.h. */
		err = xw_fault("pin-record");
		if (!err)
			err = xw_pin_create(ctx, dir, p->record,
					    xw_found_link(st)->obj.fd);
		else
			err = xw_fail(ctx, XW_EXIT_OSERR, -err, dir->path,
				      "cannot pin %s (injected fault pin-record)",
				      p->record);
		if (err)
			return err;
		undo_push(log,
			  (struct undo){ .op = UNDO_UNPIN, .name = p->record });
		err = xw_fault("detach");
		if (!err && bpf_link_detach(xw_found_link(st)->obj.fd))
			err = -errno;
		if (err)
			return xw_fail(ctx, XW_EXIT_OSERR, -err, dev->name,
				       "cannot detach link %u to change mode",
				       xw_found_link(st)->obj.info.link.id);
		undo_push(log, (struct undo){ .op = UNDO_REATTACH,
					      .name = spec->name,
					      .fd = p->live.fd,
					      .mode = st->xdp.mode });
		snprintf(detail, sizeof(detail), "from %s, %s mode", dev->name,
			 xw_mode_name(st->xdp.mode));
		note(ctx, "detached", "program", dir, NULL, p->live.id, detail);
	}
	err = xw_fault("attach");
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, dev->name,
			       "cannot attach (injected fault attach)");
	fd = xw_xdp_attach(ctx, dev, p->run_fd, in->mode, got);
	if (fd < 0)
		return fd;
	*link_fd = fd;
	undo_push(log, (struct undo){ .op = UNDO_DETACH, .fd = fd });
	snprintf(detail, sizeof(detail), "to %s, %s mode", dev->name,
		 xw_mode_name(*got));
	note(ctx, "attached", "program", dir, NULL, p->run_id, detail);
	return step_pin(ctx, dir, log, spec, fd, xw_found_link(st)->obj.fd,
			"pin-link");
}

static void report(struct xw_install_result *res, const struct xw_install *in,
		   const struct plan *p, uint32_t link_id,
		   enum xw_xdp_mode mode)
{
	struct bpf_map_info mi;
	int i;

	memset(res, 0, sizeof(*res));
	res->prog_id = p->run_id;
	res->link_id = link_id;
	res->mode = mode;
	for (i = 0; i < in->layout->n_maps; i++) {
		res->map_ids[i] = p->map_ids[i];
		if (!xw_obj_info(p->map_fds[i], XW_OBJ_MAP, &mi))
			res->map_entries[i] = mi.max_entries;
	}
}

/*
 * After a defunct link was replaced: the sockets of the deleted device are
 * unbound, and frames redirected to them would be dropped, not passed.
 * Not undoable, and nothing to undo: those entries were dead.
 */
void xw_install_clear_device_bound(struct xw_ctx *ctx,
				   const struct xw_pindir *dir,
				   const struct xw_layout *l,
				   const int *map_fds)
{
	struct bpf_map_info mi;
	__u32 key;
	int i;

	for (i = 0; i < l->n_maps; i++) {
		if (!(l->device_bound_maps & 1u << i) || map_fds[i] < 0 ||
		    xw_obj_info(map_fds[i], XW_OBJ_MAP, &mi))
			continue;
		for (key = 0; key < mi.max_entries; key++)
			bpf_map_delete_elem(map_fds[i], &key);
		note(ctx, "cleared", "map", dir, l->maps[i].name, mi.id,
		     "its entries belonged to the deleted device");
	}
}

/* The new link is in place: the detach record, if any, has served. */
static void drop_record(struct xw_ctx *ctx, const struct xw_pindir *dir,
			const char *record)
{
	if (!unlinkat(dir->fd, record, 0))
		xw_debug(ctx, 1, "%s/%s: removed: the new link is in place",
			 dir->path, record);
}

static int execute(struct xw_ctx *ctx, const struct xw_dev *dev,
		   const struct xw_pindir *dir, struct xw_install *in,
		   const struct xw_found_install *st, struct plan *p,
		   struct xw_install_result *res)
{
	const struct xw_layout *l = in->layout;
	struct undo_log log = { 0 };
	enum xw_xdp_mode mode = st->xdp.mode;
	uint32_t link_id = xw_found_link(st)->obj.info.link.id;
	int i, link_fd = -1, err = 0;

	/*
	 * Before the new link commits, so that a kill after it cannot leave
	 * the dead sockets under a link that looks fine; outside the undo
	 * log, as there is nothing to put back.
	 */
	if (st->link_state == XW_LINK_DEFUNCT)
		xw_install_clear_device_bound(ctx, dir, l, p->map_fds);
	log.change_mark = xw_change_mark(ctx);

	for (i = 0; !err && i < l->n_maps; i++)
		if (xw_found_map(st, i)->obj.fd < 0)
			err = step_pin(ctx, dir, &log, &l->maps[i],
				       p->map_fds[i], -1, "pin-map");
	if (!err && xw_pinned_id(&xw_found_prog(st)->obj) != p->run_id)
		err = step_pin(ctx, dir, &log, &l->prog, p->run_fd,
			       xw_found_prog(st)->obj.fd, "pin-program");
	if (!err && p->mode_ok) {
		if (xw_found_link(st)->obj.info.link.prog_id != p->run_id)
			err = step_update_link(ctx, dir, &log, st, p,
					       l->link.name);
	} else if (!err) {
		err = step_new_link(ctx, dev, dir, &log, in, st, p, &link_fd,
				    &mode);
		if (!err)
			link_id = xw_fd_id(link_fd, XW_OBJ_LINK);
	}
	if (err) {
		undo_all(ctx, dev, dir, &log);
	} else {
		drop_record(ctx, dir, p->record);
		report(res, in, p, link_id, mode);
	}
	if (link_fd >= 0)
		close(link_fd);
	return err;
}

/*
 * What is pinned must be ours before the install builds on it: another
 * tool's program at the program pin would be silently replaced, and an
 * XSKMAP of another name with more slots than the device has queues
 * would be adopted.  Ours may be larger (the device lost queues since) or
 * smaller (it gained some: a warning later); by name, it is ours.
 */
static int check_adopted(struct xw_ctx *ctx, const struct xw_pindir *dir,
			 const struct xw_install *in,
			 const struct xw_found_install *st)
{
	const struct xw_pinned *prog = &xw_found_prog(st)->obj;
	const struct xw_layout *l = in->layout;
	const struct bpf_map_info *mi;
	char path[PATH_MAX];
	const char *want;
	int i;

	want = bpf_program__name(in->prog);
	if (prog->fd >= 0 && strncmp(prog->info.prog.name, want,
				     sizeof(prog->info.prog.name) - 1)) {
		xw_pindir_entry_path(dir, l->prog.name, path, sizeof(path));
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"pinned program %u '%.16s' is not xdpwire's (%s): left alone",
			prog->info.prog.id, prog->info.prog.name, want);
	}
	for (i = 0; i < l->n_maps; i++) {
		mi = &xw_found_map(st, i)->obj.info.map;
		want = bpf_map__name(in->maps[i]);
		if (xw_found_map(st, i)->obj.fd < 0 ||
		    l->maps[i].type != BPF_MAP_TYPE_XSKMAP ||
		    mi->max_entries <= bpf_map__max_entries(in->maps[i]) ||
		    !strncmp(mi->name, want, sizeof(mi->name) - 1))
			continue;
		xw_pindir_entry_path(dir, l->maps[i].name, path, sizeof(path));
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"pinned map %u '%.16s' has %u entries for %u RX queues: not xdpwire's (%s): left alone",
			mi->id, mi->name, mi->max_entries,
			bpf_map__max_entries(in->maps[i]), want);
	}
	return 0;
}

int xw_install_apply(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_pindir *dir, struct xw_install *in,
		     struct xw_install_result *res)
{
	struct plan p = { .run_fd = -1 };
	struct xw_found_install st;
	int err;

	memset(&p.live, 0, sizeof(p.live));
	p.live.fd = p.pinned.fd = -1;
	for (err = 0; err < XW_LAYOUT_MAX_MAPS; err++)
		p.live.map_fds[err] = p.pinned.map_fds[err] = -1;
	xw_link_aside_name(in->layout, XW_DETACHED_PREFIX, p.record,
			   sizeof(p.record));
	err = xw_check_excludes(ctx, dir, in->layout);
	if (!err)
		err = xw_install_resume(ctx, dev, dir, in->layout);
	if (err)
		return err;
	err = xw_state_read(ctx, dev, dir, in->layout, &st);
	if (err)
		return err;
	err = check_adopted(ctx, dir, in, &st);
	if (err)
		goto out;
	/* Anything attached other than through our live link is not ours. */
	if (st.xdp.prog_id &&
	    (st.link_state != XW_LINK_LIVE ||
	     st.xdp.prog_id != xw_found_link(&st)->obj.info.link.prog_id)) {
		err = xw_xdp_fail_busy(ctx, dev, &st.xdp);
		goto out;
	}
	/*
	 * Without CAP_SYS_ADMIN the live program cannot be opened by its id:
	 * the run would take it for another configuration and replace it.
	 */
	if (st.link_state == XW_LINK_LIVE &&
	    xw_view_read(xw_found_link(&st)->obj.info.link.prog_id, in->layout,
			 in->rodata, &p.live) == -EPERM) {
		err = xw_caps_fail_sys_admin(
			ctx, "an install in place is read by its program's id");
		goto out;
	}
	err = xw_install_check_sizes(ctx, dev, dir, in, &st, p.live.map_fds);
	if (!err)
		err = choose_maps(ctx, dev, in, &st, &p.live, p.map_ids);
	if (!err)
		err = plan_program(ctx, dev, in, &st, &p);
	if (err)
		goto out;
	p.mode_ok = st.link_state == XW_LINK_LIVE &&
		    xw_xdp_mode_satisfies(st.xdp.mode, in->mode);
	if (nothing_to_do(in, &st, &p)) {
		report(res, in, &p, xw_found_link(&st)->obj.info.link.id,
		       st.xdp.mode);
		goto out;
	}
	err = execute(ctx, dev, dir, in, &st, &p, res);
out:
	xw_view_close(&p.live);
	xw_view_close(&p.pinned);
	xw_found_close(&st);
	return err;
}

int xw_install_remove(struct xw_ctx *ctx, const struct xw_dev *dev,
		      const struct xw_pindir *dir,
		      const struct xw_layout *layout, bool *found)
{
	char record[NAME_MAX + 1];
	struct xw_found_install st;
	const struct xw_pinned *link = &xw_found_link(&st)->obj,
			       *prog = &xw_found_prog(&st)->obj;
	char detail[64];
	int i, err;

	err = xw_install_resume(ctx, dev, dir, layout);
	if (!err)
		err = xw_state_read(ctx, dev, dir, layout, &st);
	if (err)
		return err;
	*found = !xw_found_empty(&st) || st.detach_record;
	/*
	 * The link pin goes first, while this run's fd keeps the link
	 * attached: killed after it, the link dies with the process and
	 * what is left reads as a half-done install, never as a detached
	 * link, which would say the device was deleted.  Then detach
	 * explicitly: dropping the last reference detaches only later, and
	 * a caller that re-installs right after would find the device busy.
	 */
	if (link->fd >= 0 &&
	    !(err = xw_pin_remove(ctx, dir, layout->link.name)) &&
	    st.link_state == XW_LINK_LIVE) {
		err = xw_fault("detach");
		if (!err && bpf_link_detach(link->fd))
			err = -errno;
		if (err) {
			/* Put the pin back: the link is still attached. */
			xw_pin_create(ctx, dir, layout->link.name, link->fd);
			err = xw_fail(ctx, XW_EXIT_OSERR, -err, dev->name,
				      "cannot detach link %u",
				      link->info.link.id);
			goto out;
		}
		snprintf(detail, sizeof(detail), "from %s", dev->name);
		note(ctx, "detached", "program", dir, NULL,
		     link->info.link.prog_id, detail);
	}
	if (!err && link->fd >= 0)
		note(ctx, "removed", "link", dir, layout->link.name,
		     xw_pinned_id(link), NULL);
	if (!err && prog->fd >= 0 &&
	    !(err = xw_pin_remove(ctx, dir, layout->prog.name)))
		note(ctx, "removed", "program", dir, layout->prog.name,
		     xw_pinned_id(prog), NULL);
	for (i = 0; !err && i < layout->n_maps; i++) {
		if (xw_found_map(&st, i)->obj.fd < 0)
			continue;
		err = xw_pin_remove(ctx, dir, layout->maps[i].name);
		if (!err)
			note(ctx, "removed", "map", dir, layout->maps[i].name,
			     xw_pinned_id(&xw_found_map(&st, i)->obj), NULL);
	}
	/* Last: while it is there, a kill above still reads as ours. */
	xw_link_aside_name(layout, XW_DETACHED_PREFIX, record, sizeof(record));
	if (!err && st.detach_record &&
	    !(err = xw_pin_remove(ctx, dir, record)))
		note(ctx, "removed", "pin", dir, record, 0,
		     "a killed mode change's record");
out:
	xw_found_close(&st);
	return err;
}
