#include <errno.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/exit.h"
#include "core/report.h"
#include "xsk/xsk.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

static const char *family_name(int family)
{
	switch (family) {
	case AF_UNIX:
		return "a unix";
	case AF_INET:
		return "an IPv4";
	case AF_INET6:
		return "an IPv6";
	case AF_PACKET:
		return "a packet";
	case AF_NETLINK:
		return "a netlink";
	default:
		return "another";
	}
}

static const char *file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISFIFO(mode))
		return "a pipe";
	return "not a socket";
}

int xw_xsk_check(struct xw_ctx *ctx, int fd, const char *object)
{
	socklen_t len = sizeof(int);
	struct stat st;
	int family;

	if (fstat(fd, &st)) {
		if (errno == EBADF)
			return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
				       "not an open file descriptor");
		return xw_fail_errno(ctx, errno, object, "cannot stat");
	}
	if (!S_ISSOCK(st.st_mode))
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
			       "not an AF_XDP socket (it is %s)",
			       file_kind(st.st_mode));
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len))
		return xw_fail_errno(ctx, errno, object,
				     "cannot read socket family");
	if (family != AF_XDP)
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
			       "not an AF_XDP socket (it is %s socket)",
			       family_name(family));
	return 0;
}

int xw_fd_from_process(struct xw_ctx *ctx, int pid, int target_fd)
{
	char object[64];
	int pidfd, fd, err;

	snprintf(object, sizeof(object), "process %d", pid);
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0) {
		err = errno;
		if (err == ESRCH)
			return xw_fail(ctx, XW_EXIT_NOINPUT, 0, object,
				       "no such process");
		return xw_fail_errno(ctx, err, object, "cannot open pidfd");
	}
	fd = pidfd_getfd(pidfd, target_fd, 0);
	err = errno;
	close(pidfd);
	if (fd >= 0)
		return fd;
	if (err == EBADF)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, object,
			       "has no open descriptor %d", target_fd);
	if (err == ESRCH)
		return xw_fail(ctx, XW_EXIT_NOINPUT, 0, object,
			       "exited before its descriptor could be taken");
	/* The kernel's ptrace check: a process holding capabilities we lack
	 * is out of reach without CAP_SYS_PTRACE, whatever its uid. */
	if (err == EPERM)
		return xw_fail_errno(
			ctx, err, object,
			"cannot take descriptor %d (needs CAP_SYS_PTRACE, or every capability the process holds)",
			target_fd);
	return xw_fail_errno(ctx, err, object, "cannot take descriptor %d",
			     target_fd);
}
