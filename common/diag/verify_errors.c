/* redirect-errors: placeholder until the counters are read. */
#include "diag/verify.h"

int xw_verify_errors(struct xw_ctx *ctx, const char *device,
		     uint32_t ifindex, const struct xw_verify_opts *o,
		     struct xw_verify_group *g)
{
	(void)ctx;
	(void)device;
	(void)ifindex;
	(void)o;
	return xw_finding_add(&g->f, XW_LEVEL_OK, "redirect-errors", NULL,
			      "not exposed by the driver");
}
