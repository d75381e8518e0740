/*
 * Loaded BPF programs read by id, as bpftool's get_prog/map info helpers
 * do: one place opens a program by id and reads its info, and one walk
 * (xw_view_read) goes over the maps it uses and names each map's role in
 * a layout.  The installers, status and pin-gc read programs through here.
 */
#ifndef XW_INSPECT_H
#define XW_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/bpf.h>

#include "inspect/layout.h"

struct bpf_map;

/* The maps of a program that are looked at: more than ours use. */
#define XW_PROG_MAX_MAPS 16

/*
 * A loaded program as an install of layout l sees it: is it ours, does it
 * run a configuration, and which of its maps fill each role of l.
 */
struct xw_view {
	int fd; /* the program's, -1 if none */
	uint32_t id;
	bool ours; /* an XDP program named as l's program */
	bool config_equal; /* its .rodata equals rodata's initial value */
	int map_fds[XW_LAYOUT_MAX_MAPS]; /* by role, -1 if none */
	uint32_t map_ids[XW_LAYOUT_MAX_MAPS];
};

/*
 * Opens program prog_id and its maps by role (the first of each); rodata,
 * if not NULL, is the configuration compared.  -errno if the program
 * cannot be opened or read; close v either way.
 */
int xw_view_read(uint32_t prog_id, const struct xw_layout *l,
		 struct bpf_map *rodata, struct xw_view *v);
void xw_view_close(struct xw_view *v);

#endif /* XW_INSPECT_H */
