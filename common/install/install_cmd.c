#include <errno.h>
#include <stdio.h>

#include <json-c/json.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "core/exit.h"
#include "core/json.h"
#include "core/report.h"
#include "install/install_cmd.h"
#include "install/request.h"
#include "pins/bpffs.h"
#include "pins/target.h"
#include "pins/xdp_mode.h"

int xw_device_pindir(struct xw_ctx *ctx, const struct xw_target *t,
		     unsigned int flags, struct xw_pindir *dir)
{
	char prefix[32];

	if (xw_netns_pin_prefix(&t->ns, prefix, sizeof(prefix)))
		return xw_fail(ctx, XW_EXIT_OSERR, ENAMETOOLONG, "netns",
			       "pin prefix too long");
	return xw_pindir_open(ctx, &t->fs, prefix, t->dev.dirname, flags, dir);
}

static void out_target(struct xw_ctx *ctx, const struct xw_target *t,
		       const struct xw_pindir *dir,
		       const struct xw_layout *layout)
{
	xw_out_str(ctx, "device", t->dev.name);
	xw_out_u64(ctx, "ifindex", t->dev.ifindex);
	if (t->ns.foreign)
		xw_out_u64(ctx, "netns_inode", t->ns.ino);
	xw_out_str(ctx, "pin_dir", dir->path);
	xw_out_str(ctx, "install", layout->kind);
}

static void out_result(struct xw_ctx *ctx, const struct xw_layout *layout,
		       const struct xw_install_result *res)
{
	struct json_object *maps = json_object_new_object();
	int i;

	xw_out_str(ctx, "mode", xw_mode_name(res->mode));
	xw_out_u64(ctx, "program_id", res->prog_id);
	xw_out_u64(ctx, "link_id", res->link_id);
	for (i = 0; i < layout->n_maps; i++) {
		struct json_object *m = json_object_new_object();

		xw_json_add_u64(m, "id", res->map_ids[i]);
		xw_json_add_u64(m, "entries", res->map_entries[i]);
		xw_json_add(maps, layout->maps[i].name, m);
	}
	xw_out_json(ctx, "maps", maps);
}

int xw_install_run(struct xw_ctx *ctx, const struct xw_target *t,
		   struct xw_install *in, struct xw_install_result *res)
{
	const struct xw_layout *l = in->layout;
	struct xw_pindir dir;
	int err;

	err = xw_device_pindir(ctx, t, XW_PINDIR_CREATE, &dir);
	if (err)
		return err;
	if (dir.created)
		xw_change(ctx, &(struct xw_change){ .action = "created",
						    .object = "directory",
						    .path = dir.path });
	err = xw_install_apply(ctx, &t->dev, &dir, in, res);
	if (err) {
		/* Leave no empty directory behind a failed first install. */
		if (dir.created)
			xw_pindir_remove_if_empty(ctx, &dir);
		goto out;
	}
	out_target(ctx, t, &dir, l);
	out_result(ctx, l, res);
	if (xw_changed(ctx))
		xw_summary(ctx, "%s: %s installed: program %u, %s mode",
			   t->dev.name, l->kind, res->prog_id,
			   xw_mode_name(res->mode));
	else
		xw_summary(ctx,
			   "%s: %s already installed (program %u, %s mode): nothing changed",
			   t->dev.name, l->kind, res->prog_id,
			   xw_mode_name(res->mode));
out:
	xw_pindir_close(&dir);
	return err;
}

int xw_install_unpin(struct xw_ctx *ctx, const struct xw_target *t,
		     const struct xw_layout *layout)
{
	struct xw_pindir dir;
	bool found = false;
	int err;

	err = xw_device_pindir(ctx, t, 0, &dir);
	if (err == -ENOENT) {
		xw_out_str(ctx, "device", t->dev.name);
		xw_out_str(ctx, "install", layout->kind);
		xw_summary(ctx, "%s: no %s installed: nothing to remove",
			   t->dev.name, layout->kind);
		return 0;
	}
	if (err)
		return err;
	err = xw_install_remove(ctx, &t->dev, &dir, layout, &found);
	if (!err && xw_pindir_remove_if_empty(ctx, &dir))
		xw_change(ctx, &(struct xw_change){ .action = "removed",
						    .object = "directory",
						    .path = dir.path });
	if (!err) {
		out_target(ctx, t, &dir, layout);
		if (found)
			xw_summary(ctx, "%s: %s removed", t->dev.name,
				   layout->kind);
		else
			xw_summary(ctx,
				   "%s: no %s installed: nothing to remove",
				   t->dev.name, layout->kind);
	}
	xw_pindir_close(&dir);
	return err;
}

/* A per-queue map pinned for fewer queues than the device has now. */
static void warn_small_map(struct xw_ctx *ctx, const struct xw_target *t,
			   const struct xw_install_result *res, int role,
			   uint32_t queues)
{
	uint32_t slots = res->map_entries[role];

	if (slots < queues)
		xw_warn(ctx, t->dev.name,
			"the pinned socket map has %u slots for %u RX queues: frames of queues %u-%u go to the kernel (--unpin and install again to resize it)",
			slots, queues, slots, queues - 1);
}

/*
 * The tunnel host's table sizes as pinned, in the options' units: the
 * sandbox map's entries, and the addresses an owner table holds (the
 * smaller of the two families', should they differ).
 */
static void out_table_sizes(struct xw_ctx *ctx,
			    const struct xw_install_result *res)
{
	uint32_t v4 = res->map_entries[XW_MAP_OWNERS4],
		 v6 = res->map_entries[XW_MAP_OWNERS6];

	xw_out_u64(ctx, "max_sandboxes", res->map_entries[XW_MAP_SANDBOXES]);
	xw_out_u64(ctx, "max_addresses",
		   (v4 < v6 ? v4 : v6) / XW_OWNER_SLOTS_PER_ADDR);
}

int xw_install_program(struct xw_ctx *ctx, const struct xw_target *t,
		       const struct xw_program *pg,
		       const struct xw_installer_request *req)
{
	uint16_t got[XW_MAX_PASS_PORTS];
	struct xw_install_result res;
	struct xw_request opened;
	uint32_t queues = 1;
	int err;

	if (req->unpin)
		return xw_install_unpin(ctx, t, pg->layout);
	if (pg->queue_sized_map >= 0) {
		err = xw_dev_rx_queues(ctx, &t->dev, &queues);
		if (err)
			return err;
	}
	err = xw_request_open(ctx, pg, req->ports, req->n_ports, queues,
			      req->mode, &opened);
	if (err)
		return err;
	if (req->max_sandboxes || req->max_addresses)
		err = xw_request_size(ctx, &opened, req->max_sandboxes,
				      req->max_addresses);
	if (!err)
		err = xw_install_run(ctx, t, &opened.install, &res);
	if (!err && pg->pass_ports)
		xw_out_u16_list(ctx, "pass_ports", got,
				xw_request_ports(&opened, got));
	if (!err && pg->queue_sized_map >= 0) {
		xw_out_u64(ctx, "rx_queues", queues);
		warn_small_map(ctx, t, &res, pg->queue_sized_map, queues);
	}
	if (!err && pg->layout->n_maps > XW_MAP_OWNERS6)
		out_table_sizes(ctx, &res);
	xw_request_close(&opened);
	return err;
}
