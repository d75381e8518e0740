/*
 * Loaded BPF objects read by id, as bpftool's get_prog/map info helpers
 * do: one place opens a program by id and reads its info, one walk goes
 * over the maps it uses and names each map's role in a layout.  The
 * installers, status and pin-gc all read programs through here.
 */
#ifndef XW_INSPECT_H
#define XW_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/bpf.h>

struct xw_layout;

/* The maps of a program that are looked at; ours use three. */
#define XW_PROG_MAX_MAPS 16

/* The info of program id into *pi (zeroed on failure); -errno if none. */
int xw_prog_info_by_id(uint32_t id, struct bpf_prog_info *pi);

/* Called with each map of a program; true if it keeps fd (to close). */
typedef bool (*xw_prog_map_fn)(int fd, const struct bpf_map_info *mi,
			       void *arg);

/*
 * Reads prog_fd's info into *pi and calls fn with each map the program
 * uses (the first XW_PROG_MAX_MAPS), opened by id; a map that cannot be
 * opened or read is skipped.  -errno if the program's info cannot be read.
 */
int xw_prog_maps_walk(int prog_fd, struct bpf_prog_info *pi, xw_prog_map_fn fn,
		      void *arg);

/* The role in l of a map named as l's program names it; -1 if none. */
int xw_map_role(const struct xw_layout *l, const struct bpf_map_info *mi);

#endif /* XW_INSPECT_H */
