/*
 * tunnel-install --device NIC --unpin: the sandboxes wired to the NIC go
 * first, then the node's own install, so that a run killed at any point
 * is finished by its re-run.
 *
 * A sandbox counts as wired to the NIC when its veth install of ours
 * points slot 0 of tunnel_veth_map at the NIC, or the NIC's slot 0 points
 * at its veth.  Both marks go away while the veth is unwired, the last
 * one before its directory: a run killed between them would leave the
 * re-run nothing to find.  So each veth is recorded in the NIC's
 * directory first, as a temporary pin xw_tmp_unwire_<veth dir> (of the
 * NIC's own map: any object will do), and the record goes only once the
 * veth is unwired.  The NIC's directory and its install go last, so the
 * records are there for as long as anything of the node's is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/report.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "install/install_cmd.h"
#include "install/tunnel.h"
#include "net/device.h"
#include "net/ifname.h"
#include "net/netns.h"
#include "pins/bpffs.h"
#include "pins/target.h"

#define RECORD_PREFIX "xw_tmp_unwire_"

/* The veth directories to unwire, by name, each once. */
struct wired {
	char (*dirs)[NAME_MAX + 1];
	int n;
	uint32_t nic; /* the NIC's ifindex */
	uint32_t slot; /* the NIC's slot 0, 0 if empty or unknown */
	char slot_dir[IFNAMSIZ]; /* the pin directory of that device */
};

static int add_dir(struct wired *w, const char *dirname)
{
	char(*grown)[NAME_MAX + 1];
	int k;

	for (k = 0; k < w->n; k++)
		if (!strcmp(w->dirs[k], dirname))
			return 0;
	grown = realloc(w->dirs, (size_t)(w->n + 1) * sizeof(*w->dirs));
	if (!grown)
		return -ENOMEM;
	snprintf(grown[w->n], sizeof(grown[w->n]), "%s", dirname);
	w->dirs = grown;
	w->n++;
	return 0;
}

static uint32_t slot0(int map_fd)
{
	uint32_t key = 0, ifindex = 0;

	if (bpf_map_lookup_elem(map_fd, &key, &ifindex))
		return 0;
	return ifindex;
}

/* The NIC's slot 0 and the records a killed run left in its directory. */
static int read_node(struct xw_ctx *ctx, const struct xw_target *t,
		     struct wired *w)
{
	const struct xw_pin_spec *spec =
		&xw_tunnel_host_layout.maps[XW_MAP_TARGETS];
	struct xw_pinned map = { .fd = -1 };
	char name[IFNAMSIZ];
	struct xw_pindir dir;
	struct dirent *e;
	int fd, err;
	DIR *dp;

	err = xw_device_pindir(ctx, t, 0, &dir);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (!xw_pin_open(ctx, &dir, spec, &map) && map.fd >= 0)
		w->slot = slot0(map.fd);
	xw_pinned_close(&map);
	if (w->slot && if_indextoname(w->slot, name))
		xw_ifname_to_dirname(name, w->slot_dir);
	fd = openat(dir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dp = fd < 0 ? NULL : fdopendir(fd);
	if (!dp && fd >= 0)
		close(fd);
	while (!err && dp && (e = readdir(dp)))
		if (!strncmp(e->d_name, RECORD_PREFIX, strlen(RECORD_PREFIX)) &&
		    !xw_dirname_to_ifname(e->d_name + strlen(RECORD_PREFIX),
					  name))
			err = add_dir(w, e->d_name + strlen(RECORD_PREFIX));
	if (dp)
		closedir(dp);
	xw_pindir_close(&dir);
	return err;
}

/*
 * Whether the directory holds our veth install wired to the NIC.  The
 * runtime's own wiring (its program under the convention's names) is the
 * runtime's to undo: never taken for ours.
 */
static bool wired_here(struct xw_ctx *ctx, struct xw_pindir *dir,
		       const char *device, const struct wired *w)
{
	struct xw_found_dir d;
	bool ours = false;
	int k;

	if (xw_health_inspect(ctx, dir, device, true, &d))
		return false;
	for (k = 0; k < d.n_installs; k++) {
		struct xw_found_install *in = &d.installs[k];
		int fd = xw_found_map(in, XW_MAP_TARGETS)->obj.fd;

		if (in->layout != &xw_tunnel_veth_layout || in->runtime)
			continue;
		ours = !strcmp(dir->name, w->slot_dir) ||
		       (fd >= 0 && slot0(fd) == w->nic);
	}
	xw_health_free(&d);
	return ours;
}

/* A directory that may hold a veth install: one of its pins is there. */
static bool has_veth_pin(int parent_fd, const char *name)
{
	const struct xw_layout *l = &xw_tunnel_veth_layout;
	char path[NAME_MAX * 2 + 2];
	struct stat st;
	int k;

	for (k = -2; k < l->n_maps; k++) {
		snprintf(path, sizeof(path), "%s/%s", name,
			 k == -2 ? l->link.name :
			 k == -1 ? l->prog.name :
				   l->maps[k].name);
		if (!fstatat(parent_fd, path, &st, AT_SYMLINK_NOFOLLOW))
			return true;
	}
	return false;
}

/* The veth directories beside the NIC's whose installs are wired to it. */
static int find_wired(struct xw_ctx *ctx, const struct xw_target *t,
		      const char *prefix, struct wired *w)
{
	char device[IFNAMSIZ];
	struct xw_pindir dir;
	struct dirent *e;
	struct stat st;
	int fd, err = 0;
	DIR *dp;

	fd = openat(t->fs.fd, *prefix ? prefix : ".",
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 :
					 xw_fail_errno(ctx, errno, t->fs.path,
						       "cannot list");
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return xw_fail_errno(ctx, errno, t->fs.path, "cannot list");
	}
	while (!err && (e = readdir(dp))) {
		if (!strcmp(e->d_name, t->dev.dirname) ||
		    xw_dirname_to_ifname(e->d_name, device) ||
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || !has_veth_pin(fd, e->d_name))
			continue;
		err = xw_pindir_open(ctx, &t->fs, prefix, e->d_name,
				     XW_PINDIR_UNTRUSTED_SKIP, &dir);
		if (err == -ENOENT || err == -EACCES) {
			err = 0;
			continue;
		}
		if (!err && wired_here(ctx, &dir, device, w))
			err = add_dir(w, e->d_name);
		xw_pindir_close(&dir);
	}
	closedir(dp);
	return err;
}

/* Pins (or drops) the record of one veth in the NIC's directory. */
static void record(struct xw_ctx *ctx, const struct xw_target *t,
		   const char *vdir, bool on)
{
	const struct xw_pin_spec *spec =
		&xw_tunnel_host_layout.maps[XW_MAP_TARGETS];
	struct xw_pinned map = { .fd = -1 };
	char name[NAME_MAX + 1], path[PATH_MAX];
	struct xw_pindir dir;

	snprintf(name, sizeof(name), RECORD_PREFIX "%s", vdir);
	if (xw_device_pindir(ctx, t, 0, &dir))
		return;
	/* bpf_obj_pin() takes a path: the record's, through the dir fd. */
	if (!on)
		unlinkat(dir.fd, name, 0);
	else if (!xw_pin_open(ctx, &dir, spec, &map) && map.fd >= 0 &&
		 !xw_pindir_entry_fdpath(&dir, name, path, sizeof(path)) &&
		 bpf_obj_pin(map.fd, path) && errno != EEXIST)
		xw_debug(ctx, 1, "%s: cannot record %s: %s", dir.path, name,
			 strerror(errno));
	xw_pinned_close(&map);
	xw_pindir_close(&dir);
}

/* One veth: recorded, unwired, the record dropped. */
static int unwire_one(struct xw_ctx *ctx, const struct xw_target *t,
		      const char *vdir)
{
	char name[IFNAMSIZ];
	struct xw_dev veth;
	unsigned int idx;
	int err = 0;

	/* A veth deleted since is stale: pin-gc's, not ours to guess at. */
	if (!xw_dirname_to_ifname(vdir, name) && (idx = if_nametoindex(name)) &&
	    !xw_dev_lookup(idx, &veth)) {
		record(ctx, t, vdir, true);
		err = xw_tunnel_unwire(ctx, t, &veth);
	}
	if (!err)
		record(ctx, t, vdir, false);
	return err;
}

int xw_tunnel_unpin_node(struct xw_ctx *ctx, const struct xw_target *t)
{
	struct wired w = { .nic = t->dev.ifindex };
	char prefix[32];
	int k, err;

	xw_netns_pin_prefix(&t->ns, prefix, sizeof(prefix));
	err = read_node(ctx, t, &w);
	if (!err)
		err = find_wired(ctx, t, prefix, &w);
	for (k = 0; !err && k < w.n; k++)
		err = unwire_one(ctx, t, w.dirs[k]);
	free(w.dirs);
	if (!err && xw_failed(ctx))
		err = -EINVAL;
	return err;
}
