/*
 * The status document: one directory's installs as found and judged
 * (health.h), with what the kernel says of their programs, links and maps,
 * as status -j shows it and the text table (status_text.c) reads it.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "bpf/xw_abi.h"
#include "core/json.h"
#include "inspect/health.h"
#include "inspect/inspect.h"
#include "inspect/kinds.h"
#include "inspect/repair_cmd.h"
#include "inspect/sandboxes.h"
#include "inspect/status.h"
#include "pins/bpffs.h"
#include "pins/owner_table.h"
#include "pins/xdp_mode.h"
#include "xsk/xsk_diag.h"

static const char *const counter_names[XW_CNT_MAX] = {
	[XW_CNT_FORWARDED] = "forwarded",
	[XW_CNT_PASS_PORT] = "pass_port",
	[XW_CNT_NO_TARGET] = "no_target",
	[XW_CNT_MALFORMED] = "malformed",
};

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
		xw_json_add(o, counter_names[key], json_object_new_uint64(sum));
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
		xw_json_add_u64(s, "key", key);
		xw_json_add_u64(s, "ifindex", ifindex);
		xw_json_add(s, "device",
			    xw_json_str_nonempty(
				    if_indextoname(ifindex, name)));
		json_object_array_add(slots, s);
	}
	return slots;
}

/*
 * An XSKMAP's queues and the AF_XDP sockets bound to each (the kernel does
 * not let user space read an XSKMAP: the sockets a slot can usefully hold).
 */
static struct json_object *xsk_slots(struct xw_ctx *ctx, uint32_t ifindex,
				     __u32 entries)
{
	struct json_object *slots = json_object_new_array();
	uint32_t *bound = calloc(entries ?: 1, sizeof(*bound));
	bool known;
	__u32 q;

	if (!bound)
		return slots;
	/*
	 * Without AF_XDP sock_diag (a common kernel build), the netdev
	 * family's queue list still says whether a socket is bound to a
	 * queue (Linux 6.14 and later): 1 then means at least one.
	 */
	known = ifindex && (!xw_xsk_bound(ctx, ifindex, bound, entries) ||
			    !xw_xsk_queues_bound(ifindex, bound, entries));
	for (q = 0; q < entries; q++) {
		struct json_object *s = json_object_new_object();

		xw_json_add_u64(s, "queue", q);
		xw_json_add(s, "sockets_bound",
			    known ? json_object_new_uint64(bound[q]) : NULL);
		json_object_array_add(slots, s);
	}
	free(bound);
	return slots;
}

/*
 * Keys of a hash-like map (DEVMAP_HASH), at most max_entries of them: a
 * walk by index would probe keys that mean nothing to it.
 */
static uint32_t hash_keys(int fd, uint32_t max_entries)
{
	uint32_t key, next, n;
	void *prev = NULL;

	for (n = 0; n < max_entries; n++) {
		if (bpf_map_get_next_key(fd, prev, &next))
			break;
		key = next;
		prev = &key;
	}
	return n;
}

/* An owner table (owner_table.h): an ARRAY whose slots are not entries. */
static bool owner_table(const struct xw_found_pin *p)
{
	return !strcmp(p->spec->name, XW_PIN_OWNERS4) ||
	       !strcmp(p->spec->name, XW_PIN_OWNERS6);
}

/* "used": the entries in use of a table sized for many, or null. */
static struct json_object *used_json(struct xw_found_pin *p)
{
	const struct bpf_map_info *mi = &p->obj.info.map;
	struct xw_owner_usage u;

	if (mi->type == BPF_MAP_TYPE_DEVMAP_HASH)
		return json_object_new_uint64(
			hash_keys(p->obj.fd, mi->max_entries));
	if (xw_owner_usage(p->obj.fd, &u))
		return NULL;
	return json_object_new_uint64(u.used);
}

static struct json_object *map_json(struct xw_ctx *ctx,
				    const struct xw_found_dir *d,
				    struct xw_found_pin *p)
{
	const struct bpf_map_info *mi = &p->obj.info.map;
	struct json_object *m = json_object_new_object();

	xw_json_add_u64(m, "id", mi->id);
	xw_json_add(m, "type",
		    xw_json_str_nonempty(libbpf_bpf_map_type_str(mi->type)));
	xw_json_add_u64(m, "entries", mi->max_entries);
	if (mi->type == BPF_MAP_TYPE_DEVMAP && d->checked)
		xw_json_add(m, "slots",
			    devmap_slots(p->obj.fd, mi->max_entries));
	else if (mi->type == BPF_MAP_TYPE_XSKMAP && d->checked)
		xw_json_add(m, "slots",
			    xsk_slots(ctx, d->ifindex, mi->max_entries));
	else if (mi->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		xw_json_add(m, "counters", counters_json(p->obj.fd));
	else if (mi->type == BPF_MAP_TYPE_DEVMAP_HASH || owner_table(p))
		xw_json_add(m, "used", used_json(p));
	return m;
}

static struct json_object *program_json(struct xw_found_install *in)
{
	struct xw_found_pin *link = xw_found_link(in);
	struct bpf_prog_info pi, *info = NULL;
	struct json_object *p;
	char tag[2 * BPF_TAG_SIZE + 1];
	int k;

	if (xw_found_prog(in)->obj.fd >= 0)
		info = &xw_found_prog(in)->obj.info.prog;
	else if (link->obj.fd >= 0 &&
		 !xw_prog_info_by_id(link->obj.info.link.prog_id, &pi))
		info = &pi;
	if (!info)
		return NULL;
	for (k = 0; k < BPF_TAG_SIZE; k++)
		snprintf(tag + 2 * k, 3, "%02x", info->tag[k]);
	p = json_object_new_object();
	xw_json_add_u64(p, "id", info->id);
	xw_json_add_str(p, "tag", tag);
	xw_json_add_str(p, "name", info->name);
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
	xw_json_add_u64(l, "id", link->obj.info.link.id);
	xw_json_add_bool(l, "attached", in->attached_ifindex);
	xw_json_add(l, "ifindex",
		    in->attached_ifindex ?
			    json_object_new_uint64(in->attached_ifindex) :
			    NULL);
	xw_json_add(l, "device", xw_json_str_nonempty(in->attached_name));
	xw_json_add(l, "is_named_device",
		    d->checked ? json_object_new_boolean(in->attached_ifindex &&
							 in->attached_ifindex ==
								 d->ifindex) :
				 NULL);
	return l;
}

static struct json_object *addresses_json(const struct xw_sandbox *s)
{
	struct json_object *a = json_object_new_array();
	char text[XW_IP_STRLEN];
	size_t k;

	for (k = 0; k < s->n_addrs; k++)
		json_object_array_add(a, json_object_new_string(
						 xw_ip_str(&s->addrs[k].ip,
							   text)));
	return a;
}

static struct json_object *sandbox_json(const struct xw_repair_scope *scope,
					const struct xw_found_dir *d,
					const struct xw_sandbox *s)
{
	struct json_object *o = json_object_new_object();
	char cmd[PATH_MAX + 256];

	xw_json_add(o, "veth", xw_json_str_nonempty(s->veth));
	xw_json_add_u64(o, "ifindex", s->ifindex);
	xw_json_add_bool(o, "committed", s->committed);
	xw_json_add(o, "addresses", addresses_json(s));
	xw_json_add(o, "health",
		    json_object_new_string(xw_health_name(s->health)));
	xw_json_add(o, "why", xw_json_str_nonempty(s->why));
	xw_json_add(o, "pin_gc",
		    json_object_new_string(xw_gc_action_name(s->gc)));
	xw_json_add(o, "repair",
		    xw_repair_sandbox_command(scope, d, s, cmd, sizeof(cmd)) ?
			    json_object_new_string(cmd) :
			    NULL);
	return o;
}

/*
 * A tunnel host install's "sandboxes": an array, or null with a note when
 * the install has no address tables to list them from.
 */
static void add_sandboxes(const struct xw_repair_scope *scope,
			  const struct xw_found_dir *d,
			  const struct xw_found_install *in,
			  struct json_object *o)
{
	struct json_object *a;
	char note[160];
	size_t k;

	if (!d->sandboxes) {
		if (d->sandboxes_err == -ENOENT && xw_sandboxes_legacy(in))
			snprintf(note, sizeof(note),
				 "installed by an earlier xdpwire: no address tables (re-run: xdpwire tunnel-install --device %s)",
				 d->device);
		else if (d->sandboxes_err == -ENOENT)
			snprintf(note, sizeof(note),
				 "its address tables are not all pinned (see why)");
		else
			snprintf(note, sizeof(note),
				 "its address tables cannot be read: %s",
				 strerror(-d->sandboxes_err));
		xw_json_add(o, "sandboxes", NULL);
		xw_json_add_str(o, "sandboxes_note", note);
		return;
	}
	a = json_object_new_array();
	for (k = 0; k < d->sandboxes->n; k++)
		json_object_array_add(a, sandbox_json(scope, d,
						      &d->sandboxes->s[k]));
	xw_json_add(o, "sandboxes", a);
	xw_json_add(o, "sandboxes_note", NULL);
}

static struct json_object *install_json(struct xw_ctx *ctx,
					const struct xw_found_dir *d,
					struct xw_found_install *in)
{
	struct json_object *o = json_object_new_object();
	struct json_object *pins = json_object_new_object();
	struct json_object *maps = json_object_new_object();
	int k;

	xw_json_add_str(o, "kind", in->layout->kind);
	xw_json_add(o, "health",
		    json_object_new_string(xw_health_name(in->health)));
	xw_json_add(o, "why", xw_json_str_nonempty(in->why));
	xw_json_add(o, "program", program_json(in));
	xw_json_add(o, "mode",
		    in->xdp_known && in->xdp.prog_id ?
			    json_object_new_string(xw_mode_name(in->xdp.mode)) :
			    NULL);
	xw_json_add(o, "link", link_json(d, in));
	for (k = 0; k < XW_PIN_MAPS + in->layout->n_maps; k++) {
		struct xw_found_pin *p = &in->pins[k];

		xw_json_add(pins, p->spec->name,
			    json_object_new_string(p->problem[0] ? p->problem :
						   p->present	 ? "present" :
								   "missing"));
		if (k >= XW_PIN_MAPS && p->obj.fd >= 0)
			xw_json_add(maps, p->spec->name, map_json(ctx, d, p));
	}
	xw_json_add(o, "pins", pins);
	xw_json_add(o, "maps", maps);
	xw_json_add(o, "pin_gc",
		    json_object_new_string(xw_gc_action_name(in->gc)));
	xw_json_add(o, "pin_gc_repair",
		    json_object_new_string(xw_gc_action_name(in->repair)));
	return o;
}

static struct json_object *names_json(char (*names)[NAME_MAX + 1], int n)
{
	struct json_object *a = json_object_new_array();
	int k;

	for (k = 0; k < n; k++)
		json_object_array_add(a, json_object_new_string(names[k]));
	return a;
}

struct json_object *xw_status_dir_json(struct xw_ctx *ctx,
				       const struct xw_repair_scope *scope,
				       const struct xw_pindir *dir,
				       struct xw_found_dir *d,
				       const char *judged_in)
{
	char cmd[PATH_MAX + 256];
	struct json_object *o, *installs;
	int k;

	o = json_object_new_object();
	xw_json_add_str(o, "path", dir->path);
	xw_json_add_str(o, "device", d->device);
	xw_json_add(o, "netns", xw_json_str_nonempty(dir->prefix));
	xw_json_add(o, "judged_in", xw_json_str_nonempty(judged_in));
	xw_json_add(o, "ifindex",
		    d->ifindex ? json_object_new_uint64(d->ifindex) : NULL);
	xw_json_add_bool(o, "checked", d->checked);
	installs = json_object_new_array();
	for (k = 0; k < d->n_installs; k++) {
		struct xw_found_install *in = &d->installs[k];
		struct json_object *io = install_json(ctx, d, in);

		xw_json_add(io, "owner",
			    json_object_new_string(in->runtime ? "runtime" :
								 "xdpwire"));
		/* "repair": the command that repairs it, or null. */
		xw_json_add(io, "repair",
			    xw_repair_command(scope, d, in, cmd, sizeof(cmd)) ?
				    json_object_new_string(cmd) :
				    NULL);
		if (in->layout == &xw_tunnel_host_layout)
			add_sandboxes(scope, d, in, io);
		json_object_array_add(installs, io);
	}
	xw_json_add(o, "installs", installs);
	xw_json_add(o, "foreign", names_json(d->foreign, d->n_foreign));
	xw_json_add(o, "temporary", names_json(d->temporary, d->n_temporary));
	xw_json_add_bool(o, "empty",
			 !d->n_installs && !d->n_temporary && !d->n_foreign);
	return o;
}
