#include <errno.h>

#include "diag/check.h"
#include "diag/check_facts.h"
#include "diag/finding.h"

const char *xw_check_install_name(enum xw_check_install install)
{
	return install == XW_CHECK_TUNNEL ? "tunnel" : "redirect";
}

int xw_check_run(struct xw_ctx *ctx, const struct xw_check_request *req,
		 struct xw_findings *f)
{
	struct xw_check_facts fx;
	int err;

	err = xw_check_facts_read(ctx, req, &fx);
	if (err)
		return err;
	/* Whose program is attached decides the peer's and attached's level. */
	err = xw_check_pins_read(&fx);
	if (!err)
		err = xw_check_device(ctx, &fx, f);
	if (!err)
		err = xw_check_queues(ctx, &fx, f);
	if (!err)
		err = xw_check_peer(ctx, &fx, f);
	if (!err)
		err = xw_check_host(ctx, &fx, f);
	xw_check_facts_free(&fx);
	return err;
}
