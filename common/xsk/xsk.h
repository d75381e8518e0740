/* The AF_XDP sockets sockmap-insert is handed, and how it gets them. */
#ifndef XW_XSK_H
#define XW_XSK_H

struct xw_ctx;

/* Fails unless fd is an open AF_XDP socket; object names it in messages. */
int xw_xsk_check(struct xw_ctx *ctx, int fd, const char *object);

/* A copy of descriptor target_fd of process pid (pidfd_getfd). */
int xw_fd_from_process(struct xw_ctx *ctx, int pid, int target_fd);

#endif /* XW_XSK_H */
