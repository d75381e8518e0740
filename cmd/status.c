/*
 * status: every install under the bpffs root (or one device's), what the
 * kernel says of it, and one health word each, judged in the network
 * namespace the install belongs to.  Changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "../bpf/xw_abi.h"
#include "../common/caps.h"
#include "../common/bpffs.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/health.h"
#include "../common/json_text.h"
#include "../common/netns.h"
#include "../common/pinwalk.h"
#include "../common/repair_cmd.h"
#include "../common/status_text.h"
#include "../common/xsk_diag.h"
#include "cmds.h"

struct status_opts {
	struct xw_common_opts common;
	bool check;
};

static const struct xw_option options[] = {
	XW_OPTION("check", XW_OPT_FLAG, struct status_opts, check,
		  .help = "Exit 1 when an install shown is not ok (for health probes); the output is the same"),
	{ 0 }
};

/* -q silences the table, which only --check makes meaningful. */
static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	const struct status_opts *o = opts;

	if (ctx->quiet && !o->check) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "-q/--quiet",
			"does not apply to status without --check (see --help)");
		return EINVAL;
	}
	return 0;
}

static const struct status_opts defaults = { .check = false };

const struct xw_cmd xw_cmd_status = {
	XW_CMD_PARTS(status),
	/*
	 * The health of an install is read through the ids its link and
	 * program name (BPF_*_GET_FD_BY_ID), which only CAP_SYS_ADMIN may
	 * use: without it every install would look broken.
	 */
	.need = { .caps = XW_CAP(CAP_SYS_ADMIN),
		  .why = "status reads programs and maps by id" },
	.name = "status",
	.synopsis = "every install's pins, programs, maps and health",
	.doc = "Show every install of xdpwire under the bpffs root (or --device's): "
	       "its program, attach mode and link, its maps' slots and counters, "
	       "and one health word: ok, stale (the device is gone or the link "
	       "detached), broken (a pin missing or wrong, or the program attached "
	       "without our pins), other-netns (attached in a network namespace "
	       "that could not be found to judge it in); entries that belong to no "
	       "install are foreign.  Each install is judged in its own namespace: "
	       "netns:<inode>/ directories in the namespace of that inode, a link "
	       "attached elsewhere in the namespace that has the device.  With "
	       "--check, exit 1 unless every install shown is ok.  Changes "
	       "nothing.\v"
	       "Examples:\n"
	       "  xdpwire status\n"
	       "  xdpwire status -j --device eth0\n"
	       "  xdpwire status --check -q --device eth0",
	.check = check_options,
	.needs = XW_NEEDS_BPFFS | XW_DEVICE_MAY_BE_GONE,
};

static const char *const counter_names[XW_CNT_MAX] = {
	[XW_CNT_FORWARDED] = "forwarded",
	[XW_CNT_PASS_PORT] = "pass_port",
	[XW_CNT_NO_TARGET] = "no_target",
	[XW_CNT_MALFORMED] = "malformed",
};

struct status_walk {
	/* Kept as text: a tree per install would cost ~15 KiB each. */
	struct json_object *dirs;
	struct xw_status_table *table; /* the text output's rows, or NULL */
	size_t n_dirs, n_installs, n_ok;
	int home; /* the namespace status runs in, to come back to */
	uint64_t home_ino;
	const struct xw_common_opts *opts; /* for the repair commands */
};

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *counters_json(int fd)
{
	int ncpus = libbpf_num_possible_cpus(), c;
	struct json_object *o = json_object_new_object();
	__u64 *values;
	__u32 key;

	if (ncpus <= 0 || !(values = calloc((size_t)ncpus, sizeof(*values))))
		return NULL;
	for (key = 0; key < XW_CNT_MAX; key++) {
		__u64 sum = 0;

		if (!bpf_map_lookup_elem(fd, &key, values))
			for (c = 0; c < ncpus; c++)
				sum += values[c];
		add(o, counter_names[key], json_object_new_uint64(sum));
	}
	free(values);
	return o;
}

/* A DEVMAP's occupied slots, with the device each names. */
static struct json_object *devmap_slots(int fd, __u32 entries)
{
	struct json_object *slots = json_object_new_array();
	char name[IF_NAMESIZE];
	__u32 key, ifindex;

	for (key = 0; key < entries; key++) {
		struct json_object *s;

		if (bpf_map_lookup_elem(fd, &key, &ifindex) || !ifindex)
			continue;
		s = json_object_new_object();
		add(s, "key", json_object_new_uint64(key));
		add(s, "ifindex", json_object_new_uint64(ifindex));
		add(s, "device", str_or_null(if_indextoname(ifindex, name)));
		json_object_array_add(slots, s);
	}
	return slots;
}

/* An XSKMAP's queues and the AF_XDP sockets bound to each. */
static struct json_object *xsk_slots(struct xw_ctx *ctx, uint32_t ifindex,
				     __u32 entries)
{
	struct json_object *slots = json_object_new_array();
	uint32_t *bound = calloc(entries ?: 1, sizeof(*bound));
	bool known;
	__u32 q;

	if (!bound)
		return slots;
	known = ifindex && !xw_xsk_bound(ctx, ifindex, bound, entries);
	for (q = 0; q < entries; q++) {
		struct json_object *s = json_object_new_object();

		add(s, "queue", json_object_new_uint64(q));
		add(s, "sockets_bound",
		    known ? json_object_new_uint64(bound[q]) : NULL);
		json_object_array_add(slots, s);
	}
	free(bound);
	return slots;
}

static struct json_object *map_json(struct xw_ctx *ctx,
				    const struct xw_found_dir *d,
				    struct xw_found_pin *p)
{
	const struct bpf_map_info *mi = &p->obj.info.map;
	struct json_object *m = json_object_new_object();

	add(m, "id", json_object_new_uint64(mi->id));
	add(m, "type", str_or_null(libbpf_bpf_map_type_str(mi->type)));
	add(m, "entries", json_object_new_uint64(mi->max_entries));
	if (mi->type == BPF_MAP_TYPE_DEVMAP && d->checked)
		add(m, "slots", devmap_slots(p->obj.fd, mi->max_entries));
	else if (mi->type == BPF_MAP_TYPE_XSKMAP && d->checked)
		add(m, "slots", xsk_slots(ctx, d->ifindex, mi->max_entries));
	else if (mi->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		add(m, "counters", counters_json(p->obj.fd));
	return m;
}

static struct json_object *program_json(struct xw_found_install *in)
{
	struct xw_found_pin *link = xw_found_link(in);
	struct bpf_prog_info pi, *info = NULL;
	struct json_object *p;
	char tag[2 * BPF_TAG_SIZE + 1];
	int fd, k;

	if (xw_found_prog(in)->obj.fd >= 0) {
		info = &xw_found_prog(in)->obj.info.prog;
	} else if (link->obj.fd >= 0) {
		fd = bpf_prog_get_fd_by_id(link->obj.info.link.prog_id);
		if (fd >= 0 && !xw_obj_info(fd, XW_OBJ_PROG, &pi))
			info = &pi;
		if (fd >= 0)
			close(fd);
	}
	if (!info)
		return NULL;
	for (k = 0; k < BPF_TAG_SIZE; k++)
		snprintf(tag + 2 * k, 3, "%02x", info->tag[k]);
	p = json_object_new_object();
	add(p, "id", json_object_new_uint64(info->id));
	add(p, "tag", json_object_new_string(tag));
	add(p, "name", json_object_new_string(info->name));
	return p;
}

static struct json_object *link_json(const struct xw_found_dir *d,
				     struct xw_found_install *in)
{
	struct xw_found_pin *link = xw_found_link(in);
	struct json_object *l;

	if (link->obj.fd < 0)
		return NULL;
	l = json_object_new_object();
	add(l, "id", json_object_new_uint64(link->obj.info.link.id));
	add(l, "attached", json_object_new_boolean(in->attached_ifindex));
	add(l, "ifindex",
	    in->attached_ifindex ?
		    json_object_new_uint64(in->attached_ifindex) :
		    NULL);
	add(l, "device", str_or_null(in->attached_name));
	add(l, "is_named_device",
	    d->checked ? json_object_new_boolean(in->attached_ifindex &&
						 in->attached_ifindex ==
							 d->ifindex) :
			 NULL);
	return l;
}

static struct json_object *install_json(struct xw_ctx *ctx,
					const struct xw_found_dir *d,
					struct xw_found_install *in)
{
	struct json_object *o = json_object_new_object();
	struct json_object *pins = json_object_new_object();
	struct json_object *maps = json_object_new_object();
	int k;

	add(o, "kind", json_object_new_string(in->layout->kind));
	add(o, "health", json_object_new_string(xw_health_name(in->health)));
	add(o, "why", str_or_null(in->why));
	add(o, "program", program_json(in));
	add(o, "mode",
	    in->xdp_known && in->xdp.prog_id ?
		    json_object_new_string(xw_mode_name(in->xdp.mode)) :
		    NULL);
	add(o, "link", link_json(d, in));
	for (k = 0; k < 2 + in->layout->n_maps; k++) {
		struct xw_found_pin *p = &in->pins[k];

		add(pins, p->spec->name,
		    json_object_new_string(p->problem[0] ? p->problem :
					   p->present	 ? "present" :
							   "missing"));
		if (k >= 2 && p->obj.fd >= 0)
			add(maps, p->spec->name, map_json(ctx, d, p));
	}
	add(o, "pins", pins);
	add(o, "maps", maps);
	add(o, "pin_gc", json_object_new_string(xw_gc_action_name(in->gc)));
	add(o, "pin_gc_repair",
	    json_object_new_string(xw_gc_action_name(in->repair)));
	return o;
}

/* "repair": the command that repairs an unhealthy install, or null. */
static void add_repair(struct json_object *o, const struct status_walk *w,
		       const struct xw_pindir *dir,
		       const struct xw_found_dir *d,
		       const struct xw_found_install *in)
{
	const struct xw_repair_scope scope = { w->opts->fs.path, w->opts->netns,
					       dir->prefix };
	char cmd[PATH_MAX + 256];

	add(o, "repair",
	    xw_repair_command(&scope, d, in, cmd, sizeof(cmd)) ?
		    json_object_new_string(cmd) :
		    NULL);
}

static struct json_object *names_json(char (*names)[NAME_MAX + 1], int n)
{
	struct json_object *a = json_object_new_array();
	int k;

	for (k = 0; k < n; k++)
		json_object_array_add(a, json_object_new_string(names[k]));
	return a;
}

/* Adds the report of d, inspected in the namespace this runs in. */
static int report_dir(struct xw_ctx *ctx, struct status_walk *w,
		      struct xw_pindir *dir, struct xw_found_dir *d,
		      const char *judged_in)
{
	struct json_object *o, *installs;
	int k, err = 0;

	/* A directory of others' pins only is none of ours to show. */
	if (!d->n_installs && !d->n_temporary && d->n_foreign) {
		xw_health_free(d);
		return 0;
	}
	o = json_object_new_object();
	add(o, "path", json_object_new_string(dir->path));
	add(o, "device", json_object_new_string(d->device));
	add(o, "netns", str_or_null(dir->prefix));
	add(o, "judged_in", str_or_null(judged_in));
	add(o, "ifindex",
	    d->ifindex ? json_object_new_uint64(d->ifindex) : NULL);
	add(o, "checked", json_object_new_boolean(d->checked));
	installs = json_object_new_array();
	for (k = 0; k < d->n_installs; k++) {
		struct xw_found_install *in = &d->installs[k];
		struct json_object *io = install_json(ctx, d, in);

		add(io, "owner",
		    json_object_new_string(in->runtime ? "runtime" :
							 "xdpwire"));
		add_repair(io, w, dir, d, in);
		json_object_array_add(installs, io);
		w->n_installs++;
		w->n_ok += d->installs[k].health == XW_HEALTH_OK;
	}
	add(o, "installs", installs);
	add(o, "foreign", names_json(d->foreign, d->n_foreign));
	add(o, "temporary", names_json(d->temporary, d->n_temporary));
	add(o, "empty",
	    json_object_new_boolean(!d->n_installs && !d->n_temporary &&
				    !d->n_foreign));
	if (w->table)
		err = xw_status_table_add_dir(w->table, o);
	xw_health_free(d);
	if (!err)
		err = xw_json_text_add(w->dirs, o);
	json_object_put(o);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the report");
	return 0;
}

static int go_home(struct xw_ctx *ctx, const struct status_walk *w)
{
	/* Anything after this would look up devices in the wrong place. */
	if (setns(w->home, CLONE_NEWNET))
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot return to own network namespace");
	return 0;
}

/*
 * Judges dir fully inside the namespace fd (found at path) and comes
 * back.  status is single-threaded, so moving the process is safe; every
 * socket that looks devices up is opened afresh inside.  A namespace that
 * cannot be entered (another user namespace's) returns the errno, > 0,
 * and nothing is reported: the caller judges without it.
 */
static int report_in(struct xw_ctx *ctx, struct status_walk *w, int fd,
		     const char *path, struct xw_pindir *dir,
		     const char *device)
{
	struct xw_found_dir d;
	int err;

	if (setns(fd, CLONE_NEWNET)) {
		err = errno;
		xw_debug(ctx, 1, "%s: cannot enter network namespace %s: %s",
			 dir->path, path, strerror(err));
		return err;
	}
	xw_debug(ctx, 1, "%s: judged in network namespace %s", dir->path, path);
	err = xw_health_inspect(ctx, dir, device, true, &d);
	if (!err)
		err = report_dir(ctx, w, dir, &d, path);
	if (go_home(ctx, w))
		return -EIO;
	return err;
}

/* A netns:<inode>/ directory: judged in that namespace if it is found. */
static int show_prefixed(struct xw_ctx *ctx, struct status_walk *w,
			 struct xw_pindir *dir, const char *device)
{
	uint64_t ino = xw_netns_prefix_ino(dir->prefix);
	char path[PATH_MAX], why[200];
	struct xw_found_dir d;
	int fd, err;

	if (ino && ino == w->home_ino) {
		err = xw_health_inspect(ctx, dir, device, true, &d);
		return err ?: report_dir(ctx, w, dir, &d, NULL);
	}
	fd = ino ? xw_netns_find(ino, path, sizeof(path)) : -ENOENT;
	if (fd >= 0) {
		err = report_in(ctx, w, fd, path, dir, device);
		close(fd);
		if (err <= 0)
			return err;
		snprintf(why, sizeof(why),
			 "network namespace %s cannot be entered (%s): judged by its pins and link only",
			 dir->prefix, strerror(err));
	} else {
		xw_debug(ctx, 1, "%s: network namespace not found", dir->path);
		snprintf(why, sizeof(why),
			 "network namespace %s not found under /run/netns or /proc: judged by its pins and link only",
			 dir->prefix);
	}
	err = xw_health_inspect(ctx, dir, device, false, &d);
	if (err)
		return err;
	xw_health_unjudged(&d, why);
	return report_dir(ctx, w, dir, &d, NULL);
}

/* What a namespace must have to be where an install's link is attached. */
struct link_home {
	const char *device;
	uint32_t ifindex, prog_id;
	uint64_t skip; /* status's own namespace, already asked */
	int fd;
	char path[PATH_MAX];
};

static int has_link(int fd, uint64_t ino, const char *path, void *arg)
{
	struct link_home *h = arg;
	struct xw_dev dev = { .ifindex = h->ifindex };
	struct xw_xdp_state st;

	if (ino == h->skip || setns(fd, CLONE_NEWNET))
		return 0;
	if (if_nametoindex(h->device) != h->ifindex ||
	    xw_xdp_query(NULL, &dev, &st) || st.prog_id != h->prog_id)
		return 0;
	h->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	snprintf(h->path, sizeof(h->path), "%s", path);
	return h->fd >= 0;
}

/*
 * A directory at the root whose link is attached in another namespace: an
 * install made by a run started inside that namespace, on a bpffs shared
 * with ours.  The namespace where the device of that name has the link's
 * ifindex and runs its program is the install's own.
 */
static int show_elsewhere(struct xw_ctx *ctx, struct status_walk *w,
			  struct xw_pindir *dir, const char *device,
			  struct xw_found_dir *d)
{
	struct link_home h = { .device = device,
			       .skip = w->home_ino,
			       .fd = -1 };
	int k, err;

	for (k = 0; k < d->n_installs; k++) {
		const struct bpf_link_info *li =
			&xw_found_link(&d->installs[k])->obj.info.link;

		if (d->installs[k].health != XW_HEALTH_OTHER_NETNS)
			continue;
		h.ifindex = li->xdp.ifindex;
		h.prog_id = li->prog_id;
		break;
	}
	xw_netns_each(has_link, &h);
	if (go_home(ctx, w)) {
		if (h.fd >= 0)
			close(h.fd);
		xw_health_free(d);
		return -EIO;
	}
	if (h.fd < 0) {
		xw_debug(ctx, 1, "%s: no namespace has %s at ifindex %u",
			 dir->path, device, h.ifindex);
		return report_dir(ctx, w, dir, d, NULL);
	}
	err = report_in(ctx, w, h.fd, h.path, dir, device);
	close(h.fd);
	if (err > 0)
		return report_dir(ctx, w, dir, d, NULL);
	xw_health_free(d);
	return err;
}

static int show_dir(struct xw_ctx *ctx, struct xw_pindir *dir,
		    const char *device, bool checked, void *arg)
{
	struct status_walk *w = arg;
	struct xw_found_dir d;
	int err;

	w->n_dirs++;
	if (!checked)
		return show_prefixed(ctx, w, dir, device);
	err = xw_health_inspect(ctx, dir, device, true, &d);
	if (err)
		return err;
	if (xw_health_elsewhere(&d))
		return show_elsewhere(ctx, w, dir, device, &d);
	return report_dir(ctx, w, dir, &d, NULL);
}

static int open_home(struct xw_ctx *ctx, struct status_walk *w)
{
	struct stat st;

	w->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->home < 0 || fstat(w->home, &st))
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot open own network namespace");
	w->home_ino = st.st_ino;
	return 0;
}

int cmd_status(struct xw_ctx *ctx, void *opts)
{
	struct status_opts *o = opts;
	struct xw_common_opts *c = &o->common;
	struct status_walk w = {
		.dirs = xw_json_text_array(),
		.home = -1,
		.opts = c,
	};
	char prefix[32];
	int err = 0;

	/* Rows wait for the walk: a failed run prints only its error. */
	if (!ctx->json && !ctx->quiet) {
		w.table = xw_status_table_new();
		if (!w.table)
			err = -ENOMEM;
	}
	if (!w.dirs || err) {
		json_object_put(w.dirs);
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the report");
	}
	err = open_home(ctx, &w);
	if (!err)
		err = xw_netns_pin_prefix(&c->ns, prefix, sizeof(prefix));
	if (!err)
		err = xw_pinwalk(ctx, &c->fs, prefix,
				 c->have_dev ? c->dev.name : NULL, show_dir,
				 &w);
	/* A typo must not pass for a device with nothing installed. */
	if (!err && c->have_dev && !c->dev.ifindex && !w.n_dirs)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, c->dev.name,
			      "no such device and nothing pinned for it");
	if (w.home >= 0)
		close(w.home);
	if (!err && w.table)
		xw_status_table_print(w.table, stdout);
	xw_status_table_free(w.table);
	if (err) {
		json_object_put(w.dirs);
		return err;
	}
	xw_out_str(ctx, "bpffs", c->fs.path);
	xw_out_json(ctx, "directories", w.dirs);
	xw_summary(ctx, "%zu install(s), %zu ok, %zu not", w.n_installs, w.n_ok,
		   w.n_installs - w.n_ok);
	if (o->check && w.n_ok < w.n_installs)
		ctx->result_code = XW_EXIT_NOT_OK;
	return 0;
}
