/*
 * Finding a network namespace by its inode, for status: pins made in
 * another namespace name it only by inode (netns:<inode>/), or not at all
 * (a run started inside it pins at the root).  The namespaces a process
 * can name are those bind-mounted under /run/netns (ip netns) and those of
 * the processes it sees; one held only by a descriptor or a mount we
 * cannot see is not found, and status says so instead of guessing.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "net/netns.h"

struct seen {
	uint64_t *ino;
	size_t n, cap;
};

static bool seen_add(struct seen *s, uint64_t ino)
{
	uint64_t *grown;
	size_t k;

	for (k = 0; k < s->n; k++)
		if (s->ino[k] == ino)
			return false;
	if (s->n == s->cap) {
		grown = realloc(s->ino, (s->cap * 2 + 16) * sizeof(*s->ino));
		if (!grown)
			return false;
		s->ino = grown;
		s->cap = s->cap * 2 + 16;
	}
	s->ino[s->n++] = ino;
	return true;
}

/*
 * Opens path if it is a network namespace not seen yet.  stat() first: a
 * FIFO planted under /run/netns would block open(); an nsfs file is a
 * regular one.  The checks are then made on the open descriptor.
 */
static int open_ns(const char *path, struct seen *s, uint64_t *ino)
{
	struct statfs sfs;
	struct stat st;
	int fd;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sfs) || sfs.f_type != NSFS_MAGIC || fstat(fd, &st) ||
	    ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET ||
	    !seen_add(s, st.st_ino)) {
		close(fd);
		return -1;
	}
	*ino = st.st_ino;
	return fd;
}

static int visit_dir(const char *dir, bool pids, struct seen *s, xw_netns_fn fn,
		     void *arg)
{
	char path[PATH_MAX];
	struct dirent *e;
	uint64_t ino;
	int fd, ret = 0;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return 0;
	while (!ret && (e = readdir(dp))) {
		if (e->d_name[0] == '.' ||
		    (pids && !isdigit((unsigned char)e->d_name[0])))
			continue;
		if (snprintf(path, sizeof(path),
			     pids ? "%s/%s/ns/net" : "%s/%s", dir,
			     e->d_name) >= (int)sizeof(path))
			continue;
		fd = open_ns(path, s, &ino);
		if (fd < 0)
			continue;
		ret = fn(fd, ino, path, arg);
		close(fd);
	}
	closedir(dp);
	return ret;
}

int xw_netns_each(xw_netns_fn fn, void *arg)
{
	struct seen s = { NULL, 0, 0 };
	int ret;

	ret = visit_dir("/run/netns", false, &s, fn, arg);
	if (!ret)
		ret = visit_dir("/proc", true, &s, fn, arg);
	free(s.ino);
	return ret;
}

struct find {
	uint64_t ino;
	char *path;
	size_t size;
	int fd;
};

static int match_ino(int fd, uint64_t ino, const char *path, void *arg)
{
	struct find *f = arg;

	if (ino != f->ino)
		return 0;
	f->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (f->fd < 0)
		return -errno;
	snprintf(f->path, f->size, "%s", path);
	return 1;
}

int xw_netns_find(uint64_t ino, char *path, size_t size)
{
	struct find f = { ino, path, size, -1 };
	int ret = xw_netns_each(match_ino, &f);

	if (ret < 0)
		return ret;
	return ret ? f.fd : -ENOENT;
}

uint64_t xw_netns_prefix_ino(const char *prefix)
{
	unsigned long long ino;
	char *end;

	if (!prefix || strncmp(prefix, "netns:", 6) ||
	    !isdigit((unsigned char)prefix[6]))
		return 0;
	errno = 0;
	ino = strtoull(prefix + 6, &end, 10);
	return errno || *end ? 0 : ino;
}
