/*
 * The command that repairs an unhealthy install, as status shows it under
 * the install: pin-gc --repair where that restores it (it restores what a
 * re-run of the install would, keeping maps and the sockets in them),
 * pin-gc where nothing of it can be restored (its device is gone), none
 * where it needs a person.  Exact: with the --bpffs, --netns and --device
 * that reach the install's directory, each quoted for a POSIX shell.
 */
#ifndef XW_REPAIR_CMD_H
#define XW_REPAIR_CMD_H

#include <stdbool.h>
#include <stddef.h>

struct xw_found_dir;
struct xw_found_install;
struct xw_sandbox;

struct xw_repair_scope {
	const char *bpffs; /* the root walked */
	const char *netns; /* the --netns given, or NULL */
	const char *prefix; /* the directory's "netns:<inode>", or "" */
};

/* Writes the command to buf; false if there is none (ok, or a person's). */
bool xw_repair_command(const struct xw_repair_scope *scope,
		       const struct xw_found_dir *d,
		       const struct xw_found_install *in, char *buf,
		       size_t size);

/*
 * The same for one sandbox of a tunnel host install (sandboxes.h): pin-gc
 * for a stale one, the veth's tunnel-install --unpin for a broken one,
 * none when it is ok or its veth cannot be named.
 */
bool xw_repair_sandbox_command(const struct xw_repair_scope *scope,
			       const struct xw_found_dir *d,
			       const struct xw_sandbox *s, char *buf,
			       size_t size);

#endif /* XW_REPAIR_CMD_H */
