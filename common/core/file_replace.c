#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/file_replace.h"
#include "core/path.h"
#include "core/report.h"

/* path's directory and last component; "" for a path that has none. */
static int split(const char *path, char *dir, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	if (!slash)
		return xw_path(dir, size, ".");
	if (slash == path)
		return xw_path(dir, size, "/");
	return xw_path(dir, size, "%.*s", (int)(slash - path), path);
}

/*
 * The directory must be ours or root's and writable by nobody else:
 * whoever can write to it can rename their own file over ours between two
 * runs, and the collector would publish it as ours.
 */
static int open_dir(struct xw_ctx *ctx, const char *dir)
{
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return xw_fail_errno(ctx, errno, dir, "cannot open directory");
	if (fstat(fd, &st)) {
		xw_fail_errno(ctx, errno, dir, "cannot stat directory");
		close(fd);
		return -EIO;
	}
	if ((st.st_uid != geteuid() && st.st_uid != 0) ||
	    st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, dir,
			"directory owned by uid %u with mode %04o: refusing to write in a directory not owned by uid %u or root, or writable by group or others",
			(unsigned int)st.st_uid,
			(unsigned int)(st.st_mode & 07777),
			(unsigned int)geteuid());
	}
	return fd;
}

/*
 * What is at path now, if anything, must be a regular file: a symbolic
 * link is not followed, and a FIFO or device is opened without blocking
 * only to be refused.
 */
static int check_target(struct xw_ctx *ctx, int dir, const char *base,
			const char *path)
{
	struct stat st;
	int fd;

	fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "is a symbolic link, not followed");
	if (fd < 0)
		return xw_fail_errno(ctx, errno, path, "cannot open");
	if (fstat(fd, &st)) {
		xw_fail_errno(ctx, errno, path, "cannot stat");
		close(fd);
		return -EIO;
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "not a regular file");
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The temporary file: a dot name without the final name's suffix, so a
 * collector that reads *.prom never reads it, even one a crash left.
 */
static int write_tmp(struct xw_ctx *ctx, int dir, const char *tmp,
		     const char *dir_path, const char *data, size_t len)
{
	int fd, err;

	fd = openat(dir, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return xw_fail(ctx, xw_exit_for_create(errno), errno, dir_path,
			       "cannot create %s", tmp);
	/* Readable by the collector whatever our umask. */
	err = fchmod(fd, 0644) ? -errno : 0;
	if (!err)
		err = write_all(fd, data, len);
	if (!err)
		err = xw_fault("metrics-rename");
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, dir_path,
			       "cannot write %s", tmp);
	return 0;
}

int xw_file_replace(struct xw_ctx *ctx, const char *path, const char *what,
		    const char *data, size_t len)
{
	char dir_path[PATH_MAX], tmp[NAME_MAX + 1];
	const char *base;
	int dir, err;

	if (split(path, dir_path, sizeof(dir_path), &base) ||
	    snprintf(tmp, sizeof(tmp), ".%.200s.%d.tmp", base, (int)getpid()) <
		    0)
		return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, path,
			       "path too long");
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "names a directory, not a file");
	dir = open_dir(ctx, dir_path);
	if (dir < 0)
		return dir;
	err = check_target(ctx, dir, base, path);
	if (!err)
		err = write_tmp(ctx, dir, tmp, dir_path, data, len);
	if (!err && renameat(dir, tmp, dir, base))
		err = xw_fail_errno(ctx, errno, path, "cannot replace");
	/* The rename must outlive a crash as well as the data. */
	if (!err && fsync(dir))
		err = xw_fail_errno(ctx, errno, dir_path, "cannot sync");
	if (err)
		unlinkat(dir, tmp, 0);
	else
		xw_change(ctx, &(struct xw_change){ .action = "wrote",
						    .object = what,
						    .path = path });
	close(dir);
	return err;
}
