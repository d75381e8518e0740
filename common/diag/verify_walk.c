/*
 * verify's walk: every install of the bpffs root (or one device's), as
 * status walks them, each verified in the network namespace it belongs
 * to: BPF_PROG_TEST_RUN resolves ctx.ingress_ifindex in the caller's.
 * An install that cannot be verified here is one warn finding.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exit.h"
#include "core/report.h"
#include "diag/verify.h"
#include "inspect/health.h"
#include "inspect/status.h"
#include "net/netns.h"
#include "pins/bpffs.h"
#include "pins/pinwalk.h"

struct verify_walk {
	const struct xw_verify_opts *o;
	struct xw_verify_report *r;
	int home;
	uint64_t home_ino;
	size_t n_dirs;
};

static int oom(struct xw_ctx *ctx)
{
	return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "verify",
		       "cannot build the report");
}

/* An install verify does not judge, and why, as one warn finding. */
static int unjudged(struct xw_ctx *ctx, struct verify_walk *w,
		    const struct xw_found_dir *d,
		    const struct xw_found_install *in, const char *why,
		    const char *fix)
{
	struct xw_verify_group *g;

	g = xw_verify_group_add(w->r, d->device, in->layout->kind);
	if (!g || xw_finding_add(&g->f, XW_LEVEL_WARN, "install", fix,
				 "not verified: %s", why))
		return oom(ctx);
	return 0;
}

/* Every install of d, inspected in the namespace this runs in. */
static int verify_dir(struct xw_ctx *ctx, struct verify_walk *w,
		      const struct xw_pindir *dir, struct xw_found_dir *d,
		      bool judged)
{
	char why[400];
	int k, err = 0;

	for (k = 0; k < d->n_installs && !err; k++) {
		struct xw_found_install *in = &d->installs[k];
		struct xw_verify_group *g;

		if (!judged || in->health == XW_HEALTH_OTHER_NETNS) {
			snprintf(why, sizeof(why),
				 "installed in another network namespace (%s)",
				 in->why[0] ? in->why : dir->prefix);
			err = unjudged(ctx, w, d, in, why,
				       "run verify in that namespace (--netns)");
		} else if (in->health == XW_HEALTH_STALE || !d->ifindex) {
			snprintf(why, sizeof(why), "stale: %s", in->why);
			err = unjudged(ctx, w, d, in, why, "xdpwire pin-gc");
		} else if (in->runtime) {
			err = unjudged(ctx, w, d, in,
				       "the runtime's own program, not xdpwire's",
				       NULL);
		} else {
			g = xw_verify_group_add(w->r, d->device,
						in->layout->kind);
			err = g ? xw_verify_install(ctx, dir, d, in, w->o, g) :
				  oom(ctx);
		}
	}
	xw_health_free(d);
	return err;
}

static int go_home(struct xw_ctx *ctx, const struct verify_walk *w)
{
	if (setns(w->home, CLONE_NEWNET))
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot return to own network namespace");
	return 0;
}

/* A netns:<inode>/ directory: verified in that namespace when found. */
static int verify_prefixed(struct xw_ctx *ctx, struct verify_walk *w,
			   struct xw_pindir *dir, const char *device)
{
	uint64_t ino = xw_netns_prefix_ino(dir->prefix);
	struct xw_found_dir d;
	char path[PATH_MAX];
	int fd, err;

	if (ino && ino == w->home_ino) {
		err = xw_health_inspect(ctx, dir, device, true, &d);
		return err ?: verify_dir(ctx, w, dir, &d, true);
	}
	fd = ino ? xw_netns_find(ino, path, sizeof(path)) : -ENOENT;
	if (fd >= 0 && !setns(fd, CLONE_NEWNET)) {
		close(fd);
		err = xw_health_inspect(ctx, dir, device, true, &d);
		if (!err)
			err = verify_dir(ctx, w, dir, &d, true);
		return go_home(ctx, w) ?: err;
	}
	if (fd >= 0)
		close(fd);
	err = xw_health_inspect(ctx, dir, device, false, &d);
	return err ?: verify_dir(ctx, w, dir, &d, false);
}

static int verify_one_dir(struct xw_ctx *ctx, struct xw_pindir *dir,
			  const char *device, bool checked, void *arg)
{
	struct verify_walk *w = arg;
	struct xw_found_dir d;
	int err;

	w->n_dirs++;
	if (!checked)
		return verify_prefixed(ctx, w, dir, device);
	err = xw_health_inspect(ctx, dir, device, true, &d);
	return err ?: verify_dir(ctx, w, dir, &d, true);
}

int xw_verify_collect(struct xw_ctx *ctx, const struct xw_status_scope *s,
		      const struct xw_verify_opts *o,
		      struct xw_verify_report *r)
{
	struct verify_walk w = { .o = o, .r = r, .home = -1 };
	char prefix[32];
	struct stat st;
	int err;

	memset(r, 0, sizeof(*r));
	r->json = ctx->json;
	w.home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w.home < 0 || fstat(w.home, &st)) {
		err = xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				    "cannot open own network namespace");
		goto out;
	}
	w.home_ino = st.st_ino;
	err = xw_netns_pin_prefix(s->ns, prefix, sizeof(prefix));
	if (!err)
		err = xw_pinwalk(ctx, s->fs, prefix, s->device, verify_one_dir,
				 &w);
	if (!err && s->device && !s->ifindex && !w.n_dirs)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, s->device,
			      "no such device and nothing pinned for it");
	else if (!err && s->device && !r->n)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, s->device,
			      "no install of xdpwire on this device");
	if (!err && xw_verify_report_finish(r))
		err = oom(ctx);
out:
	if (w.home >= 0)
		close(w.home);
	if (err)
		xw_verify_report_free(r);
	return err;
}
