/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the reporter tests share: a context, two typical changes, and a
 * finish whose stdout and stderr are captured.  Include after cmocka.h.
 */
#ifndef XW_REPORT_FIXTURE_H
#define XW_REPORT_FIXTURE_H

#include "core/report.h"
#include "xw_test.h"

#define CMD "test-cmd"

static inline int finish(struct xw_ctx *ctx, struct xw_capture *c)
{
	int code;

	xw_capture_start(c);
	code = xw_ctx_finish(ctx);
	xw_capture_end(c);
	return code;
}

static inline void init(struct xw_ctx *ctx)
{
	assert_int_equal(xw_ctx_init(ctx, CMD), 0);
}

static inline void add_changes(struct xw_ctx *ctx)
{
	xw_change(ctx, &(struct xw_change){
			       .action = "pinned",
			       .object = "map",
			       .path = "/sys/fs/bpf/eth0/redirect_counters",
			       .id = 7 });
	xw_change(ctx, &(struct xw_change){ .action = "attached",
					    .object = "program",
					    .id = 12,
					    .detail = "to eth0, native mode" });
}

#endif /* XW_REPORT_FIXTURE_H */
