/*
 * check: will an install work on this device, on this machine, with this
 * run's privileges, and if not, why and what to do.  Each question is one
 * finding (finding.h) under a fixed name: xdp-features, multi-buffer,
 * mtu, queues, peer, gro, bpffs, privileges, attached.  Nothing is
 * changed, except the device's channels when the request says so.
 */
#ifndef XW_CHECK_H
#define XW_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "core/caps.h"

struct xw_ctx;
struct xw_findings;
struct xw_target;

/* The install the operator means to run. */
enum xw_check_install {
	XW_CHECK_REDIRECT,
	XW_CHECK_TUNNEL,
};

/* The most capability needs an install declares (command.h's, and one). */
#define XW_CHECK_MAX_NEEDS 4

struct xw_check_request {
	const struct xw_target *target; /* the device, in the entered netns */
	const char *bpffs; /* the bpffs root's path, not yet opened */
	enum xw_check_install install;
	/* What the install's command declares it needs (no copy of them). */
	struct xw_caps_need needs[XW_CHECK_MAX_NEEDS];
	size_t n_needs;
	/* --set-channels N: the RX queues to set; 0 for none. */
	uint32_t set_channels;
};

/* "redirect", "tunnel". */
const char *xw_check_install_name(enum xw_check_install install);

/*
 * Runs every check, adding a finding each to f.  A failure of the run
 * itself (out of memory, --set-channels refused, a namespace that cannot
 * be returned to) is recorded in ctx; the findings say the rest.
 */
int xw_check_run(struct xw_ctx *ctx, const struct xw_check_request *req,
		 struct xw_findings *f);

#endif /* XW_CHECK_H */
