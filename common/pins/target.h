/*
 * What a command works on, resolved from its target options by
 * xw_prepare(): the network namespace it entered, the device (when one was
 * named) and the bpffs root (when the command needs one).  The library
 * takes this, never the command line's options.
 */
#ifndef XW_TARGET_H
#define XW_TARGET_H

#include <stdbool.h>

#include "net/device.h"
#include "net/netns.h"
#include "pins/bpffs.h"

struct xw_target {
	/* The namespace the work happens in (entered for --netns). */
	struct xw_netns ns;
	/* A peer's namespace --netns names, not entered; else NULL. */
	const char *peer_netns;
	struct xw_dev dev; /* ifindex 0: a device gone, its pins asked about */
	bool have_dev;
	struct xw_bpffs fs; /* fd -1 when not opened */
};

#endif /* XW_TARGET_H */
