/*
 * A view of one loaded program as the install engine needs it: is it ours,
 * does it run the requested configuration, and which maps fill each role of
 * the layout.  Internal to install*.c.
 */
#ifndef XW_INSTALL_VIEW_H
#define XW_INSTALL_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "install.h"

struct xw_view {
	int fd;
	uint32_t id;
	bool ours; /* an XDP program of ours, by name */
	bool config_equal; /* its .rodata equals the request's */
	int map_fds[XW_LAYOUT_MAX_MAPS];
	uint32_t map_ids[XW_LAYOUT_MAX_MAPS];
};

int xw_view_read(uint32_t prog_id, const struct xw_install *in,
		 struct xw_view *v);
void xw_view_close(struct xw_view *v);
/* Ours, same configuration, and using exactly the maps in map_ids. */
bool xw_view_matches(const struct xw_view *v, const struct xw_install *in,
		     const uint32_t *map_ids);

#endif /* XW_INSTALL_VIEW_H */
