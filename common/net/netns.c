#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "core/exit.h"
#include "core/path.h"
#include "core/report.h"
#include "net/ifname.h"
#include "net/netns.h"

static int own_netns_ino(struct xw_ctx *ctx, uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return xw_fail_errno(ctx, errno, "/proc/self/ns/net",
				     "cannot read own network namespace");
	*ino = st.st_ino;
	return 0;
}

int xw_netns_self(struct xw_ctx *ctx, struct xw_netns *ns)
{
	ns->foreign = false;
	return own_netns_ino(ctx, &ns->ino);
}

/*
 * Opens path as O_PATH first: that neither blocks (a FIFO), nor runs a
 * device's open, nor takes a terminal.  Only an nsfs file is then opened
 * for real, through the descriptor, so the path cannot be swapped.  The
 * magic links under /proc/PID/ns are symbolic links: they are followed.
 */
static int open_nsfs(struct xw_ctx *ctx, const char *path, struct stat *st)
{
	char self[64];
	struct statfs sfs;
	int opath, fd, err;

	opath = open(path, O_PATH | O_CLOEXEC);
	if (opath < 0) {
		err = errno;
		if (err == ENOENT)
			return xw_fail(
				ctx, XW_EXIT_NOINPUT, 0, path,
				"no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)");
		return xw_fail_errno(ctx, err, path,
				     "cannot open network namespace");
	}
	if (fstatfs(opath, &sfs) || fstat(opath, st)) {
		err = xw_fail_errno(ctx, errno, path, "cannot stat");
		goto out;
	}
	if (sfs.f_type != NSFS_MAGIC) {
		err = xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)");
		goto out;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", opath);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	err = fd < 0 ? xw_fail_errno(ctx, errno, path,
				     "cannot open network namespace") :
		       fd;
out:
	close(opath);
	return err;
}

int xw_netns_open(struct xw_ctx *ctx, const char *path, uint64_t *ino)
{
	struct stat st;
	int fd, type, err;

	fd = open_nsfs(ctx, path, &st);
	if (fd < 0)
		return fd;
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		err = xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			      "not a network namespace");
		goto fail;
	}
	if (ino)
		*ino = st.st_ino;
	return fd;
fail:
	close(fd);
	return err;
}

int xw_netns_enter(struct xw_ctx *ctx, const char *path, struct xw_netns *ns)
{
	uint64_t self = 0, ino = 0;
	int fd, err;

	err = own_netns_ino(ctx, &self);
	if (err)
		return err;
	fd = xw_netns_open(ctx, path, &ino);
	if (fd < 0)
		return fd;
	err = 0;
	if (setns(fd, CLONE_NEWNET))
		err = xw_fail_errno(ctx, errno, path,
				    "cannot enter network namespace");
	close(fd);
	if (err)
		return err;
	ns->ino = ino;
	ns->foreign = ino != self;
	return 0;
}

int xw_netns_pin_prefix(const struct xw_netns *ns, char *buf, size_t size)
{
	if (!ns->foreign)
		return xw_path(buf, size, "%s", "");
	return xw_path(buf, size, "netns:%llu", (unsigned long long)ns->ino);
}

/* NET_NS_INIT_INO of <linux/nsfs.h>, which older headers lack. */
#define XW_NET_NS_INIT_INO 0xEFFFFFF9u

/* Since 6.18 the initial namespace has its fixed inode, never another. */
static bool kernel_fixes_init_ino(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 18);
}

enum xw_initial xw_netns_initial(uint64_t ino)
{
	struct stat st;

	if (!stat("/proc/1/ns/net", &st))
		return st.st_ino == ino ? XW_INITIAL_YES : XW_INITIAL_NO;
	if (ino == XW_NET_NS_INIT_INO)
		return XW_INITIAL_YES;
	return kernel_fixes_init_ino() ? XW_INITIAL_NO : XW_INITIAL_UNKNOWN;
}
