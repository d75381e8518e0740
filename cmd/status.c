/*
 * status: every install under the bpffs root (or one device's), what the
 * kernel says of it, and one health word each.  Changes nothing.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "../bpf/xw_abi.h"
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

static const struct argp_child children[] = { XW_COMMON_CHILDREN, { 0 } };

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct xw_common_opts *o = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	xw_common_init_children(state, o);
	return 0;
}

static const struct argp argp = {
	NULL,
	parse_opt,
	NULL,
	"Show every install of xdpwire under the bpffs root (or --device's): "
	"its program, attach mode and link, its maps' slots and counters, "
	"and one health word: ok, stale (the device is gone or the link "
	"detached), broken (a pin missing or wrong, or the program attached "
	"without our pins); entries that belong to no install are foreign.  "
	"Directories of other network namespaces are shown too, judged by "
	"their links only; --netns judges one namespace fully.  Changes "
	"nothing.\v"
	"Examples:\n"
	"  xdpwire status\n"
	"  xdpwire status -j --device eth0",
	children,
	xw_help_filter,
	NULL
};

static const struct xw_common_opts defaults = { .device = NULL };

const struct xw_cmd_parser status_parser = { &argp,
					     sizeof(struct xw_common_opts),
					     &defaults };

static const char *const counter_names[XW_CNT_MAX] = {
	[XW_CNT_FORWARDED] = "forwarded",
	[XW_CNT_PASS_PORT] = "pass_port",
	[XW_CNT_NO_TARGET] = "no_target",
	[XW_CNT_MALFORMED] = "malformed",
};

struct status_walk {
	/* Kept as text: a tree per install would cost ~15 KiB each. */
	struct json_object *dirs;
	FILE *table; /* the text output's rows, printed after the walk */
	size_t n_installs, n_ok;
	const struct xw_common_opts *opts;
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

static int show_dir(struct xw_ctx *ctx, struct xw_pindir *dir,
		    const char *device, bool checked, void *arg)
{
	struct status_walk *w = arg;
	struct json_object *o, *installs;
	struct xw_found_dir d;
	int k, err;

	err = xw_health_inspect(ctx, dir, device, checked, &d);
	if (err)
		return err;
	/* A directory of others' pins only is none of ours to show. */
	if (!d.n_installs && !d.n_temporary && d.n_foreign) {
		xw_health_free(&d);
		return 0;
	}
	o = json_object_new_object();
	add(o, "path", json_object_new_string(dir->path));
	add(o, "device", json_object_new_string(d.device));
	add(o, "netns", str_or_null(dir->prefix));
	add(o, "ifindex", d.ifindex ? json_object_new_uint64(d.ifindex) : NULL);
	add(o, "checked", json_object_new_boolean(checked));
	installs = json_object_new_array();
	for (k = 0; k < d.n_installs; k++) {
		struct json_object *io = install_json(ctx, &d, &d.installs[k]);

		add(io, "owner",
		    json_object_new_string(d.installs[k].runtime ? "runtime" :
								   "xdpwire"));
		add_repair(io, w, dir, &d, &d.installs[k]);
		json_object_array_add(installs, io);
		w->n_installs++;
		w->n_ok += d.installs[k].health == XW_HEALTH_OK;
	}
	add(o, "installs", installs);
	add(o, "foreign", names_json(d.foreign, d.n_foreign));
	add(o, "temporary", names_json(d.temporary, d.n_temporary));
	add(o, "empty",
	    json_object_new_boolean(!d.n_installs && !d.n_temporary &&
				    !d.n_foreign));
	if (w->table)
		xw_status_print_dir(w->table, o);
	xw_health_free(&d);
	err = xw_json_text_add(w->dirs, o);
	json_object_put(o);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the report");
	return 0;
}

int cmd_status(struct xw_ctx *ctx, void *opts)
{
	struct xw_common_opts *c = opts;
	struct status_walk w = { xw_json_text_array(), NULL, 0, 0, c };
	char prefix[32], *table = NULL;
	size_t table_len = 0;
	int err = 0;

	/* Rows wait for the walk: a failed run prints only its error. */
	if (!ctx->json && !ctx->quiet) {
		w.table = open_memstream(&table, &table_len);
		if (!w.table)
			err = -ENOMEM;
	}
	if (!w.dirs || err) {
		json_object_put(w.dirs);
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the report");
	}
	err = xw_netns_pin_prefix(&c->ns, prefix, sizeof(prefix));
	if (!err)
		err = xw_pinwalk(ctx, &c->fs, prefix,
				 c->have_dev ? c->dev.name : NULL, show_dir,
				 &w);
	if (w.table)
		fclose(w.table);
	if (!err && table_len) {
		xw_status_print_header(stdout);
		fwrite(table, 1, table_len, stdout);
	}
	free(table);
	if (err) {
		json_object_put(w.dirs);
		return err;
	}
	xw_out_str(ctx, "bpffs", c->fs.path);
	xw_out_json(ctx, "directories", w.dirs);
	xw_summary(ctx, "%zu install(s), %zu ok, %zu not", w.n_installs, w.n_ok,
		   w.n_installs - w.n_ok);
	return 0;
}
