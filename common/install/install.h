/*
 * The install engine shared by every kind of install (redirect, tunnel):
 * read what is pinned and attached, decide the least change that makes it
 * match the request, and carry it out with an undo log so that a failure at
 * any step leaves nothing of the run behind.
 *
 * Order of a fresh install: maps, program, link.  The link pin comes last:
 * it is the commit point, because an unpinned link dies with the process.
 */
#ifndef XW_INSTALL_H
#define XW_INSTALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"
#include "inspect/kinds.h"
#include "inspect/layout.h"
#include "pins/pin.h"
#include "pins/xdp.h"
#include "pins/xdp_mode.h"

struct bpf_map;
struct bpf_object;
struct bpf_program;
struct xw_ctx;
struct xw_dev;
struct xw_found_install;
struct xw_pindir;
struct xw_view;

struct xw_install_result {
	uint32_t prog_id;
	uint32_t link_id;
	uint32_t map_ids[XW_LAYOUT_MAX_MAPS];
	uint32_t map_entries[XW_LAYOUT_MAX_MAPS];
	enum xw_xdp_mode mode;
};

/*
 * What is there now, for an install on dev: layout's pins found
 * (found.h), every one right or a failure recorded, the link's state
 * read and the device's program queried.  Close st with xw_found_close().
 */
int xw_state_read(struct xw_ctx *ctx, const struct xw_dev *dev,
		  const struct xw_pindir *dir, const struct xw_layout *layout,
		  struct xw_found_install *st);

/* Ours, same configuration as in's, and using exactly the maps in map_ids. */
bool xw_view_matches(const struct xw_view *v, const struct xw_install *in,
		     const uint32_t *map_ids);

/* Fails if dir holds an install that excludes layout's. */
int xw_check_excludes(struct xw_ctx *ctx, const struct xw_pindir *dir,
		      const struct xw_layout *layout);

/*
 * Finishes what a killed run left of dir's link pin (see above): a new
 * link attached to dev but pinned at its temporary name goes in place,
 * and a detach record beside a link pin attached to dev is dropped.
 */
int xw_install_resume(struct xw_ctx *ctx, const struct xw_dev *dev,
		      const struct xw_pindir *dir,
		      const struct xw_layout *layout);

/* Installs (or confirms, or updates) the request on dev, pinned in dir. */
int xw_install_apply(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_pindir *dir, struct xw_install *in,
		     struct xw_install_result *res);

/* Detaches and unpins layout's install from dir; *found: anything was. */
int xw_install_remove(struct xw_ctx *ctx, const struct xw_dev *dev,
		      const struct xw_pindir *dir,
		      const struct xw_layout *layout, bool *found);

/*
 * Empties the maps whose entries were bound to a deleted device (AF_XDP
 * sockets), after its re-created namesake got a fresh link; map_fds by
 * layout role, -1 to skip.
 */
void xw_install_clear_device_bound(struct xw_ctx *ctx,
				   const struct xw_pindir *dir,
				   const struct xw_layout *l,
				   const int *map_fds);

#endif /* XW_INSTALL_H */
