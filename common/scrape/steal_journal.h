/*
 * The journal of scrape --steal: what a run is about to take from a
 * network namespace, written before the first removal to a file that
 * outlives the process, so that a run killed midway loses nothing: the
 * next --steal (or --restore) of the namespace puts back what it lists.
 *
 * It lives in the state directory, /run/xdpwire ($XDPWIRE_STATE_DIR),
 * which must be the caller's and writable by nobody else, as
 * steal-<dev>-<inode>.json: the namespace's identity, the device and
 * inode of its nsfs file.  Beside it, steal-<dev>-<inode>.lock keeps two
 * runs on one namespace apart.  Written whole or not at all (a temporary
 * file, fsync, rename, fsync of the directory), owner-only, and nothing
 * is followed.
 */
#ifndef XW_STEAL_JOURNAL_H
#define XW_STEAL_JOURNAL_H

#include <limits.h>
#include <stdint.h>

struct json_object;
struct xw_ctx;

#define XW_STATE_DIR "/run/xdpwire"

struct xw_journal {
	int dir; /* the state directory, -1 when not open */
	int lock; /* the namespace's lock file, held; -1 when not */
	char name[64]; /* "steal-<dev>-<inode>" */
	char path[PATH_MAX]; /* the journal's, for messages */
	uint64_t cookie; /* the namespace's, unique for the boot */
};

/*
 * Opens the state directory and takes the lock of the network namespace
 * this process is in; nl_fd is a socket made in it (for its cookie).
 * Exit 75 when another run holds the lock.
 */
int xw_journal_lock(struct xw_ctx *ctx, int nl_fd, struct xw_journal *j);

/* Drops the lock, removing its file; safe on a journal never locked. */
void xw_journal_unlock(struct xw_journal *j);

/* Writes doc as the journal, replacing any. */
int xw_journal_write(struct xw_ctx *ctx, struct xw_journal *j,
		     struct json_object *doc);

/* The journal, or *doc NULL when there is none. */
int xw_journal_read(struct xw_ctx *ctx, struct xw_journal *j,
		    struct json_object **doc);

int xw_journal_remove(struct xw_ctx *ctx, struct xw_journal *j);
/* The same, recording nothing: -errno on failure. */
int xw_journal_discard(struct xw_journal *j);

#endif /* XW_STEAL_JOURNAL_H */
