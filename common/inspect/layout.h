/*
 * A layout: the pins one kind of install owns, by the runtime's naming
 * convention, and the names of the records a run killed half-way leaves
 * beside them.  The table of layouts is kinds.c; the installers, status
 * and pin-gc all read an install through it.
 */
#ifndef XW_LAYOUT_H
#define XW_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "pins/pin.h"

#define XW_LAYOUT_MAX_MAPS 8

/* The pins one kind of install owns in a device's directory. */
struct xw_layout {
	const char *kind; /* "redirect", for messages */
	struct xw_pin_spec link;
	struct xw_pin_spec prog;
	struct xw_pin_spec maps[XW_LAYOUT_MAX_MAPS];
	int n_maps;
	/*
	 * Maps (bit i: maps[i]) whose entries are bound to the device, like
	 * AF_XDP sockets: a deleted device leaves them dead, so they are
	 * emptied when its re-created namesake gets a fresh link.
	 */
	uint32_t device_bound_maps;
	/*
	 * Maps (bit i: maps[i]) an install made by an older xdpwire lacks:
	 * absent, with a live program that uses no such map, the install is
	 * "legacy", not broken; its re-run pins them.  A live program that
	 * uses one needs its pin as for any map.
	 */
	uint32_t optional_maps;
	/* Installs that cannot share a device with this one; NULL-ended. */
	const struct xw_layout *const *excludes;
};

/* A request: the opened (not loaded) BPF object and the wanted mode. */
enum xw_link_state {
	XW_LINK_ABSENT,
	XW_LINK_LIVE, /* attached to the device the directory is for */
	XW_LINK_DEFUNCT, /* its device was deleted */
	XW_LINK_DETACHED, /* detached by a mode change killed half-way */
};

/*
 * A mode change must detach the live link before it attaches the new one
 * (a device runs one mode at a time).  A kill in between leaves a detached
 * link pin, which alone would read as a deleted device, whose sockets are
 * dead: so the live link is first pinned a second time at this record's
 * name, and the record is removed once the new link is pinned in place.
 * A new link goes in place through the temporary pin xw_tmp_<link>: one
 * attached to the device there is what a kill before the rename leaves.
 */
#define XW_DETACHED_PREFIX "xw_detached_"
#define XW_SWAP_PREFIX XW_TMP_PREFIX

/* The name of layout's link pin with prefix before it, into buf. */
void xw_link_aside_name(const struct xw_layout *l, const char *prefix,
			char *buf, size_t size);

#endif /* XW_LAYOUT_H */
