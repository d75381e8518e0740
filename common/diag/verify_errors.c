/*
 * redirect-errors: not read yet.  The driver's ethtool statistics and the
 * sockets' drop counters (sock_diag XDP_SHOW_STATS) since the last run are
 * still to come; until then the finding says so rather than guess.
 */
#include "diag/verify.h"

int xw_verify_errors(struct xw_ctx *ctx, const char *device, uint32_t ifindex,
		     const struct xw_verify_opts *o, struct xw_verify_group *g)
{
	(void)ctx;
	(void)device;
	(void)ifindex;
	(void)o;
	return xw_finding_add(
		&g->f, XW_LEVEL_OK, "redirect-errors", NULL,
		"not read: this verify does not read the driver's or the sockets' error counters yet");
}
