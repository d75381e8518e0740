#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/path.h"
#include "core/report.h"
#include "net/ifname.h"
#include "pins/bpffs.h"
#include "pins/pinwalk.h"

#define XW_NETNS_PREFIX "netns:"

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The subdirectories of path, sorted; symlinks are not directories here. */
static int subdirs(const char *path, struct dirent ***list)
{
	int n = scandir(path, list, NULL, by_name), k, kept = 0;
	struct stat st;
	char *full;

	if (n < 0)
		return -errno;
	for (k = 0; k < n; k++) {
		bool dir = false;

		if (strcmp((*list)[k]->d_name, ".") &&
		    strcmp((*list)[k]->d_name, "..") &&
		    asprintf(&full, "%s/%s", path, (*list)[k]->d_name) >= 0) {
			dir = !lstat(full, &st) && S_ISDIR(st.st_mode);
			free(full);
		}
		if (dir)
			(*list)[kept++] = (*list)[k];
		else
			free((*list)[k]);
	}
	return kept;
}

static int visit(struct xw_ctx *ctx, const struct xw_bpffs *fs,
		 const char *prefix, const char *name, const char *device,
		 bool checked, unsigned int flags, xw_pindir_fn fn, void *arg)
{
	struct xw_pindir dir;
	int err;

	/* A walk warns about a directory it cannot trust and goes on. */
	err = xw_pindir_open(ctx, fs, prefix, name, flags, &dir);
	if (err == -ENOENT || err == -EACCES)
		return 0; /* removed since it was listed, or not trusted */
	if (err)
		return err;
	err = fn(ctx, &dir, device, checked, arg);
	xw_pindir_close(&dir);
	return err;
}

static int walk_level(struct xw_ctx *ctx, const struct xw_bpffs *fs,
		      const char *prefix, bool checked, xw_pindir_fn fn,
		      void *arg)
{
	char path[PATH_MAX], device[IFNAMSIZ];
	struct dirent **list;
	int n, k, err = 0;

	if (xw_path(path, sizeof(path), "%s%s%s", fs->path, *prefix ? "/" : "",
		    prefix))
		return 0;
	n = subdirs(path, &list);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return xw_fail_errno(ctx, -n, path, "cannot list");
	for (k = 0; k < n && !err; k++) {
		const char *name = list[k]->d_name;

		if (!*prefix &&
		    !strncmp(name, XW_NETNS_PREFIX, strlen(XW_NETNS_PREFIX)))
			err = walk_level(ctx, fs, name, false, fn, arg);
		else if (!xw_dirname_to_ifname(name, device))
			err = visit(ctx, fs, prefix, name, device, checked,
				    XW_PINDIR_UNTRUSTED_SKIP, fn, arg);
	}
	for (k = 0; k < n; k++)
		free(list[k]);
	free(list);
	return err;
}

int xw_pinwalk(struct xw_ctx *ctx, const struct xw_bpffs *fs,
	       const char *prefix, const char *device, xw_pindir_fn fn,
	       void *arg)
{
	char dirname[IFNAMSIZ];

	if (!device)
		return walk_level(ctx, fs, prefix, true, fn, arg);
	xw_ifname_to_dirname(device, dirname);
	return visit(ctx, fs, prefix, dirname, device, true, 0, fn, arg);
}
