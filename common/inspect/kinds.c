#include <stdio.h>

#include <bpf/bpf.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "inspect/kinds.h"
#include "redirect.skel.h"
#include "tunnel_host.skel.h"
#include "tunnel_veth.skel.h"

/* A pin's expected kind, type and sizes (max_entries 0: any). */
#define XW_XDP_LINK_PIN(pin_name)                        \
	{                                                \
		.name = (pin_name), .kind = XW_OBJ_LINK, \
		.type = BPF_LINK_TYPE_XDP                \
	}
#define XW_XDP_PROG_PIN(pin_name)                        \
	{                                                \
		.name = (pin_name), .kind = XW_OBJ_PROG, \
		.type = BPF_PROG_TYPE_XDP                \
	}
#define XW_MAP_PIN(pin_name, map_type, key, value, entries)                 \
	{                                                                   \
		.name = (pin_name), .kind = XW_OBJ_MAP, .type = (map_type), \
		.key_size = (key), .value_size = (value),                   \
		.max_entries = (entries)                                    \
	}
#define XW_COUNTERS_PIN(prefix)                                         \
	XW_MAP_PIN(prefix "_counters", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, \
		   XW_CNT_MAX)

/* Probed with max_entries - 1 as the mask: any power of two. */
#define XW_OWNER_TABLE_PIN(pin_name, value)                       \
	{                                                         \
		.name = (pin_name), .kind = XW_OBJ_MAP,           \
		.type = BPF_MAP_TYPE_ARRAY, .key_size = 4,        \
		.value_size = sizeof(value), .pow2_entries = true \
	}

/* One device carries one XDP program: every install excludes the others. */
static const struct xw_layout *const not_redirect[] = { &xw_tunnel_host_layout,
							&xw_tunnel_veth_layout,
							NULL };
static const struct xw_layout *const not_tunnel_host[] = {
	&xw_redirect_layout, &xw_tunnel_veth_layout, NULL
};
static const struct xw_layout *const not_tunnel_veth[] = {
	&xw_redirect_layout, &xw_tunnel_host_layout, NULL
};

const struct xw_layout xw_redirect_layout = {
	.kind = "redirect",
	.link = XW_XDP_LINK_PIN("redirect_link"),
	.prog = XW_XDP_PROG_PIN("redirect_program"),
	.maps = {
		[XW_MAP_TARGETS] = XW_MAP_PIN("redirect_ip_map", BPF_MAP_TYPE_XSKMAP, 4, 4, 0),
		[XW_MAP_COUNTERS] = XW_COUNTERS_PIN("redirect"),
	},
	.n_maps = 2,
	.device_bound_maps = 1u << XW_MAP_TARGETS,
	.excludes = not_redirect,
};

const struct xw_layout xw_tunnel_host_layout = {
	.kind = "tunnel host",
	.link = XW_XDP_LINK_PIN("tunnel_host_link"),
	.prog = XW_XDP_PROG_PIN("tunnel_host_program"),
	.maps = {
		[XW_MAP_TARGETS] = XW_MAP_PIN("tunnel_host_map", BPF_MAP_TYPE_DEVMAP, 4, 4, 0),
		[XW_MAP_COUNTERS] = XW_COUNTERS_PIN("tunnel_host"),
		[XW_MAP_SANDBOXES] = XW_MAP_PIN(XW_PIN_SANDBOXES, BPF_MAP_TYPE_DEVMAP_HASH, 4, 4, 0),
		[XW_MAP_OWNERS4] = XW_OWNER_TABLE_PIN(XW_PIN_OWNERS4, struct xw_owner4),
		[XW_MAP_OWNERS6] = XW_OWNER_TABLE_PIN(XW_PIN_OWNERS6, struct xw_owner6),
	},
	.n_maps = 5,
	/* Sandboxes came with issue 15: a node installed before has none. */
	.optional_maps = 1u << XW_MAP_SANDBOXES | 1u << XW_MAP_OWNERS4 |
			 1u << XW_MAP_OWNERS6,
	.excludes = not_tunnel_host,
};

const struct xw_layout xw_tunnel_veth_layout = {
	.kind = "tunnel veth",
	.link = XW_XDP_LINK_PIN("tunnel_veth_link"),
	.prog = XW_XDP_PROG_PIN("tunnel_veth_program"),
	.maps = {
		[XW_MAP_TARGETS] = XW_MAP_PIN("tunnel_veth_map", BPF_MAP_TYPE_DEVMAP, 4, 4, 0),
		[XW_MAP_COUNTERS] = XW_COUNTERS_PIN("tunnel_veth"),
	},
	.n_maps = 2,
	.excludes = not_tunnel_veth,
};

const struct xw_layout *const xw_layouts[] = { &xw_redirect_layout,
					       &xw_tunnel_host_layout,
					       &xw_tunnel_veth_layout, NULL };
_Static_assert(sizeof(xw_layouts) / sizeof(xw_layouts[0]) == XW_N_LAYOUTS + 1,
	       "XW_N_LAYOUTS must count the layouts in xw_layouts");

/* Nothing more than the maps every program has. */
#define XW_NO_MORE_MAPS(s, in)

/* tunnel host's sandboxes and their address tables. */
#define XW_SANDBOX_MAPS(s, in)                                        \
	do {                                                          \
		(in)->maps[XW_MAP_SANDBOXES] = (s)->maps.sandbox_map; \
		(in)->maps[XW_MAP_OWNERS4] = (s)->maps.owner4_map;    \
		(in)->maps[XW_MAP_OWNERS6] = (s)->maps.owner6_map;    \
		(in)->owner_masks = (s)->maps.rodata_owners;          \
	} while (0)

/*
 * open_NAME and destroy_NAME for skeleton NAME_bpf, whose program is
 * prog_fn and whose map of targets is targets_map; more_maps(s, in) fills
 * the roles only that program has.  One per program, as the skeletons
 * share shape but not types.
 */
#define XW_SKEL_OPENER(name, prog_fn, targets_map, more_maps)             \
	static void *open_##name(const struct bpf_object_open_opts *opts, \
				 struct xw_install *in)                   \
	{                                                                 \
		struct name##_bpf *s = name##_bpf__open_opts(opts);       \
                                                                          \
		if (!s)                                                   \
			return NULL;                                      \
		in->obj = s->obj;                                         \
		in->prog = s->progs.prog_fn;                              \
		in->rodata = s->maps.rodata;                              \
		in->owner_masks = NULL;                                   \
		in->maps[XW_MAP_TARGETS] = s->maps.targets_map;           \
		in->maps[XW_MAP_COUNTERS] = s->maps.counters;             \
		more_maps(s, in);                                         \
		return s;                                                 \
	}                                                                 \
	static void destroy_##name(void *skel)                            \
	{                                                                 \
		name##_bpf__destroy(skel);                                \
	}

XW_SKEL_OPENER(redirect, xw_redirect, xsk_map, XW_NO_MORE_MAPS)
XW_SKEL_OPENER(tunnel_host, xw_tunnel_host, dev_map, XW_SANDBOX_MAPS)
XW_SKEL_OPENER(tunnel_veth, xw_tunnel_veth, dev_map, XW_NO_MORE_MAPS)

const struct xw_program xw_redirect_program = {
	.layout = &xw_redirect_layout,
	.object_name = "redirect",
	.elf_bytes = redirect_bpf__elf_bytes,
	.prog_name = "xw_redirect",
	.map_names = { [XW_MAP_TARGETS] = "xsk_map",
		       [XW_MAP_COUNTERS] = "counters" },
	.queue_sized_map = XW_MAP_TARGETS,
	.pass_ports = 1,
	.open_skel = open_redirect,
	.destroy_skel = destroy_redirect,
};

const struct xw_program xw_tunnel_host_program = {
	.layout = &xw_tunnel_host_layout,
	.object_name = "tunnel_host",
	.elf_bytes = tunnel_host_bpf__elf_bytes,
	.prog_name = "xw_tunnel_host",
	.map_names = { [XW_MAP_TARGETS] = "dev_map",
		       [XW_MAP_COUNTERS] = "counters",
		       [XW_MAP_SANDBOXES] = "sandbox_map",
		       [XW_MAP_OWNERS4] = "owner4_map",
		       [XW_MAP_OWNERS6] = "owner6_map" },
	.queue_sized_map = -1,
	.pass_ports = 1,
	.open_skel = open_tunnel_host,
	.destroy_skel = destroy_tunnel_host,
};

const struct xw_program xw_tunnel_veth_program = {
	.layout = &xw_tunnel_veth_layout,
	.object_name = "tunnel_veth",
	.elf_bytes = tunnel_veth_bpf__elf_bytes,
	.prog_name = "xw_tunnel_veth",
	.map_names = { [XW_MAP_TARGETS] = "dev_map",
		       [XW_MAP_COUNTERS] = "counters" },
	.queue_sized_map = -1,
	.pass_ports = 0,
	.open_skel = open_tunnel_veth,
	.destroy_skel = destroy_tunnel_veth,
};

const struct xw_program *xw_program_of(const struct xw_layout *l)
{
	static const struct xw_program *const all[] = {
		&xw_redirect_program, &xw_tunnel_host_program,
		&xw_tunnel_veth_program
	};
	_Static_assert(sizeof(all) / sizeof(all[0]) == XW_N_LAYOUTS,
		       "a program for every layout");
	size_t k;

	for (k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		if (all[k]->layout == l)
			return all[k];
	return NULL;
}

void xw_link_aside_name(const struct xw_layout *l, const char *prefix,
			char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", prefix, l->link.name);
}
