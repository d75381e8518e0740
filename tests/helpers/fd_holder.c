// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "fd_holder.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int holder_run_insert(char **cmd, int fd)
{
	char fdstr[16];
	int flags, status;
	pid_t pid;
	char **p;

	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	for (p = cmd; *p; p++)
		if (!strcmp(*p, "{fd}"))
			*p = fdstr;
	flags = fcntl(fd, F_GETFD);
	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	/* A stop signal must not orphan the inserter mid-update. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (fcntl(fd, F_SETFD, flags) < 0)
		return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

int holder_write_ready(const char *path, const char *line)
{
	char tmp[PATH_MAX];
	size_t len = strlen(line);
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, line, len) != (ssize_t)len) {
		close(fd);
		return errno ? -errno : -EIO;
	}
	if (close(fd))
		return -errno;
	/* rename() is atomic: a poller sees no file or a whole one. */
	return rename(tmp, path) ? -errno : 0;
}
