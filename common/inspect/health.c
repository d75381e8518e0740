/* Judging the installs of one pin directory; see health.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/report.h"
#include "inspect/health.h"
#include "inspect/inspect.h"
#include "inspect/kinds.h"
#include "inspect/sandboxes.h"
#include "net/device.h"
#include "net/ifname.h"
#include "pins/bpffs.h"

const char *xw_health_name(enum xw_health h)
{
	static const char *const names[] = { "ok", "stale", "broken",
					     "other-netns" };

	return names[h];
}

const char *xw_gc_action_name(enum xw_gc_action a)
{
	static const char *const names[] = { "none",	 "remove", "repin",
					     "reattach", "leave",  "relink" };

	return names[a];
}

static void judge(struct xw_found_install *in, enum xw_health h,
		  enum xw_gc_action gc, enum xw_gc_action repair,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void judge(struct xw_found_install *in, enum xw_health h,
		  enum xw_gc_action gc, enum xw_gc_action repair,
		  const char *fmt, ...)
{
	va_list ap;

	in->health = h;
	in->gc = gc;
	in->repair = repair;
	va_start(ap, fmt);
	vsnprintf(in->why, sizeof(in->why), fmt, ap);
	va_end(ap);
}

/* The map ids of a program, by the roles of in's layout. */
static void live_maps(struct xw_found_install *in, uint32_t prog_id)
{
	struct xw_view v;

	/* Unreadable, it uses no map: every id stays 0. */
	xw_view_read(prog_id, in->layout, NULL, &v);
	memcpy(in->map_ids, v.map_ids, sizeof(in->map_ids));
	xw_view_close(&v);
}

/*
 * An optional map (layout.h) an older xdpwire's install does not have: no
 * pin and a program that uses no such map.  Marks the install legacy.
 */
static bool legacy_absent(struct xw_found_install *in, int role)
{
	if (!(in->layout->optional_maps & 1u << role) ||
	    xw_found_map(in, role)->present || in->map_ids[role])
		return false;
	in->legacy = true;
	return true;
}

/* The link is attached to the named device: are the other pins its? */
static void judge_live(struct xw_found_install *in, uint32_t prog_id)
{
	struct xw_found_pin *prog = xw_found_prog(in);
	int role;

	live_maps(in, prog_id);
	if (prog->obj.fd < 0)
		return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE, XW_GC_REPIN,
			     "%s is missing; the link still runs program %u",
			     prog->spec->name, prog_id);
	/*
	 * An install pins its new program before it switches the link: ours
	 * at the pin and another at the link is one killed in between.
	 */
	if (xw_pinned_id(&prog->obj) != prog_id &&
	    !strcmp(prog->obj.info.prog.name,
		    xw_program_of(in->layout)->prog_name))
		return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE, XW_GC_REPIN,
			     "%s holds program %u, the link runs program %u: an install killed half-way through an update; its re-run finishes it (pin-gc --repair goes back to program %u)",
			     prog->spec->name, xw_pinned_id(&prog->obj),
			     prog_id, prog_id);
	if (xw_pinned_id(&prog->obj) != prog_id)
		return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE, XW_GC_REPIN,
			     "%s holds program %u, the link runs program %u",
			     prog->spec->name, xw_pinned_id(&prog->obj),
			     prog_id);
	for (role = 0; role < in->layout->n_maps; role++) {
		struct xw_found_pin *m = xw_found_map(in, role);

		if (legacy_absent(in, role))
			continue;
		if (m->obj.fd < 0)
			return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE,
				     in->map_ids[role] ? XW_GC_REPIN :
							 XW_GC_LEAVE,
				     "%s is missing; program %u still uses map %u",
				     m->spec->name, prog_id, in->map_ids[role]);
		if (xw_pinned_id(&m->obj) != in->map_ids[role])
			return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE,
				     in->map_ids[role] ? XW_GC_REPIN :
							 XW_GC_LEAVE,
				     "%s holds map %u, program %u uses map %u",
				     m->spec->name, xw_pinned_id(&m->obj),
				     prog_id, in->map_ids[role]);
	}
	judge(in, XW_HEALTH_OK, XW_GC_NONE, XW_GC_NONE, "%s", "");
}

/*
 * A link's info names an ifindex, not the namespace it counts in: the
 * device at that index here runs the link's program only if the link is
 * attached here.  Unknown (the query failed) counts as here.  What the
 * device runs is kept: it is the named device's when the indexes match.
 */
static bool attached_here(struct xw_found_install *in,
			  const struct bpf_link_info *li)
{
	struct xw_dev dev = { .ifindex = li->xdp.ifindex };

	in->xdp_known = !xw_xdp_query(NULL, &dev, &in->xdp);
	if (!in->xdp_known || in->xdp.prog_id == li->prog_id)
		return true;
	in->xdp_known = false; /* another device's */
	return false;
}

/*
 * Names the device the link runs on (for the report) and judges the
 * install broken when that is not the directory's device; true if so.
 */
static bool judge_other_device(struct xw_found_install *in,
			       const struct xw_found_dir *d,
			       const struct bpf_link_info *li)
{
	if_indextoname(li->xdp.ifindex, in->attached_name);
	if (li->xdp.ifindex == d->ifindex)
		return false;
	judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE, XW_GC_LEAVE,
	      "link %u is attached to ifindex %u (%s), not to %s", li->id,
	      li->xdp.ifindex, in->attached_name[0] ? in->attached_name : "?",
	      d->device);
	return true;
}

static void judge_linked(struct xw_found_install *in,
			 const struct xw_found_dir *d)
{
	const struct bpf_link_info *li = &xw_found_link(in)->obj.info.link;

	in->attached_ifindex = li->xdp.ifindex;
	if (!li->xdp.ifindex)
		return judge(in, XW_HEALTH_STALE, XW_GC_REMOVE,
			     d->ifindex && xw_found_prog(in)->obj.fd >= 0 ?
				     XW_GC_REATTACH :
				     XW_GC_REMOVE,
			     "link %u is detached: its device was deleted%s",
			     li->id,
			     d->ifindex ? " (a device of that name is back)" :
					  "");
	if (!d->checked)
		return judge_live(in, li->prog_id);
	if (!attached_here(in, li))
		return judge(in, XW_HEALTH_OTHER_NETNS, XW_GC_LEAVE,
			     XW_GC_LEAVE,
			     "link %u is attached to ifindex %u of another network namespace",
			     li->id, li->xdp.ifindex);
	in->xdp_known = in->xdp_known && li->xdp.ifindex == d->ifindex;
	if (!judge_other_device(in, d, li))
		judge_live(in, li->prog_id);
}

/*
 * No link pin and nothing attached, the device there: what --repair does.
 * With the program pinned, a re-run of the install would attach it again
 * with the same maps (sockets and all), so --repair does just that,
 * re-pinning a lost map pin from the program's own maps first.  Maps alone
 * never ran: nothing of the install to restore.  From outside the
 * directory's namespace the device cannot be reached: --netns can.
 */
static enum xw_gc_action relink_action(struct xw_found_install *in,
				       const struct xw_found_dir *d)
{
	struct xw_found_pin *prog = xw_found_prog(in);
	int role;

	if (prog->obj.fd < 0)
		return XW_GC_REMOVE;
	if (!d->checked)
		return XW_GC_LEAVE;
	live_maps(in, xw_pinned_id(&prog->obj));
	for (role = 0; role < in->layout->n_maps; role++) {
		struct xw_found_pin *m = xw_found_map(in, role);

		if (legacy_absent(in, role))
			continue;
		if (!in->map_ids[role] ||
		    (m->obj.fd >= 0 &&
		     xw_pinned_id(&m->obj) != in->map_ids[role]))
			return XW_GC_LEAVE;
	}
	return XW_GC_REATTACH;
}

/*
 * What is attached to an install's device without a link, into in->xdp
 * (xdp_known says whether it could be read); false if the device is gone.
 */
static bool query_device(struct xw_found_install *in,
			 const struct xw_found_dir *d)
{
	struct xw_dev dev = { .ifindex = d->ifindex };

	if (d->checked && !d->ifindex)
		return false;
	if (d->checked) {
		snprintf(dev.name, sizeof(dev.name), "%s", d->device);
		in->xdp_known = !xw_xdp_query(NULL, &dev, &in->xdp);
	}
	return true;
}

static void judge_unlinked(struct xw_found_install *in,
			   const struct xw_found_dir *d)
{
	const struct xw_program *p = xw_program_of(in->layout);
	struct bpf_prog_info pi;

	if (!query_device(in, d))
		return judge(in, XW_HEALTH_STALE, XW_GC_REMOVE, XW_GC_REMOVE,
			     "device %s is gone", d->device);
	if (in->xdp_known && in->xdp.prog_id) {
		if (!xw_prog_info_by_id(in->xdp.prog_id, &pi) &&
		    !strcmp(pi.name, p->prog_name))
			return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE,
				     XW_GC_LEAVE,
				     "program %u is attached to %s without our link pin %s",
				     in->xdp.prog_id, d->device,
				     xw_found_link(in)->spec->name);
		/*
		 * The runtime attaches its veth program first and pins map,
		 * program and link after: these may be its, half-way.
		 */
		if (in->layout == &xw_tunnel_veth_layout)
			return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE,
				     XW_GC_LEAVE,
				     "%s is missing and program %u, not xdpwire's, is attached to %s: the runtime may be wiring it",
				     xw_found_link(in)->spec->name,
				     in->xdp.prog_id, d->device);
	}
	judge(in, XW_HEALTH_BROKEN, XW_GC_REMOVE, relink_action(in, d),
	      "%s is missing and nothing of it is attached: what an install that died half-way leaves",
	      xw_found_link(in)->spec->name);
}

/* The name of the program the install holds or its link runs, or "". */
static void prog_name(struct xw_found_install *in, char *name, size_t size)
{
	struct xw_found_pin *prog = xw_found_prog(in),
			    *link = xw_found_link(in);
	struct bpf_prog_info pi;

	name[0] = '\0';
	if (prog->obj.fd >= 0) {
		snprintf(name, size, "%s", prog->obj.info.prog.name);
		return;
	}
	if (link->obj.fd >= 0 &&
	    !xw_prog_info_by_id(link->obj.info.link.prog_id, &pi))
		snprintf(name, size, "%s", pi.name);
}

/*
 * The runtime pins only the veth's install itself (map, program, link, in
 * that order), with a program of its own: that program is what tells.
 */
static bool runtime_owned(struct xw_found_install *in)
{
	char name[BPF_OBJ_NAME_LEN];

	if (in->layout != &xw_tunnel_veth_layout)
		return false;
	prog_name(in, name, sizeof(name));
	return name[0] && strcmp(name, xw_program_of(in->layout)->prog_name);
}

/*
 * The runtime's install without its link pin.  The runtime attaches before
 * it pins anything, so while it is wiring, a program is on the device:
 * left alone then.  With the device gone or nothing on it, the runtime
 * died half-way or the link pin was removed: nothing xdpwire can restore
 * (the program is the runtime's), and the runtime collects nothing.
 */
static void judge_runtime_unlinked(struct xw_found_install *in,
				   const struct xw_found_dir *d)
{
	const char *link = xw_found_link(in)->spec->name;

	if (!query_device(in, d))
		return judge(in, XW_HEALTH_STALE, XW_GC_REMOVE, XW_GC_REMOVE,
			     "device %s is gone", d->device);
	if (!in->xdp_known || in->xdp.prog_id)
		return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE, XW_GC_LEAVE,
			     "the runtime's install has no %s%s", link,
			     in->xdp_known ?
				     ", and a program is attached: the runtime may be wiring it" :
				     "");
	judge(in, XW_HEALTH_BROKEN, XW_GC_REMOVE, XW_GC_REMOVE,
	      "the runtime's install has no %s and nothing is attached: what a runtime that died half-way leaves",
	      link);
}

/* The runtime's own install: its link and its device say it all. */
static void judge_runtime(struct xw_found_install *in,
			  const struct xw_found_dir *d)
{
	const struct bpf_link_info *li = &xw_found_link(in)->obj.info.link;
	struct xw_dev dev = { .ifindex = d->ifindex };

	if (xw_found_link(in)->obj.fd < 0)
		return judge_runtime_unlinked(in, d);
	in->attached_ifindex = li->xdp.ifindex;
	if (!li->xdp.ifindex)
		return judge(in, XW_HEALTH_STALE, XW_GC_REMOVE, XW_GC_REMOVE,
			     "link %u is detached: its device was deleted",
			     li->id);
	if (!d->checked)
		return judge(in, XW_HEALTH_OK, XW_GC_NONE, XW_GC_NONE, "%s",
			     "");
	/* Seen from a namespace sharing the bpffs: judged where it runs. */
	if (!attached_here(in, li))
		return judge(in, XW_HEALTH_OTHER_NETNS, XW_GC_LEAVE,
			     XW_GC_LEAVE,
			     "link %u is attached to ifindex %u of another network namespace",
			     li->id, li->xdp.ifindex);
	if (judge_other_device(in, d, li))
		return;
	snprintf(dev.name, sizeof(dev.name), "%s", d->device);
	in->xdp_known = !xw_xdp_query(NULL, &dev, &in->xdp);
	judge(in, XW_HEALTH_OK, XW_GC_NONE, XW_GC_NONE, "%s", "");
}

/*
 * Our veth install sends the sandbox's frames to the NIC in slot 0 of its
 * map.  Without the NIC's own install (removed, or an --unpin of the node
 * killed half-way) it is half a tunnel that nothing would ever remove:
 * stale.  The NIC's directory is the veth's sibling; it is only looked
 * at, not locked (the lock order is NIC first).
 */
static void judge_node(struct xw_found_install *in, const struct xw_pindir *dir)
{
	const struct xw_found_pin *m = xw_found_map(in, XW_MAP_TARGETS);
	const char *link = xw_tunnel_host_layout.link.name;
	char name[IF_NAMESIZE], dirname[IFNAMSIZ], path[2 * NAME_MAX + 2];
	uint32_t key = 0, nic = 0;
	struct stat st;

	if (in->layout != &xw_tunnel_veth_layout || in->runtime ||
	    in->health != XW_HEALTH_OK || m->obj.fd < 0)
		return;
	if (bpf_map_lookup_elem(m->obj.fd, &key, &nic) && errno != ENOENT)
		return; /* unknown: judged by its pins and link */
	if (!nic)
		return judge(in, XW_HEALTH_STALE, XW_GC_REMOVE, XW_GC_REMOVE,
			     "%s has no NIC in slot 0: the sandbox is wired to nothing",
			     m->spec->name);
	if (!if_indextoname(nic, name))
		return judge(in, XW_HEALTH_STALE, XW_GC_REMOVE, XW_GC_REMOVE,
			     "%s points at ifindex %u, which is no device",
			     m->spec->name, nic);
	xw_ifname_to_dirname(name, dirname);
	snprintf(path, sizeof(path), "%s/%s", dirname, link);
	if (dir->parent_fd >= 0 &&
	    fstatat(dir->parent_fd, path, &st, AT_SYMLINK_NOFOLLOW) &&
	    errno == ENOENT)
		judge(in, XW_HEALTH_STALE, XW_GC_REMOVE, XW_GC_REMOVE,
		      "its NIC %s (ifindex %u) has no tunnel host install (no %s): the node's install was removed",
		      name, nic, link);
}

/*
 * A run killed while it swapped the link in (install.h): its re-run
 * finishes it, keeping the maps and the sockets in them, so it is never
 * collected; true if judged so.  A device that is gone makes the install
 * stale whatever the run was doing.
 */
static bool judge_killed_swap(struct xw_found_install *in,
			      const struct xw_found_dir *d)
{
	struct xw_found_pin *link = xw_found_link(in);
	bool detached = link->obj.fd < 0 || !link->obj.info.link.xdp.ifindex;

	if (in->swap_link_id) {
		judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE, XW_GC_RELINK,
		      "link %u is attached to %s but pinned at %s%s: an install killed as it swapped its link pin; its re-run finishes it",
		      in->swap_link_id, d->device, XW_SWAP_PREFIX,
		      link->spec->name);
		return true;
	}
	if (!in->detach_record || !detached || (d->checked && !d->ifindex))
		return false;
	judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE,
	      xw_found_prog(in)->obj.fd >= 0 && d->checked ? XW_GC_REATTACH :
							     XW_GC_LEAVE,
	      "%s was detached by a mode change killed half-way, not by a device deletion (%s%s records it); its re-run finishes it",
	      link->spec->name, XW_DETACHED_PREFIX, link->spec->name);
	return true;
}

static void judge_install(struct xw_found_install *in,
			  const struct xw_found_dir *d)
{
	int k;

	for (k = 0; k < XW_PIN_MAPS + in->layout->n_maps; k++)
		if (in->pins[k].problem[0])
			return judge(in, XW_HEALTH_BROKEN, XW_GC_LEAVE,
				     XW_GC_LEAVE, "%s: %s",
				     in->pins[k].spec->name,
				     in->pins[k].problem);
	in->runtime = runtime_owned(in);
	if (!in->runtime && judge_killed_swap(in, d))
		return;
	if (in->runtime)
		judge_runtime(in, d);
	else if (xw_found_link(in)->obj.fd >= 0)
		judge_linked(in, d);
	else
		judge_unlinked(in, d);
}

static bool names_pin(const struct xw_layout *l, const char *name)
{
	int k;

	if (!strcmp(name, l->link.name) || !strcmp(name, l->prog.name))
		return true;
	for (k = 0; k < l->n_maps; k++)
		if (!strcmp(name, l->maps[k].name))
			return true;
	return false;
}

/* The detach record or temporary pin of l's link (install.h). */
static bool names_aside(const struct xw_layout *l, const char *name)
{
	char aside[NAME_MAX + 1];

	xw_link_aside_name(l, XW_DETACHED_PREFIX, aside, sizeof(aside));
	if (!strcmp(name, aside))
		return true;
	xw_link_aside_name(l, XW_SWAP_PREFIX, aside, sizeof(aside));
	return !strcmp(name, aside);
}

static int add_name(char (**list)[NAME_MAX + 1], int *n, const char *name)
{
	char(*grown)[NAME_MAX + 1] =
		realloc(*list, (size_t)(*n + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	snprintf(grown[*n], sizeof(grown[*n]), "%s", name);
	*list = grown;
	(*n)++;
	return 0;
}

/* Sorts the entries into installs' pins, temporaries and foreign ones. */
static int sort_entries(const struct xw_pindir *dir, struct xw_found_dir *d,
			bool *layouts_present)
{
	const struct xw_layout *const *l;
	struct dirent *e;
	int fd, err = 0, k;
	bool ours;
	DIR *dp;

	fd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dp = fd < 0 ? NULL : fdopendir(fd);
	if (!dp) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	while (!err && (e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ours = false;
		for (l = xw_layouts, k = 0; *l; l++, k++)
			if (names_pin(*l, e->d_name) ||
			    names_aside(*l, e->d_name))
				ours = layouts_present[k] = true;
		if (ours)
			continue;
		if (!strncmp(e->d_name, XW_TMP_PREFIX, strlen(XW_TMP_PREFIX)))
			err = add_name(&d->temporary, &d->n_temporary,
				       e->d_name);
		else
			err = add_name(&d->foreign, &d->n_foreign, e->d_name);
	}
	closedir(dp);
	return err;
}

/*
 * The link's temporary pin (its detach record is xw_found_read's): a new
 * link attached to the device there is the install's to finish, anything
 * else there a temporary to remove.
 */
static int find_asides(const struct xw_pindir *dir, struct xw_found_dir *d,
		       struct xw_found_install *in)
{
	enum xw_pin_problem problem;
	char name[NAME_MAX + 1];
	struct xw_pinned p;
	struct stat sb;
	int err;

	xw_link_aside_name(in->layout, XW_SWAP_PREFIX, name, sizeof(name));
	if (fstatat(dir->fd, name, &sb, AT_SYMLINK_NOFOLLOW))
		return 0;
	err = xw_pin_probe(dir, name, &p, &problem);
	if (!err && p.fd >= 0 && p.kind == XW_OBJ_LINK &&
	    p.info.link.type == in->layout->link.type && d->checked &&
	    d->ifindex && p.info.link.xdp.ifindex == d->ifindex)
		in->swap_link_id = p.info.link.id;
	if (!err)
		xw_pinned_close(&p);
	return in->swap_link_id ?
		       0 :
		       add_name(&d->temporary, &d->n_temporary, name);
}

/* A detach record beside a link pin that is attached has served. */
static int list_spent_record(struct xw_found_dir *d,
			     struct xw_found_install *in)
{
	const struct xw_found_pin *link = xw_found_link(in);
	char name[NAME_MAX + 1];

	if (!in->detach_record || in->swap_link_id || link->obj.fd < 0 ||
	    !link->obj.info.link.xdp.ifindex)
		return 0;
	xw_link_aside_name(in->layout, XW_DETACHED_PREFIX, name, sizeof(name));
	return add_name(&d->temporary, &d->n_temporary, name);
}

/* The sandboxes of d's tunnel host install, if it has one: sandboxes.h. */
static void read_sandboxes(const struct xw_pindir *dir, struct xw_found_dir *d,
			   const struct xw_found_install *in)
{
	struct xw_sandbox_list *list;

	if (in->layout != &xw_tunnel_host_layout)
		return;
	list = calloc(1, sizeof(*list));
	d->sandboxes_err = list ? xw_sandboxes_read(dir, d, in, list) : -ENOMEM;
	if (d->sandboxes_err)
		free(list);
	else
		d->sandboxes = list;
}

int xw_health_inspect(struct xw_ctx *ctx, const struct xw_pindir *dir,
		      const char *device, bool checked, struct xw_found_dir *d)
{
	bool present[XW_N_LAYOUTS] = { false };
	const struct xw_layout *const *l;
	int k, err;

	memset(d, 0, sizeof(*d));
	snprintf(d->device, sizeof(d->device), "%s", device);
	d->checked = checked;
	if (checked)
		d->ifindex = if_nametoindex(device);
	err = sort_entries(dir, d, present);
	if (err)
		return xw_fail_errno(ctx, -err, dir->path, "cannot list");
	for (l = xw_layouts, k = 0; *l; l++, k++) {
		struct xw_found_install *in = &d->installs[d->n_installs];

		if (!present[k])
			continue;
		d->n_installs++;
		xw_found_read(dir, *l, in);
		err = find_asides(dir, d, in);
		if (err)
			return xw_fail_errno(ctx, -err, dir->path,
					     "cannot list");
		judge_install(in, d);
		err = list_spent_record(d, in);
		if (err)
			return xw_fail_errno(ctx, -err, dir->path,
					     "cannot list");
		if (checked)
			judge_node(in, dir);
		read_sandboxes(dir, d, in);
	}
	return 0;
}

void xw_health_unjudged(struct xw_found_dir *d, const char *why)
{
	int k;

	for (k = 0; k < d->n_installs; k++)
		if (d->installs[k].health == XW_HEALTH_OK)
			judge(&d->installs[k], XW_HEALTH_OTHER_NETNS,
			      XW_GC_NONE, XW_GC_NONE, "%s", why);
}

void xw_health_free(struct xw_found_dir *d)
{
	int k;

	for (k = 0; k < d->n_installs; k++)
		xw_found_close(&d->installs[k]);
	free(d->foreign);
	free(d->temporary);
	d->foreign = d->temporary = NULL;
	if (d->sandboxes)
		xw_sandboxes_free(d->sandboxes);
	free(d->sandboxes);
	d->sandboxes = NULL;
}
