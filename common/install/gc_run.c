/* pin-gc's run: every pin directory judged and acted on, and its report. */
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "core/report.h"
#include "inspect/health.h"
#include "install/gc.h"
#include "net/netns.h"
#include "pins/bpffs.h"
#include "pins/pinwalk.h"
#include "pins/target.h"

struct gc_walk {
	bool repair;
	size_t n_dirs_acted;
	size_t n_left;
};

static int gc_one(struct xw_ctx *ctx, struct xw_pindir *dir, const char *device,
		  bool checked, void *arg)
{
	struct gc_walk *w = arg;
	struct xw_found_dir d;
	bool acted;
	int err;

	err = xw_health_inspect(ctx, dir, device, checked, &d);
	if (err)
		return err;
	err = xw_gc_dir(ctx, dir, &d, w->repair, &acted, &w->n_left);
	w->n_dirs_acted += acted;
	xw_health_free(&d);
	return err;
}

int xw_gc_run(struct xw_ctx *ctx, const struct xw_target *t,
	      const struct xw_gc_request *req)
{
	struct gc_walk w = { req->repair, 0, 0 };
	char prefix[32];
	int err;

	ctx->dry_run = req->dry_run;
	err = xw_netns_pin_prefix(&t->ns, prefix, sizeof(prefix));
	if (!err)
		err = xw_pinwalk(ctx, &t->fs, prefix,
				 t->have_dev ? t->dev.name : NULL, gc_one, &w);
	if (err)
		return err;
	xw_out_str(ctx, "bpffs", t->fs.path);
	xw_out_json(ctx, "dry_run", json_object_new_boolean(req->dry_run));
	xw_out_json(ctx, "left_alone", json_object_new_uint64(w.n_left));
	if (w.n_dirs_acted)
		xw_summary(ctx, "%zu director%s %s%s", w.n_dirs_acted,
			   w.n_dirs_acted == 1 ? "y" : "ies",
			   req->dry_run ?
				   "to change (dry run: nothing changed)" :
				   "changed",
			   w.n_left ?
				   "; some installs left alone (see warnings)" :
				   "");
	else if (w.n_left)
		xw_summary(ctx,
			   "nothing pin-gc can do; %zu install(s) left alone (see warnings)",
			   w.n_left);
	else
		xw_summary(ctx, "nothing to do");
	return 0;
}
