/*
 * status's walk: every pin directory under the bpffs root (or one
 * device's), each inspected and judged in the network namespace its
 * install belongs to, into the status document (status_doc.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/report.h"
#include "inspect/health.h"
#include "inspect/repair_cmd.h"
#include "inspect/status.h"
#include "inspect/status_metrics.h"
#include "inspect/status_text.h"
#include "net/device.h"
#include "net/netns.h"
#include "pins/bpffs.h"
#include "pins/pinwalk.h"
#include "pins/xdp.h"

struct status_walk {
	struct xw_status_report *r;
	size_t n_dirs;
	int home; /* the namespace status runs in, to come back to */
	uint64_t home_ino;
	const struct xw_status_scope *scope; /* for the repair commands */
};

/* Adds the report of d, inspected in the namespace this runs in. */
static int report_dir(struct xw_ctx *ctx, struct status_walk *w,
		      struct xw_pindir *dir, struct xw_found_dir *d,
		      const char *judged_in)
{
	const struct xw_repair_scope scope = { w->scope->fs->path,
					       w->scope->netns, dir->prefix };
	struct json_object *o;
	int k, err = 0;

	/* A directory of others' pins only is none of ours to show. */
	if (!d->n_installs && !d->n_temporary && d->n_foreign) {
		xw_health_free(d);
		return 0;
	}
	o = xw_status_dir_json(ctx, &scope, dir, d, judged_in);
	for (k = 0; k < d->n_installs; k++) {
		w->r->n_installs++;
		w->r->n_ok += d->installs[k].health == XW_HEALTH_OK;
	}
	if (w->r->table)
		err = xw_status_table_add_dir(w->r->table, o);
	if (!err && w->r->metrics)
		err = xw_status_metrics_add_dir(w->r->metrics, o);
	xw_health_free(d);
	/* The metrics are the document's rendering: it is not kept too. */
	if (!err && !w->r->metrics)
		err = xw_json_text_add(w->r->dirs, o);
	json_object_put(o);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
			       "cannot build the report");
	return 0;
}

static int go_home(struct xw_ctx *ctx, const struct status_walk *w)
{
	/* Anything after this would look up devices in the wrong place. */
	if (setns(w->home, CLONE_NEWNET))
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot return to own network namespace");
	return 0;
}

/*
 * Judges dir fully inside the namespace fd (found at path) and comes
 * back.  status is single-threaded, so moving the process is safe; every
 * socket that looks devices up is opened afresh inside.  A namespace that
 * cannot be entered (another user namespace's) returns the errno, > 0,
 * and nothing is reported: the caller judges without it.
 */
static int report_in(struct xw_ctx *ctx, struct status_walk *w, int fd,
		     const char *path, struct xw_pindir *dir,
		     const char *device)
{
	struct xw_found_dir d;
	int err;

	if (setns(fd, CLONE_NEWNET)) {
		err = errno;
		xw_debug(ctx, 1, "%s: cannot enter network namespace %s: %s",
			 dir->path, path, strerror(err));
		return err;
	}
	xw_debug(ctx, 1, "%s: judged in network namespace %s", dir->path, path);
	err = xw_health_inspect(ctx, dir, device, true, &d);
	if (!err)
		err = report_dir(ctx, w, dir, &d, path);
	if (go_home(ctx, w))
		return -EIO;
	return err;
}

/* A netns:<inode>/ directory: judged in that namespace if it is found. */
static int show_prefixed(struct xw_ctx *ctx, struct status_walk *w,
			 struct xw_pindir *dir, const char *device)
{
	uint64_t ino = xw_netns_prefix_ino(dir->prefix);
	char path[PATH_MAX], why[200];
	struct xw_found_dir d;
	int fd, err;

	if (ino && ino == w->home_ino) {
		err = xw_health_inspect(ctx, dir, device, true, &d);
		return err ?: report_dir(ctx, w, dir, &d, NULL);
	}
	fd = ino ? xw_netns_find(ino, path, sizeof(path)) : -ENOENT;
	if (fd >= 0) {
		err = report_in(ctx, w, fd, path, dir, device);
		close(fd);
		if (err <= 0)
			return err;
		snprintf(why, sizeof(why),
			 "network namespace %s cannot be entered (%s): judged by its pins and link only",
			 dir->prefix, strerror(err));
	} else {
		xw_debug(ctx, 1, "%s: network namespace not found", dir->path);
		snprintf(why, sizeof(why),
			 "network namespace %s not found under /run/netns or /proc: judged by its pins and link only",
			 dir->prefix);
	}
	err = xw_health_inspect(ctx, dir, device, false, &d);
	if (err)
		return err;
	xw_health_unjudged(&d, why);
	return report_dir(ctx, w, dir, &d, NULL);
}

/* What a namespace must have to be where an install's link is attached. */
struct link_home {
	const char *device;
	uint32_t ifindex, prog_id;
	uint64_t skip; /* status's own namespace, already asked */
	int fd;
	char path[PATH_MAX];
};

static int has_link(int fd, uint64_t ino, const char *path, void *arg)
{
	struct link_home *h = arg;
	struct xw_dev dev = { .ifindex = h->ifindex };
	struct xw_xdp_state st;

	if (ino == h->skip || setns(fd, CLONE_NEWNET))
		return 0;
	if (if_nametoindex(h->device) != h->ifindex ||
	    xw_xdp_query(NULL, &dev, &st) || st.prog_id != h->prog_id)
		return 0;
	h->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	snprintf(h->path, sizeof(h->path), "%s", path);
	return h->fd >= 0;
}

/*
 * A directory at the root whose link is attached in another namespace: an
 * install made by a run started inside that namespace, on a bpffs shared
 * with ours.  The namespace where the device of that name has the link's
 * ifindex and runs its program is the install's own.
 */
static int show_elsewhere(struct xw_ctx *ctx, struct status_walk *w,
			  struct xw_pindir *dir, const char *device,
			  struct xw_found_dir *d)
{
	struct link_home h = { .device = device,
			       .skip = w->home_ino,
			       .fd = -1 };
	int k, err;

	for (k = 0; k < d->n_installs; k++) {
		const struct bpf_link_info *li =
			&xw_found_link(&d->installs[k])->obj.info.link;

		if (d->installs[k].health != XW_HEALTH_OTHER_NETNS)
			continue;
		h.ifindex = li->xdp.ifindex;
		h.prog_id = li->prog_id;
		break;
	}
	xw_netns_each(has_link, &h);
	if (go_home(ctx, w)) {
		if (h.fd >= 0)
			close(h.fd);
		xw_health_free(d);
		return -EIO;
	}
	if (h.fd < 0) {
		xw_debug(ctx, 1, "%s: no namespace has %s at ifindex %u",
			 dir->path, device, h.ifindex);
		return report_dir(ctx, w, dir, d, NULL);
	}
	err = report_in(ctx, w, h.fd, h.path, dir, device);
	close(h.fd);
	if (err > 0)
		return report_dir(ctx, w, dir, d, NULL);
	xw_health_free(d);
	return err;
}

static int show_dir(struct xw_ctx *ctx, struct xw_pindir *dir,
		    const char *device, bool checked, void *arg)
{
	struct status_walk *w = arg;
	struct xw_found_dir d;
	int err;

	w->n_dirs++;
	if (!checked)
		return show_prefixed(ctx, w, dir, device);
	err = xw_health_inspect(ctx, dir, device, true, &d);
	if (err)
		return err;
	if (xw_health_elsewhere(&d))
		return show_elsewhere(ctx, w, dir, device, &d);
	return report_dir(ctx, w, dir, &d, NULL);
}

static int open_home(struct xw_ctx *ctx, struct status_walk *w)
{
	struct stat st;

	w->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->home < 0 || fstat(w->home, &st))
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot open own network namespace");
	w->home_ino = st.st_ino;
	return 0;
}

static int report_oom(struct xw_ctx *ctx, struct xw_status_report *r)
{
	xw_status_report_free(r);
	return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "status",
		       "cannot build the report");
}

int xw_status_collect(struct xw_ctx *ctx, const struct xw_status_scope *s,
		      unsigned int render, struct xw_status_report *r)
{
	struct status_walk w = { .r = r, .home = -1, .scope = s };
	char prefix[32];
	int err;

	memset(r, 0, sizeof(*r));
	r->dirs = xw_json_text_array();
	/* Rows wait for the walk: a failed run prints only its error. */
	if (render & XW_STATUS_TABLE)
		r->table = xw_status_table_new();
	if (render & XW_STATUS_METRICS)
		r->metrics = xw_status_metrics_new();
	if (!r->dirs || (render & XW_STATUS_TABLE && !r->table) ||
	    (render & XW_STATUS_METRICS && !r->metrics))
		return report_oom(ctx, r);
	err = open_home(ctx, &w);
	if (!err)
		err = xw_netns_pin_prefix(s->ns, prefix, sizeof(prefix));
	if (!err)
		err = xw_pinwalk(ctx, s->fs, prefix, s->device, show_dir, &w);
	/* A typo must not pass for a device with nothing installed. */
	if (!err && s->device && !s->ifindex && !w.n_dirs)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, s->device,
			      "no such device and nothing pinned for it");
	if (w.home >= 0)
		close(w.home);
	if (err)
		xw_status_report_free(r);
	return err;
}

void xw_status_report_free(struct xw_status_report *r)
{
	xw_status_table_free(r->table);
	xw_status_metrics_free(r->metrics);
	json_object_put(r->dirs);
	r->table = NULL;
	r->metrics = NULL;
	r->dirs = NULL;
}
