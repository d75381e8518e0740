#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/report.h"
#include "scrape/steal_journal.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* Far above any journal (100,000 routes take about 13 MB). */
#define XW_JOURNAL_MAX (256u << 20)

static const char *state_dir(void)
{
	const char *path = getenv("XDPWIRE_STATE_DIR");

	return path && *path ? path : XW_STATE_DIR;
}

/*
 * Whoever else can write to the directory could plant a journal that makes
 * the next --steal put addresses of their choosing on our interfaces, or
 * take ours away: it must be ours alone, as a pin directory must.
 */
static int open_dir(struct xw_ctx *ctx, const char *path)
{
	struct stat st;
	int fd;

	if (mkdir(path, 0700) && errno != EEXIST)
		return xw_fail(ctx, xw_exit_for_create(errno), errno, path,
			       "cannot create the state directory");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* O_DIRECTORY makes a symbolic link ENOTDIR rather than ELOOP. */
	if (fd < 0 && !lstat(path, &st) && S_ISLNK(st.st_mode))
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "state directory is a symbolic link, not followed");
	if (fd < 0)
		return xw_fail_errno(ctx, errno, path,
				     "cannot open the state directory");
	if (fstat(fd, &st)) {
		close(fd);
		return xw_fail_errno(ctx, errno, path,
				     "cannot stat the state directory");
	}
	if (st.st_uid != geteuid() || st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"state directory owned by uid %u with mode %04o: others could plant a journal of --steal in it",
			(unsigned int)st.st_uid,
			(unsigned int)(st.st_mode & 07777));
	}
	return fd;
}

/* The namespace's identity: its nsfs file's device and inode. */
static int ns_name(struct xw_ctx *ctx, struct xw_journal *j)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st))
		return xw_fail_errno(ctx, errno, "/proc/thread-self/ns/net",
				     "cannot stat this network namespace");
	snprintf(j->name, sizeof(j->name), "steal-%llu-%llu",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	return 0;
}

static bool still_linked(int dir, const char *name, int fd)
{
	struct stat a, b;

	return !fstatat(dir, name, &a, AT_SYMLINK_NOFOLLOW) && !fstat(fd, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * The lock file goes when its holder is done, so a run may lock a file
 * already unlinked: it then tries again with the one now in its place.
 */
static int take_lock(struct xw_ctx *ctx, struct xw_journal *j,
		     const char *dir_path)
{
	char name[80];
	struct stat st;
	int fd, tries;

	snprintf(name, sizeof(name), "%s.lock", j->name);
	for (tries = 0; tries < 100; tries++) {
		fd = openat(j->dir, name,
			    O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
				    O_CLOEXEC,
			    0600);
		if (fd < 0)
			return xw_fail_errno(ctx, errno, j->path,
					     "cannot open the lock of %s",
					     name);
		if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
		    st.st_uid != geteuid()) {
			close(fd);
			return xw_fail(ctx, XW_EXIT_DATAERR, 0, dir_path,
				       "%s: not a lock file of ours", name);
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			int err = errno;

			close(fd);
			if (err == EWOULDBLOCK)
				return xw_fail(
					ctx, XW_EXIT_TEMPFAIL, 0, j->path,
					"another scrape --steal or --restore of this namespace is running; retry");
			return xw_fail_errno(ctx, err, j->path, "cannot lock");
		}
		if (still_linked(j->dir, name, fd)) {
			j->lock = fd;
			/* A run killed as it wrote its journal left this. */
			snprintf(name, sizeof(name), "%s.json.tmp", j->name);
			if (unlinkat(j->dir, name, 0) == 0)
				xw_debug(ctx, 1, "%s: removed %s", dir_path,
					 name);
			return 0;
		}
		close(fd);
	}
	return xw_fail(ctx, XW_EXIT_TEMPFAIL, 0, j->path,
		       "its lock keeps being replaced; retry");
}

int xw_journal_lock(struct xw_ctx *ctx, int nl_fd, struct xw_journal *j)
{
	const char *dir = state_dir();
	socklen_t len = sizeof(j->cookie);
	int err;

	j->dir = -1;
	j->lock = -1;
	if (getsockopt(nl_fd, SOL_SOCKET, SO_NETNS_COOKIE, &j->cookie, &len))
		return xw_fail_errno(ctx, errno, "netlink",
				     "cannot read the namespace's cookie");
	err = ns_name(ctx, j);
	if (err)
		return err;
	if (snprintf(j->path, sizeof(j->path), "%s/%s.json", dir, j->name) >=
	    (int)sizeof(j->path))
		return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, dir,
			       "state directory path too long");
	j->dir = open_dir(ctx, dir);
	if (j->dir < 0)
		return j->dir;
	err = take_lock(ctx, j, dir);
	if (err) {
		close(j->dir);
		j->dir = -1;
	}
	return err;
}

void xw_journal_unlock(struct xw_journal *j)
{
	char name[80];

	if (j->lock >= 0) {
		snprintf(name, sizeof(name), "%s.lock", j->name);
		unlinkat(j->dir, name, 0);
		close(j->lock);
		j->lock = -1;
	}
	if (j->dir >= 0)
		close(j->dir);
	j->dir = -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int xw_journal_write(struct xw_ctx *ctx, struct xw_journal *j,
		     struct json_object *doc)
{
	const char *text =
		json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	char tmp[80], name[80];
	int fd, err;

	snprintf(tmp, sizeof(tmp), "%s.json.tmp", j->name);
	snprintf(name, sizeof(name), "%s.json", j->name);
	err = xw_fault("steal-journal");
	if (err)
		return xw_fail(ctx, XW_EXIT_CANTCREAT, -err, j->path,
			       "cannot write the journal (nothing removed)");
	fd = openat(j->dir, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return xw_fail(ctx, XW_EXIT_CANTCREAT, errno, j->path,
			       "cannot write the journal (nothing removed)");
	err = text ? write_all(fd, text, strlen(text)) : -ENOMEM;
	if (!err)
		err = write_all(fd, "\n", 1);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(j->dir, tmp, j->dir, name))
		err = -errno;
	/* The rename itself must outlive a crash before the first removal. */
	if (!err && fsync(j->dir))
		err = -errno;
	if (err) {
		unlinkat(j->dir, tmp, 0);
		return xw_fail(ctx, XW_EXIT_CANTCREAT, -err, j->path,
			       "cannot write the journal (nothing removed)");
	}
	xw_debug(ctx, 1, "%s: journal written", j->path);
	return 0;
}

static int read_text(struct xw_ctx *ctx, struct xw_journal *j, int fd,
		     char **text)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st))
		return xw_fail_errno(ctx, errno, j->path, "cannot stat");
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_mode & 077 || (uint64_t)st.st_size > XW_JOURNAL_MAX)
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, j->path,
			"not a journal of ours (a regular file of uid %u, mode 0600, at most %u bytes): left alone",
			(unsigned int)geteuid(), XW_JOURNAL_MAX);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, j->path,
			       "cannot read");
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return xw_fail(ctx, XW_EXIT_OSERR, n ? errno : EIO,
				       j->path, "cannot read");
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*text = buf;
	return 0;
}

int xw_journal_read(struct xw_ctx *ctx, struct xw_journal *j,
		    struct json_object **doc)
{
	char name[80], *text = NULL;
	int fd, err;

	*doc = NULL;
	snprintf(name, sizeof(name), "%s.json", j->name);
	fd = openat(j->dir, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, j->path,
			       "a symbolic link, not followed: left alone");
	if (fd < 0)
		return xw_fail_errno(ctx, errno, j->path,
				     "cannot open the journal");
	err = read_text(ctx, j, fd, &text);
	close(fd);
	if (err)
		return err;
	*doc = json_tokener_parse(text);
	free(text);
	if (!*doc || !json_object_is_type(*doc, json_type_object)) {
		json_object_put(*doc);
		*doc = NULL;
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, j->path,
			       "not a journal of scrape --steal: left alone");
	}
	return 0;
}

int xw_journal_discard(struct xw_journal *j)
{
	char name[80];

	snprintf(name, sizeof(name), "%s.json", j->name);
	if (unlinkat(j->dir, name, 0) && errno != ENOENT)
		return -errno;
	return fsync(j->dir) ? -errno : 0;
}

int xw_journal_remove(struct xw_ctx *ctx, struct xw_journal *j)
{
	int err = xw_journal_discard(j);

	if (err)
		return xw_fail_errno(ctx, -err, j->path,
				     "cannot remove the journal");
	xw_debug(ctx, 1, "%s: journal removed", j->path);
	return 0;
}
