/*
 * pin-gc: removes the pins that status calls stale and what runs that died
 * half-way left; with --repair, restores what can be restored instead.
 * Each directory is judged and acted on under its lock, the installers'
 * own, so pin-gc never races an install or a sockmap-insert.
 */
#include <stdbool.h>

#include "../common/caps.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/gc.h"
#include "cmds.h"

struct pin_gc_opts {
	struct xw_common_opts common;
	bool dry_run;
	bool repair;
};

enum {
	KEY_DRY_RUN = XW_KEY_CMD_BASE,
	KEY_REPAIR,
};

static const struct argp_option options[] = {
	{ "dry-run", KEY_DRY_RUN, NULL, 0,
	  "Say what would be done, and change nothing", 0 },
	{ "repair", KEY_REPAIR, NULL, 0,
	  "Restore what can be restored instead of removing it: lost pins of a live install, a program whose device is back or whose link pin was lost",
	  0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct pin_gc_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		xw_common_init_children(state, &o->common);
		return 0;
	case KEY_DRY_RUN:
		o->dry_run = true;
		return 0;
	case KEY_REPAIR:
		o->repair = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child children[] = { XW_COMMON_CHILDREN, { 0 } };

static const struct argp argp = {
	options,
	parse_opt,
	NULL,
	"Remove what status calls stale: the pins of installs whose device "
	"is gone or whose link is detached, what an install that died "
	"half-way left, and the directories this empties (or that are empty "
	"and carry xdpwire's mark, mode 1700).  Installs that are ok, "
	"broken ones that need a person, and foreign entries are never "
	"touched; the broken ones are named in a warning.  With --repair, "
	"re-pin a live install's lost program and map pins from the kernel's "
	"own view of it, and attach an install's pinned program again when a "
	"device of its name is back or its link pin was lost.\v"
	"Examples:\n"
	"  xdpwire pin-gc --dry-run\n"
	"  xdpwire pin-gc --repair --device eth0",
	children,
	xw_help_filter,
	NULL
};

static const struct pin_gc_opts defaults = { .dry_run = false };

/*
 * pin-gc judges an install the way status does, through ids only
 * CAP_SYS_ADMIN may open: without it, it would call a healthy install
 * broken.  --repair loads programs too, which CAP_SYS_ADMIN covers.
 */
static int caps(struct xw_ctx *ctx, const void *opts)
{
	const struct pin_gc_opts *o = opts;
	struct xw_caps_need needs[2] = {
		{ .caps = XW_CAP(CAP_SYS_ADMIN),
		  .why = "pin-gc judges installs by their programs' and maps' ids" },
		XW_CAPS_NETNS,
	};

	return xw_caps_require(ctx, needs, o->common.netns ? 2 : 1);
}

const struct xw_cmd_parser pin_gc_parser = { &argp, sizeof(struct pin_gc_opts),
					     &defaults, caps };

int cmd_pin_gc(struct xw_ctx *ctx, void *opts)
{
	const struct pin_gc_opts *o = opts;
	const struct xw_gc_request req = { .dry_run = o->dry_run,
					   .repair = o->repair };

	return xw_gc_run(ctx, &o->common.target, &req);
}
