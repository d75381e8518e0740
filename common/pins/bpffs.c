#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/parse.h"
#include "core/path.h"
#include "core/report.h"
#include "net/ifname.h"
#include "pins/bpffs.h"

static bool fd_on_bpffs(int fd)
{
	struct statfs sfs;

	return !fstatfs(fd, &sfs) && sfs.f_type == BPF_FS_MAGIC;
}

static bool is_symlink(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISLNK(st.st_mode);
}

/*
 * The bpffs root may be shared the way /tmp is: owned by us or by root,
 * and writable by others only with the sticky bit (bpffs's own default,
 * 1777), which keeps others from removing or renaming our directories in
 * it.  What they can create there is theirs, and refused by
 * pindir_trusted() below.
 */
static int root_trusted(struct xw_ctx *ctx, int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st))
		return xw_fail_errno(ctx, errno, path,
				     "cannot stat bpffs root");
	if ((st.st_uid == geteuid() || st.st_uid == 0) &&
	    (!(st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_mode & S_ISVTX))
		return 0;
	return xw_fail(
		ctx, XW_EXIT_DATAERR, 0, path,
		"bpffs root owned by uid %u with mode %04o: others could replace what is pinned in it (mount one with: mount -t bpf -o mode=0700 bpf %s)",
		(unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777),
		path);
}

/*
 * A pin directory (and the netns:<inode> one holding it) must be the
 * caller's and writable by nobody else: whoever can write to it can unlink
 * the link pin and so detach our program, or plant objects for us to use.
 * The directory is also the lock, so this covers the lock too.  Under
 * XW_PINDIR_UNTRUSTED_SKIP (a walk over the whole tree) such a directory
 * is a warning and -EACCES, and the walk goes on without entering it.
 */
static int pindir_trusted(struct xw_ctx *ctx, int fd, const char *path,
			  unsigned int flags)
{
	struct stat st;

	if (fstat(fd, &st))
		return xw_fail_errno(ctx, errno, path,
				     "cannot stat pin directory");
	if (st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (flags & XW_PINDIR_UNTRUSTED_SKIP) {
		xw_warn(ctx, path,
			"owned by uid %u with mode %04o: not trusted, left alone",
			(unsigned int)st.st_uid,
			(unsigned int)(st.st_mode & 07777));
		return -EACCES;
	}
	return xw_fail(
		ctx, XW_EXIT_DATAERR, 0, path,
		"owned by uid %u with mode %04o: refusing a pin directory not owned by uid %u or writable by group or others",
		(unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777),
		(unsigned int)geteuid());
}

int xw_bpffs_open(struct xw_ctx *ctx, const char *path, struct xw_bpffs *fs)
{
	int err;

	fs->fd = -1;
	if (xw_path(fs->path, sizeof(fs->path), "%s", path))
		return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, "bpffs",
			       "path too long");
	/* A symbolic link, FIFO, socket or device there is ENOTDIR. */
	fs->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK |
				    O_CLOEXEC);
	if (fs->fd < 0) {
		err = errno;
		if (err == ENOENT)
			return xw_fail(
				ctx, XW_EXIT_NOINPUT, 0, path,
				"no such directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)");
		if (err == ENOTDIR)
			return xw_fail(
				ctx, XW_EXIT_DATAERR, 0, path,
				"%s (the bpffs root: --bpffs or XDPWIRE_BPFFS)",
				is_symlink(path) ?
					"a symbolic link, not followed" :
					"not a directory");
		return xw_fail_errno(ctx, err, path, "cannot open bpffs root");
	}
	/* Refuse rather than mount one: pins on another fs would fail anyway. */
	if (!fd_on_bpffs(fs->fd)) {
		close(fs->fd);
		fs->fd = -1;
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"not a bpf filesystem (mount one with: mount -t bpf -o mode=0700 bpf %s)",
			path);
	}
	err = root_trusted(ctx, fs->fd, path);
	if (err) {
		close(fs->fd);
		fs->fd = -1;
	}
	return err;
}

void xw_bpffs_close(struct xw_bpffs *fs)
{
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* XDPWIRE_LOCK_TIMEOUT_MS overrides the default bound, e.g. for tests. */
static long lock_timeout_ms(void)
{
	const char *env = getenv("XDPWIRE_LOCK_TIMEOUT_MS");
	uint32_t ms;

	if (env && !xw_parse_u32(env, 0, 3600 * 1000, &ms))
		return ms;
	return XW_LOCK_TIMEOUT_MS;
}

/*
 * Waits for the lock (LOCK_EX or LOCK_SH) with a bound, backing off from 1
 * to 16 ms.
 */
static int lock_fd(struct xw_ctx *ctx, int fd, int how, const char *path)
{
	long timeout = lock_timeout_ms();
	long long deadline = now_ms() + timeout;
	struct timespec pause = { 0, 1000000 };
	bool said = false;

	while (flock(fd, how | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return xw_fail_errno(ctx, errno, path, "cannot lock");
		if (now_ms() >= deadline)
			return xw_fail(ctx, XW_EXIT_TEMPFAIL, 0, path,
				       "locked by another run for %ld ms; retry",
				       timeout);
		if (!said) {
			xw_debug(ctx, 1,
				 "%s: locked by another run: waiting up to %ld ms",
				 path, timeout);
			said = true;
		}
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 16000000)
			pause.tv_nsec *= 2;
	}
	return 0;
}

static int lock_dir(struct xw_ctx *ctx, int fd, const char *path)
{
	return lock_fd(ctx, fd, LOCK_EX, path);
}

/* True if name in parent is still the directory fd refers to. */
static bool still_linked(int parent_fd, const char *name, int fd)
{
	struct stat a, b;

	return !fstatat(parent_fd, name, &a, AT_SYMLINK_NOFOLLOW) &&
	       !fstat(fd, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Opens name under parent without following a symlink; creates it with
 * XW_PINDIR_MODE first when asked.  *created tells whether this call made
 * it.  mkdirat() sets the mark bit with the directory itself (the umask
 * never clears S_ISVTX), so no kill can leave one of ours unmarked.  When
 * creating, a name or parent removed by another run (pin-gc, --unpin)
 * between our steps sets *vanished and returns -ENOENT unrecorded: the
 * caller starts over rather than fail.
 */
static int open_subdir(struct xw_ctx *ctx, int parent_fd, const char *name,
		       const char *path, unsigned int flags, bool *created,
		       bool *vanished)
{
	bool create = flags & XW_PINDIR_CREATE;
	int fd, err;

	*created = false;
	if (create) {
		if (!mkdirat(parent_fd, name, XW_PINDIR_MODE)) {
			*created = true;
		} else if (errno == ENOENT) {
			*vanished = true;
			return -ENOENT;
		} else if (errno != EEXIST) {
			err = errno;
			return xw_fail(ctx, xw_exit_for_create(err), err, path,
				       "cannot create pin directory");
		}
	}
	fd = openat(parent_fd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT && !create)
			return -ENOENT;
		if (err == ENOENT) {
			*vanished = true;
			return -ENOENT;
		}
		if (err == ELOOP || err == ENOTDIR)
			return xw_fail(
				ctx, XW_EXIT_DATAERR, 0, path,
				"not a directory (a symlink or a pinned object is there: refusing to follow it)");
		return xw_fail_errno(ctx, err, path,
				     "cannot open pin directory");
	}
	if (*created && fchmod(fd, XW_PINDIR_MODE)) {
		err = xw_fail_errno(ctx, errno, path, "cannot set mode 1700");
		close(fd);
		return err;
	}
	if (!fd_on_bpffs(fd)) {
		close(fd);
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "not on a bpf filesystem");
	}
	err = pindir_trusted(ctx, fd, path, flags);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static void remove_created(struct xw_pindir *dir)
{
	if (dir->created && dir->parent_fd >= 0)
		unlinkat(dir->parent_fd, dir->name, AT_REMOVEDIR);
	if (dir->prefix_created && dir->root_fd >= 0)
		unlinkat(dir->root_fd, dir->prefix, AT_REMOVEDIR);
	dir->created = dir->prefix_created = false;
}

void xw_pindir_init(struct xw_pindir *dir)
{
	memset(dir, 0, sizeof(*dir));
	dir->fd = dir->parent_fd = dir->root_fd = -1;
}

/*
 * Opens name in dir->parent_fd under the parent's lock, the one that
 * orders creation against removal.  A creator holds it exclusively from
 * mkdirat() until it holds the new directory's own lock, and everyone else
 * opens a pin directory holding it shared, so nobody can open, lock, judge
 * empty and remove a directory before its creator has locked it (pin-gc),
 * nor install into it first (a concurrent install of the same device,
 * which would leave the creator reporting a directory it did not fill).
 * No one waits for anything while holding it.  *locked: the directory's
 * own lock is already held.
 */
static int open_locked_parent(struct xw_ctx *ctx, struct xw_pindir *dir,
			      const char *parent_path, unsigned int flags,
			      bool *vanished, bool *locked)
{
	int how = flags & XW_PINDIR_CREATE ? LOCK_EX : LOCK_SH;
	int fd, err;

	*locked = false;
	err = lock_fd(ctx, dir->parent_fd, how, parent_path);
	if (err)
		return err;
	fd = open_subdir(ctx, dir->parent_fd, dir->name, dir->path, flags,
			 &dir->created, vanished);
	if (fd >= 0) {
		dir->fd = fd;
		err = xw_fault("pindir-lock");
		if (err)
			xw_fail(ctx, XW_EXIT_OSERR, -err, dir->path,
				"cannot lock");
		else if (dir->created)
			*locked = !flock(fd, LOCK_EX | LOCK_NB);
	}
	flock(dir->parent_fd, LOCK_UN);
	return fd < 0 ? fd : err;
}

/* One attempt; returns 1 if the directory vanished while we worked. */
static int pindir_try_open(struct xw_ctx *ctx, const struct xw_bpffs *fs,
			   unsigned int flags, struct xw_pindir *dir)
{
	char prefix_path[PATH_MAX];
	bool vanished = false, locked;
	int fd, err;

	dir->parent_fd = fs->fd;
	if (dir->prefix[0]) {
		if (xw_path(prefix_path, sizeof(prefix_path), "%s/%s", fs->path,
			    dir->prefix))
			return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG,
				       fs->path, "pin path too long");
		fd = open_subdir(ctx, fs->fd, dir->prefix, prefix_path, flags,
				 &dir->prefix_created, &vanished);
		if (fd < 0)
			return vanished ? 1 : fd;
		dir->root_fd = fs->fd;
		dir->parent_fd = fd;
	}
	err = open_locked_parent(ctx, dir,
				 dir->prefix[0] ? prefix_path : fs->path, flags,
				 &vanished, &locked);
	if (err)
		return vanished ? 1 : err;
	/*
	 * The creator that could not take the lock at once (a --map run
	 * holds it) waits like everyone else.
	 */
	if (!locked) {
		err = lock_dir(ctx, dir->fd, dir->path);
		if (err)
			return err;
	}
	/* An --unpin or pin-gc may have removed it while we waited. */
	if (!still_linked(dir->parent_fd, dir->name, dir->fd))
		return 1;
	return 0;
}

int xw_pindir_open(struct xw_ctx *ctx, const struct xw_bpffs *fs,
		   const char *prefix, const char *name, unsigned int flags,
		   struct xw_pindir *dir)
{
	int attempt, err;

	for (attempt = 0; attempt < 8; attempt++) {
		xw_pindir_init(dir);
		snprintf(dir->prefix, sizeof(dir->prefix), "%s", prefix);
		snprintf(dir->name, sizeof(dir->name), "%s", name);
		if (xw_path(dir->path, sizeof(dir->path), "%s/%s%s%s", fs->path,
			    prefix, *prefix ? "/" : "", name))
			return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG,
				       fs->path, "pin path too long");
		err = pindir_try_open(ctx, fs, flags, dir);
		if (err <= 0) {
			if (err < 0) {
				remove_created(dir);
				xw_pindir_close(dir);
			}
			return err;
		}
		xw_pindir_close(dir);
	}
	return xw_fail(ctx, XW_EXIT_TEMPFAIL, 0, dir->path,
		       "keeps being removed and re-created by other runs; retry");
}

int xw_pindir_open_path(struct xw_ctx *ctx, const char *path,
			struct xw_pindir *dir)
{
	struct stat a, b;
	int err;

	xw_pindir_init(dir);
	if (xw_path(dir->path, sizeof(dir->path), "%s", path))
		return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, "--map",
			       "path too long");
	dir->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK |
				     O_CLOEXEC);
	if (dir->fd < 0) {
		err = errno;
		if (err == ENOTDIR)
			return xw_fail(ctx, XW_EXIT_DATAERR, 0, path, "%s",
				       is_symlink(path) ?
					       "a symbolic link, not followed" :
					       "not a directory");
		return xw_fail(ctx,
			       err == ENOENT ? XW_EXIT_NOINPUT :
					       xw_exit_for_errno(err),
			       err, path, "cannot open directory");
	}
	if (!fd_on_bpffs(dir->fd)) {
		xw_pindir_close(dir);
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "not on a bpf filesystem");
	}
	/* --map's directory is trusted no more than an install's. */
	err = pindir_trusted(ctx, dir->fd, path, 0);
	if (!err)
		err = lock_dir(ctx, dir->fd, path);
	if (err) {
		xw_pindir_close(dir);
		return err;
	}
	if (stat(path, &a) || fstat(dir->fd, &b) || a.st_ino != b.st_ino) {
		xw_pindir_close(dir);
		return xw_fail(ctx, XW_EXIT_TEMPFAIL, 0, path,
			       "removed while waiting for its lock; retry");
	}
	return 0;
}

bool xw_pindir_remove_if_empty(struct xw_ctx *ctx, struct xw_pindir *dir)
{
	bool removed;

	if (dir->parent_fd < 0 || !dir->name[0])
		return false;
	removed = !unlinkat(dir->parent_fd, dir->name, AT_REMOVEDIR);
	if (!removed)
		xw_debug(ctx, 1, "%s: kept: %s", dir->path,
			 errno == ENOTEMPTY ? "not empty" : strerror(errno));
	else if (dir->prefix[0] && dir->root_fd >= 0)
		unlinkat(dir->root_fd, dir->prefix, AT_REMOVEDIR);
	dir->created = dir->prefix_created = false;
	return removed;
}

bool xw_pindir_marked(const struct xw_pindir *dir)
{
	struct stat st;

	return !fstat(dir->fd, &st) && (st.st_mode & 07777) == XW_PINDIR_MODE;
}

void xw_pindir_close(struct xw_pindir *dir)
{
	if (dir->fd >= 0)
		close(dir->fd);
	if (dir->root_fd >= 0 && dir->parent_fd >= 0 &&
	    dir->parent_fd != dir->root_fd)
		close(dir->parent_fd);
	dir->fd = dir->parent_fd = dir->root_fd = -1;
}

int xw_pindir_entry_path(const struct xw_pindir *dir, const char *name,
			 char *buf, size_t size)
{
	return xw_path(buf, size, "%s/%s", dir->path, name);
}

int xw_pindir_entry_fdpath(const struct xw_pindir *dir, const char *name,
			   char *buf, size_t size)
{
	return xw_path(buf, size, "/proc/self/fd/%d/%s", dir->fd, name);
}
