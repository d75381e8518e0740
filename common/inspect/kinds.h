/*
 * The kinds of install: for each, the pins it owns (its layout, by the
 * runtime's convention: the names are the contract with runtimes that open
 * these pins themselves, so they never change) and the XDP program that
 * runs it, embedded in this binary.
 */
#ifndef XW_KINDS_H
#define XW_KINDS_H

#include <stddef.h>

#include "inspect/layout.h"
#include "pins/xdp_mode.h"

struct bpf_map;
struct bpf_object;
struct bpf_object_open_opts;
struct bpf_program;

/* Map roles: the index into a layout's maps[]. */
enum {
	XW_MAP_TARGETS, /* where frames go: XSKMAP or DEVMAP */
	XW_MAP_COUNTERS, /* ours: per-CPU counters, keys of enum xw_counter */
	/* Tunnel host only: the sandboxes registered with their addresses. */
	XW_MAP_SANDBOXES, /* DEVMAP_HASH: veth ifindex -> itself, committed */
	XW_MAP_OWNERS4, /* ARRAY table of struct xw_owner4 (owner_table.h) */
	XW_MAP_OWNERS6, /* ARRAY table of struct xw_owner6 */
};

/* Their pins beside tunnel_host_map (the runtime's names do not change). */
#define XW_PIN_SANDBOXES "tunnel_host_sandbox_map"
#define XW_PIN_OWNERS4 "tunnel_host_ipv4_owner_map"
#define XW_PIN_OWNERS6 "tunnel_host_ipv6_owner_map"

/* One of our programs, opened (not loaded) for an install of its layout. */
struct xw_install {
	const struct xw_layout *layout;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *rodata; /* the configuration */
	struct bpf_map *maps[XW_LAYOUT_MAX_MAPS]; /* by layout order */
	/* The tunnel host's table masks (.rodata.owners), set at load. */
	struct bpf_map *owner_masks;
	enum xw_xdp_mode mode;
	/*
	 * Maps (bit per role) sized by the request's options: a pinned map
	 * of another size is refused, not reused (install/sizes.c).
	 */
	uint32_t sized_maps;
};

/* A program of ours and how its object's pieces fill a layout. */
struct xw_program {
	const struct xw_layout *layout;
	const char *object_name; /* names its maps as bpftool shows them */
	const void *(*elf_bytes)(size_t *size);
	const char *prog_name;
	const char *map_names[XW_LAYOUT_MAX_MAPS]; /* by role */
	int queue_sized_map; /* role with a slot per RX queue, or -1 */
	int pass_ports; /* whether --pass-port applies */
	/*
	 * Opens its skeleton (not loaded) and fills in's object, program,
	 * configuration and maps from the skeleton's typed fields, so a
	 * renamed map is a compile error, not a failed lookup at run time.
	 * Returns the skeleton, for destroy, or NULL with errno set.
	 */
	void *(*open_skel)(const struct bpf_object_open_opts *opts,
			   struct xw_install *in);
	void (*destroy_skel)(void *skel);
};

extern const struct xw_layout xw_redirect_layout;
extern const struct xw_layout xw_tunnel_host_layout;
extern const struct xw_layout xw_tunnel_veth_layout;

extern const struct xw_program xw_redirect_program;
extern const struct xw_program xw_tunnel_host_program;
extern const struct xw_program xw_tunnel_veth_program;

/* The program that runs installs of layout l. */
const struct xw_program *xw_program_of(const struct xw_layout *l);

/*
 * Every layout, NULL-ended: what status and pin-gc look for.  Arrays with
 * a slot per layout are sized XW_N_LAYOUTS; kinds.c asserts the count.
 */
#define XW_N_LAYOUTS 3
extern const struct xw_layout *const xw_layouts[XW_N_LAYOUTS + 1];

#endif /* XW_KINDS_H */
