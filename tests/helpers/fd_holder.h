/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the socket holders of the tests and the bench (xw-xsk-recv,
 * xw-sockrecv) share: hand the socket to an insert command, as a runtime
 * passes its socket to `xdpwire sockmap-insert --fd`, and tell the test
 * it is ready.
 */
#ifndef XW_FD_HOLDER_H
#define XW_FD_HOLDER_H

/*
 * Runs cmd with fd inherited, every "{fd}" argument replaced by its
 * number; returns its exit status (128 + signal when killed, 127 when it
 * could not be run), or -errno when it could not be started.
 */
int holder_run_insert(char **cmd, int fd);

/* Writes line to path atomically (a temporary file, renamed); -errno. */
int holder_write_ready(const char *path, const char *line);

#endif /* XW_FD_HOLDER_H */
