/*
 * The pin layouts, by the runtime's convention: the names are the contract
 * with runtimes that open these pins themselves, so they never change.
 * Our own additions (counters) get names of their own beside them.
 */
#ifndef XW_LAYOUT_H
#define XW_LAYOUT_H

#include "install.h"

/* Map roles, the index into a layout's maps[]. */
enum {
	XW_REDIRECT_MAP_XSKS,
	XW_REDIRECT_MAP_COUNTERS,
};

extern const struct xw_layout xw_redirect_layout;

#endif /* XW_LAYOUT_H */
