/* XDP attachment through bpf_link, and what the kernel says is attached. */
#ifndef XW_XDP_H
#define XW_XDP_H

#include <stdint.h>

#include "core/parse.h"
#include "pins/xdp_mode.h"

struct xw_ctx;
struct xw_dev;

struct xw_xdp_state {
	uint32_t prog_id; /* 0: nothing attached */
	enum xw_xdp_mode mode;
};

/* With ctx NULL, a failure is only returned, not recorded. */
int xw_xdp_query(struct xw_ctx *ctx, const struct xw_dev *dev,
		 struct xw_xdp_state *st);

/*
 * Attaches prog_fd to dev with a new bpf_link in mode; auto tries native
 * first and falls back to generic.  Returns the link fd and the mode got.
 */
int xw_xdp_attach(struct xw_ctx *ctx, const struct xw_dev *dev, int prog_fd,
		  enum xw_xdp_mode mode, enum xw_xdp_mode *got);

/* Records "the device is busy with program N 'name'" as the failure. */
int xw_xdp_fail_busy(struct xw_ctx *ctx, const struct xw_dev *dev,
		     const struct xw_xdp_state *st);

/* True if an attached program in mode have satisfies a request for want. */
static inline int xw_xdp_mode_satisfies(enum xw_xdp_mode have,
					enum xw_xdp_mode want)
{
	return want == XW_MODE_AUTO || want == have;
}

#endif /* XW_XDP_H */
