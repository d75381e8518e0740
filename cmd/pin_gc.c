/*
 * pin-gc: removes the pins that status calls stale and what runs that died
 * half-way left; with --repair, restores what can be restored instead.
 * Each directory is judged and acted on under its lock, the installers'
 * own, so pin-gc never races an install or a sockmap-insert.
 */
#include <stdbool.h>

#include "cli/cli.h"
#include "core/caps.h"
#include "core/report.h"
#include "install/gc.h"
#include "cmds.h"

struct pin_gc_opts {
	struct xw_common_opts common;
	bool dry_run;
	bool repair;
};

static const struct xw_option options[] = {
	XW_OPTION("dry-run", XW_OPT_FLAG, struct pin_gc_opts, dry_run,
		  .help = "Say what would be done, and change nothing"),
	XW_OPTION("repair", XW_OPT_FLAG, struct pin_gc_opts, repair,
		  .help = "Restore what can be restored instead of removing it: lost pins of a live install, a program whose device is back or whose link pin was lost"),
	{ 0 }
};

static const struct pin_gc_opts defaults = { .dry_run = false };

const struct xw_cmd xw_cmd_pin_gc = {
	XW_CMD_PARTS(pin_gc),
	/*
	 * pin-gc judges an install the way status does, through ids only
	 * CAP_SYS_ADMIN may open: without it, it would call a healthy
	 * install broken.  --repair loads programs too, which CAP_SYS_ADMIN
	 * covers.
	 */
	.need = { .caps = XW_CAP(CAP_SYS_ADMIN),
		  .why = "pin-gc judges installs by their programs' and maps' ids" },
	.name = "pin-gc",
	.synopsis = "remove stale pins, or --repair them",
	.doc = "Remove what status calls stale: the pins of installs whose device "
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
	.needs = XW_NEEDS_BPFFS | XW_DEVICE_MAY_BE_GONE,
};

int cmd_pin_gc(struct xw_ctx *ctx, void *opts)
{
	const struct pin_gc_opts *o = opts;
	const struct xw_gc_request req = { .dry_run = o->dry_run,
					   .repair = o->repair };

	return xw_gc_run(ctx, &o->common.target, &req);
}
