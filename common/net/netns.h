/*
 * --netns: do the work inside another network namespace.  Pins of work
 * done in a namespace other than the one xdpwire started in go under
 * <bpffs>/netns:<inode>/<device>/, so a device eth0 in a sandbox never
 * shares a directory with the host's eth0.  Namespace inodes are allocated
 * from 0xF0000000 up, and the initial namespaces have fixed numbers just
 * below it (init_net: 0xEFFFFFF9): ten digits either way, so
 * "netns:<inode>" is 16 bytes long and can never be the directory of a
 * device, whose names have at most 15.
 */
#ifndef XW_NETNS_H
#define XW_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xw_ctx;

struct xw_netns {
	uint64_t ino; /* inode of the namespace the work happens in */
	bool foreign; /* not the namespace xdpwire was started in */
};

/* Records the caller's own namespace (no --netns). */
int xw_netns_self(struct xw_ctx *ctx, struct xw_netns *ns);

/*
 * Opens path after checking that it is a network namespace; returns the fd
 * (O_CLOEXEC) and, if ino is set, the namespace's inode.
 */
int xw_netns_open(struct xw_ctx *ctx, const char *path, uint64_t *ino);

/* Checks that path is a network namespace and moves this process into it. */
int xw_netns_enter(struct xw_ctx *ctx, const char *path, struct xw_netns *ns);

/* Whether the namespace with inode ino is the machine's initial one. */
enum xw_initial { XW_INITIAL_NO, XW_INITIAL_YES, XW_INITIAL_UNKNOWN };

/*
 * By identity: the inode of /proc/1/ns/net when it can be read; else the
 * fixed inode the initial namespace has since Linux 6.18 (0xEFFFFFF9).  On
 * older kernels without access to /proc/1 the answer is unknown.
 */
enum xw_initial xw_netns_initial(uint64_t ino);

/*
 * Calls fn for every network namespace this process can name: the bind
 * mounts under /run/netns, then those of the processes under /proc, each
 * namespace once, with fd an open descriptor of it (closed after fn).  A
 * non-zero return of fn stops the walk and is returned.  Entries that are
 * not network namespaces, or vanish meanwhile, are passed over; nothing is
 * followed that could block (only regular nsfs files are opened).
 */
typedef int (*xw_netns_fn)(int fd, uint64_t ino, const char *path, void *arg);
int xw_netns_each(xw_netns_fn fn, void *arg);

/*
 * Opens the network namespace with inode ino, found as xw_netns_each()
 * finds them, and names where in path; -ENOENT when none is found.
 */
int xw_netns_find(uint64_t ino, char *path, size_t size);

/* The inode of "netns:<inode>", or 0 if prefix is not one. */
uint64_t xw_netns_prefix_ino(const char *prefix);

/* "netns:<inode>" for a foreign namespace, "" otherwise. */
int xw_netns_pin_prefix(const struct xw_netns *ns, char *buf, size_t size);

#endif /* XW_NETNS_H */
