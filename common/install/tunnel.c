#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/report.h"
#include "inspect/inspect.h"
#include "inspect/kinds.h"
#include "install/install_cmd.h"
#include "install/request.h"
#include "install/tunnel.h"
#include "install/tunnel_owner.h"
#include "net/ifname.h"
#include "pins/bpffs.h"
#include "pins/target.h"
#include "pins/xdp_mode.h"

/* Slot 0 of a DEVMAP: the ifindex there, 0 for an empty slot. */
static int slot_get(int map_fd, uint32_t *ifindex)
{
	uint32_t key = 0;

	*ifindex = 0;
	if (!bpf_map_lookup_elem(map_fd, &key, ifindex) || errno == ENOENT)
		return 0;
	return -errno;
}

static int slot_set(int map_fd, uint32_t ifindex)
{
	uint32_t key = 0;

	if (!ifindex)
		return bpf_map_delete_elem(map_fd, &key) && errno != ENOENT ?
			       -errno :
			       0;
	return bpf_map_update_elem(map_fd, &key, &ifindex, BPF_ANY) ? -errno :
								      0;
}

static const char *ifname_or(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "gone");
	return buf;
}

/* Sets slot 0 of the map pinned at dir/spec and says so. */
static int set_slot(struct xw_ctx *ctx, const struct xw_pindir *dir,
		    const struct xw_pin_spec *spec, int map_fd, uint32_t to,
		    uint32_t was)
{
	char path[PATH_MAX], detail[96], to_name[IF_NAMESIZE],
		was_name[IF_NAMESIZE];
	int err = xw_fault("set-slot");

	xw_pindir_entry_path(dir, spec->name, path, sizeof(path));
	if (!err)
		err = slot_set(map_fd, to);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, path,
			       "cannot set slot 0");
	if (!to)
		snprintf(detail, sizeof(detail), "slot 0 was %s (ifindex %u)",
			 ifname_or(was, was_name), was);
	else if (was)
		snprintf(detail, sizeof(detail),
			 "slot 0 -> %s (ifindex %u), was %s (ifindex %u)",
			 ifname_or(to, to_name), to, ifname_or(was, was_name),
			 was);
	else
		snprintf(detail, sizeof(detail), "slot 0 -> %s (ifindex %u)",
			 ifname_or(to, to_name), to);
	xw_change(ctx, &(struct xw_change){ .action = to ? "set" : "cleared",
					    .object = "map",
					    .path = path,
					    .detail = detail });
	return 0;
}

/* The NIC's tunnel_host_map, locked; a clear error if there is none. */
static int open_host(struct xw_ctx *ctx, const struct xw_target *t,
		     struct xw_pindir *dir, struct xw_pinned *map)
{
	const struct xw_pin_spec *spec =
		&xw_tunnel_host_layout.maps[XW_MAP_TARGETS];
	int err = xw_device_pindir(ctx, t, 0, dir);

	if (!err)
		err = xw_pin_open(ctx, dir, spec, map);
	if (err == -ENOENT || (!err && map->fd < 0))
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, t->dev.name,
			"no tunnel installed (run tunnel-install --device %s first)",
			t->dev.name);
	return err;
}

static int veth_pindir(struct xw_ctx *ctx, const struct xw_target *t,
		       const struct xw_dev *veth, unsigned int flags,
		       struct xw_pindir *dir)
{
	char prefix[32];

	xw_netns_pin_prefix(&t->ns, prefix, sizeof(prefix));
	return xw_pindir_open(ctx, &t->fs, prefix, veth->dirname, flags, dir);
}

/* A veth wired to another NIC must be unwired from it first. */
static int check_not_elsewhere(struct xw_ctx *ctx, const struct xw_pindir *dir,
			       const struct xw_dev *veth,
			       const struct xw_dev *host)
{
	const struct xw_pin_spec *spec =
		&xw_tunnel_veth_layout.maps[XW_MAP_TARGETS];
	struct xw_pinned map = { .fd = -1 };
	char name[IF_NAMESIZE];
	uint32_t to = 0;
	int err;

	err = xw_pin_open(ctx, dir, spec, &map);
	if (!err && map.fd >= 0)
		slot_get(map.fd, &to);
	xw_pinned_close(&map);
	if (err || !to || to == host->ifindex)
		return err;
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, 0, veth->name,
		"already wired to %s (ifindex %u): unwire it there first (tunnel-install --device %s --veth %s --unpin)",
		ifname_or(to, name), to, name, veth->name);
}

/*
 * One NIC carries one sandbox: slot 0 pointing at another device that
 * still exists is somebody's live wiring, never silently taken over.
 */
static int check_slot_free(struct xw_ctx *ctx, const struct xw_target *t,
			   int host_map, const struct xw_dev *veth)
{
	char name[IF_NAMESIZE];
	uint32_t slot = 0;
	int err = slot_get(host_map, &slot);

	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, t->dev.name,
			       "cannot read tunnel_host_map");
	if (!slot || slot == veth->ifindex || !if_indextoname(slot, name))
		return 0;
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, 0, t->dev.name,
		"already wired to %s (ifindex %u): unwire it first (tunnel-install --device %s --veth %s --unpin)",
		name, slot, t->dev.name, name);
}

/*
 * A runtime in tunnel mode wires the veth itself: its own program under
 * the convention's pin names.  Swapping ours in through its link would
 * take the sandbox from under it, so the veth is refused instead.
 */
static int check_not_runtimes(struct xw_ctx *ctx, const struct xw_pindir *dir,
			      const struct xw_dev *veth)
{
	const struct xw_layout *l = &xw_tunnel_veth_layout;
	struct xw_pinned link = { .fd = -1 };
	struct bpf_prog_info pi;
	int err;

	err = xw_pin_open(ctx, dir, &l->link, &link);
	if (err || link.fd < 0)
		return err;
	if (!xw_prog_info_by_id(link.info.link.prog_id, &pi) &&
	    strcmp(pi.name, xw_tunnel_veth_program.prog_name))
		err = xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, veth->name,
			"already wired by the runtime itself: link %u (%s) runs its program %u (%s), not xdpwire's: nothing changed",
			link.info.link.id, l->link.name, pi.id, pi.name);
	xw_pinned_close(&link);
	return err;
}

static bool has_link(const struct xw_pindir *dir, const struct xw_layout *l)
{
	struct stat st;

	return !fstatat(dir->fd, l->link.name, &st, AT_SYMLINK_NOFOLLOW);
}

/* Points the veth's slot 0 at the NIC. */
static int point_veth(struct xw_ctx *ctx, const struct xw_pindir *vdir,
		      const struct xw_dev *host)
{
	const struct xw_pin_spec *vspec =
		&xw_tunnel_veth_layout.maps[XW_MAP_TARGETS];
	struct xw_pinned vmap = { .fd = -1 };
	uint32_t was = 0;
	int err;

	err = xw_pin_open(ctx, vdir, vspec, &vmap);
	if (!err)
		err = slot_get(vmap.fd, &was);
	if (!err && was != host->ifindex)
		err = set_slot(ctx, vdir, vspec, vmap.fd, host->ifindex, was);
	xw_pinned_close(&vmap);
	return err;
}

/*
 * Points the veth at the NIC and, for a sandbox that is not registered
 * with addresses, the NIC's slot 0 at the veth.
 */
static int point_slots(struct xw_ctx *ctx, const struct xw_pindir *hdir,
		       int host_map, const struct xw_pindir *vdir,
		       const struct xw_dev *veth, const struct xw_dev *host,
		       bool slot0, uint32_t *host_was)
{
	int err = point_veth(ctx, vdir, host);

	if (!err && slot0)
		err = slot_get(host_map, host_was);
	if (!err && slot0 && *host_was != veth->ifindex)
		err = set_slot(ctx, hdir,
			       &xw_tunnel_host_layout.maps[XW_MAP_TARGETS],
			       host_map, veth->ifindex, *host_was);
	if (err && !xw_failed(ctx))
		xw_fail(ctx, XW_EXIT_OSERR, -err, veth->name,
			"cannot read a tunnel map");
	return err;
}

/* A registration: the addresses, the tables and what was found. */
struct wire_owner {
	const struct xw_owner_set *set; /* NULL: slot 0, today's wiring */
	struct xw_owner_tables tabs;
	bool already; /* committed with this set: nothing to write */
};

static int wire_locked(struct xw_ctx *ctx, const struct xw_target *t,
		       const struct xw_dev *veth, enum xw_xdp_mode mode,
		       const struct xw_pindir *hdir, int host_map,
		       struct xw_pindir *vdir, const struct wire_owner *own)
{
	struct xw_install_result res;
	struct xw_request req;
	uint32_t host_was = 0;
	bool fresh;
	int err;

	err = check_not_runtimes(ctx, vdir, veth);
	if (!err)
		err = check_not_elsewhere(ctx, vdir, veth, &t->dev);
	if (!err && !own->set)
		err = check_slot_free(ctx, t, host_map, veth);
	if (err)
		return err;
	fresh = !has_link(vdir, &xw_tunnel_veth_layout);
	err = xw_request_open(ctx, &xw_tunnel_veth_program, NULL, 0, 1, mode,
			      &req);
	if (err)
		return err;
	err = xw_install_apply(ctx, veth, vdir, &req.install, &res);
	if (!err)
		err = point_slots(ctx, hdir, host_map, vdir, veth, &t->dev,
				  !own->set, &host_was);
	/* Entries only once the veth is wired: then it is reachable. */
	if (!err && own->set && !own->already)
		err = xw_owner_register(ctx, t, &own->tabs, veth, own->set);
	if (err) {
		/* Undo: the NIC's slot as it was, no half-wired veth. */
		if (!own->set)
			slot_set(host_map, host_was);
		if (fresh && has_link(vdir, &xw_tunnel_veth_layout)) {
			bool found;

			xw_install_remove(ctx, veth, vdir,
					  &xw_tunnel_veth_layout, &found);
		}
	} else {
		xw_out_str(ctx, "veth", veth->name);
		xw_out_u64(ctx, "veth_ifindex", veth->ifindex);
		xw_out_str(ctx, "veth_pin_dir", vdir->path);
		xw_out_u64(ctx, "veth_program_id", res.prog_id);
		xw_out_str(ctx, "mode", xw_mode_name(res.mode));
	}
	xw_request_close(&req);
	return err;
}

/* The registration's part of the result: its addresses. */
static void out_addresses(struct xw_ctx *ctx, const struct xw_owner_set *set)
{
	struct json_object *arr = json_object_new_array();
	char a[XW_IP_STRLEN];
	size_t k;

	for (k = 0; arr && k < set->n; k++)
		json_object_array_add(arr, json_object_new_string(
						   xw_ip_str(&set->ip[k], a)));
	if (arr)
		xw_out_json(ctx, "addresses", arr);
	xw_out_json(ctx, "registered", json_object_new_boolean(1));
}

static void summary(struct xw_ctx *ctx, const struct xw_target *t,
		    const struct xw_dev *veth, const struct xw_owner_set *set)
{
	xw_out_str(ctx, "device", t->dev.name);
	xw_out_u64(ctx, "ifindex", t->dev.ifindex);
	xw_out_str(ctx, "install", "tunnel veth");
	if (!set) {
		xw_summary(ctx, "%s <-> %s: tunnel %s", t->dev.name, veth->name,
			   xw_changed(ctx) ? "wired" :
					     "already wired: nothing changed");
		return;
	}
	out_addresses(ctx, set);
	if (xw_changed(ctx))
		xw_summary(ctx, "%s <-> %s: sandbox registered (%zu address%s)",
			   t->dev.name, veth->name, set->n,
			   set->n == 1 ? "" : "es");
	else
		xw_summary(ctx,
			   "%s <-> %s: already registered: nothing changed",
			   t->dev.name, veth->name);
}

int xw_tunnel_wire(struct xw_ctx *ctx, const struct xw_target *t,
		   const struct xw_dev *veth, enum xw_xdp_mode mode,
		   const struct xw_ip *addrs, size_t n_addrs, bool force)
{
	struct wire_owner own = { .set = NULL };
	struct xw_pinned host_map = { .fd = -1 };
	struct xw_owner_set set;
	struct xw_pindir hdir, vdir;
	int err;

	xw_pindir_init(&hdir);
	xw_pindir_init(&vdir);
	own.tabs.sandboxes.fd = own.tabs.owners[0].fd = own.tabs.owners[1].fd =
		-1;
	if (veth->ifindex == t->dev.ifindex) {
		err = xw_fail(
			ctx, XW_EXIT_USAGE, 0, veth->name,
			"the sandbox's veth cannot be the host device itself");
		goto out;
	}
	err = open_host(ctx, t, &hdir, &host_map);
	/* A registration's refusals come first, with nothing changed. */
	if (!err && addrs) {
		own.set = &set;
		err = xw_owner_set_make(ctx, veth->name, addrs, n_addrs, &set);
		if (!err)
			err = xw_owner_tables_open(ctx, &hdir, &own.tabs);
		if (!err)
			err = xw_owner_check(ctx, t, &own.tabs, host_map.fd,
					     veth, &set, force, &own.already);
	} else if (!err) {
		/* A registered sandbox never takes the NIC's slot 0 too. */
		err = xw_owner_tables_open(ctx, &hdir, &own.tabs);
		if (!err && xw_owner_committed(&own.tabs, veth->ifindex))
			err = xw_fail(
				ctx, XW_EXIT_UNAVAILABLE, 0, veth->name,
				"registered with addresses on %s: it takes no slot 0 (tunnel-install --device %s --veth %s --unpin first)",
				t->dev.name, t->dev.name, veth->name);
	}
	if (!err)
		err = veth_pindir(ctx, t, veth, XW_PINDIR_CREATE, &vdir);
	if (!err && vdir.created)
		xw_change(ctx, &(struct xw_change){ .action = "created",
						    .object = "directory",
						    .path = vdir.path });
	if (!err)
		err = wire_locked(ctx, t, veth, mode, &hdir, host_map.fd, &vdir,
				  &own);
	if (err && vdir.fd >= 0)
		xw_pindir_remove_if_empty(ctx, &vdir);
	if (!err)
		summary(ctx, t, veth, own.set);
out:
	xw_owner_tables_close(&own.tabs);
	xw_pinned_close(&host_map);
	xw_pindir_close(&vdir);
	xw_pindir_close(&hdir);
	return err;
}

bool xw_tunnel_wired_here(struct xw_ctx *ctx, const struct xw_target *t,
			  uint32_t ifindex)
{
	const struct xw_pin_spec *spec =
		&xw_tunnel_veth_layout.maps[XW_MAP_TARGETS];
	struct xw_pinned map = { .fd = -1 };
	struct xw_ctx quiet;
	struct xw_pindir dir;
	struct xw_dev dev;
	uint32_t to = 0;
	char prefix[32];

	if (!if_indextoname(ifindex, dev.name) || xw_ctx_init(&quiet, ctx->cmd))
		return false;
	/* What is wrong there is not this run's failure: a scratch report. */
	xw_ifname_to_dirname(dev.name, dev.dirname);
	xw_netns_pin_prefix(&t->ns, prefix, sizeof(prefix));
	xw_pindir_init(&dir);
	if (!xw_pindir_open(&quiet, &t->fs, prefix, dev.dirname,
			    XW_PINDIR_UNTRUSTED_SKIP, &dir) &&
	    !xw_pin_open(&quiet, &dir, spec, &map) && map.fd >= 0)
		slot_get(map.fd, &to);
	xw_pinned_close(&map);
	xw_pindir_close(&dir);
	xw_ctx_free(&quiet);
	return to == t->dev.ifindex;
}

int xw_tunnel_unwire(struct xw_ctx *ctx, const struct xw_target *t,
		     const struct xw_dev *veth)
{
	const struct xw_pin_spec *hspec =
		&xw_tunnel_host_layout.maps[XW_MAP_TARGETS];
	struct xw_pinned host_map = { .fd = -1 };
	struct xw_owner_tables tabs = {
		.sandboxes.fd = -1, .owners = { { .fd = -1 }, { .fd = -1 } }
	};
	struct xw_pindir hdir, vdir;
	uint32_t slot = 0;
	bool found = false;
	int err;

	xw_pindir_init(&hdir);
	xw_pindir_init(&vdir);
	/* Without a NIC install there is no slot to clear. */
	err = xw_device_pindir(ctx, t, 0, &hdir);
	if (!err)
		err = xw_pin_open(ctx, &hdir, hspec, &host_map);
	if (err && err != -ENOENT)
		goto out;
	/* Out of the data path before anything of its wiring goes. */
	if (host_map.fd >= 0)
		err = xw_owner_tables_open(ctx, &hdir, &tabs);
	if (!err && host_map.fd >= 0)
		err = xw_owner_deregister(ctx, &tabs, veth);
	xw_owner_tables_close(&tabs);
	if (err)
		goto out;
	if (host_map.fd >= 0 && !slot_get(host_map.fd, &slot) &&
	    slot == veth->ifindex)
		err = set_slot(ctx, &hdir, hspec, host_map.fd, 0, slot);
	else
		err = 0;
	if (!err)
		err = veth_pindir(ctx, t, veth, 0, &vdir);
	if (!err)
		err = xw_install_remove(ctx, veth, &vdir,
					&xw_tunnel_veth_layout, &found);
	if (err == -ENOENT)
		err = 0;
	if (!err && vdir.fd >= 0 && xw_pindir_remove_if_empty(ctx, &vdir))
		xw_change(ctx, &(struct xw_change){ .action = "removed",
						    .object = "directory",
						    .path = vdir.path });
	if (!err) {
		xw_out_str(ctx, "device", t->dev.name);
		xw_out_str(ctx, "veth", veth->name);
		xw_summary(ctx, "%s <-> %s: %s", t->dev.name, veth->name,
			   xw_changed(ctx) ? "tunnel unwired" :
					     "not wired: nothing to remove");
	}
out:
	xw_pinned_close(&host_map);
	xw_pindir_close(&vdir);
	xw_pindir_close(&hdir);
	return err;
}
