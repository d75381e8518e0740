/*
 * An install as found in its pin directory: the one model of what is
 * pinned.  xw_found_read() fills it in one pass over the layout's pins,
 * each opened without trust and type-checked (xw_pin_find); the
 * installers fail on a pin that is wrong (xw_state_read), health judges
 * it (health.h), and status and pin-gc show and act on that judgement.
 */
#ifndef XW_FOUND_H
#define XW_FOUND_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "inspect/layout.h"
#include "pins/xdp.h"

struct xw_pindir;

enum xw_health {
	XW_HEALTH_OK,
	XW_HEALTH_STALE,
	XW_HEALTH_BROKEN,
	XW_HEALTH_OTHER_NETNS,
};

/* What pin-gc does about an install, without and with --repair. */
enum xw_gc_action {
	XW_GC_NONE,
	XW_GC_REMOVE, /* unpin all of it: it does nothing any more */
	XW_GC_REPIN, /* pin the live program and maps again */
	XW_GC_REATTACH, /* attach the pinned program to the device again */
	XW_GC_LEAVE, /* needs a person: said, not touched */
	XW_GC_RELINK, /* move a killed run's new link pin in place */
};

/* Where an install's pins sit in xw_found_install.pins. */
enum {
	XW_PIN_LINK,
	XW_PIN_PROG,
	XW_PIN_MAPS, /* the first map: layout->maps[i] at XW_PIN_MAPS + i */
	XW_PIN_ROLES = XW_PIN_MAPS + XW_LAYOUT_MAX_MAPS,
};

struct xw_found_install {
	const struct xw_layout *layout;
	struct xw_found_pin pins[XW_PIN_ROLES]; /* by XW_PIN_* */
	bool detach_record; /* XW_DETACHED_PREFIX<link> is pinned */
	/* The installers' reading of the link (xw_state_read). */
	enum xw_link_state link_state;
	bool xdp_known; /* xdp below was read from the device */
	struct xw_xdp_state xdp; /* what the device runs */
	/* The judgement, health.c's (xw_health_inspect). */
	enum xw_health health;
	char why[256]; /* the first reason it is not ok */
	enum xw_gc_action gc, repair;
	uint32_t attached_ifindex; /* the link's, 0 if none or detached */
	char attached_name[IF_NAMESIZE]; /* that device's name, "" unknown */
	uint32_t map_ids[XW_LAYOUT_MAX_MAPS]; /* the live program's, by role */
	/*
	 * Made by an older xdpwire: the layout's optional maps are not
	 * pinned and the live program uses none (layout.h).  Health ok; a
	 * re-run of the install upgrades it.
	 */
	bool legacy;
	/*
	 * The runtime's own: the convention's pin names holding a program
	 * that is not ours, as a runtime in tunnel mode pins its veth's.
	 * Judged by its link and device only; it has no counters.
	 */
	bool runtime;
	/*
	 * What a run killed while it swapped the link leaves (install.h): a
	 * new link attached to the device at the temporary pin.
	 */
	uint32_t swap_link_id;
};

/*
 * Finds l's pins in dir and its link's detach record; nothing is recorded
 * and nothing judged.  Close in with xw_found_close().
 */
void xw_found_read(const struct xw_pindir *dir, const struct xw_layout *l,
		   struct xw_found_install *in);
void xw_found_close(struct xw_found_install *in);

/* Whether none of in's pins could be opened. */
bool xw_found_empty(const struct xw_found_install *in);

/* in's pins by role; in may be const or not. */
#define xw_found_link(in) (&(in)->pins[XW_PIN_LINK])
#define xw_found_prog(in) (&(in)->pins[XW_PIN_PROG])
#define xw_found_map(in, role) (&(in)->pins[XW_PIN_MAPS + (role)])

#endif /* XW_FOUND_H */
