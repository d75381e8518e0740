/*
 * The bpffs root and the pin directories under it.  Directories are walked
 * one component at a time with O_NOFOLLOW, checked to be on a bpffs, and
 * locked with flock() before anything in them is read or changed, so two
 * runs on the same device are serialised and a planted symlink is never
 * followed.  Objects are then addressed relative to the directory fd.
 */
#ifndef XW_BPFFS_H
#define XW_BPFFS_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

struct xw_ctx;

/* How long a run waits for another run's lock on the same directory. */
#define XW_LOCK_TIMEOUT_MS 10000

struct xw_bpffs {
	int fd;
	char path[PATH_MAX];
};

struct xw_pindir {
	int fd; /* locked */
	int parent_fd; /* the directory holding it */
	int root_fd; /* the bpffs root, when prefix is set */
	char prefix[32];
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
	bool created;
	bool prefix_created;
};

#define XW_PINDIR_CREATE 0x1
/* A directory not ours alone is a warning and -EACCES, not a failure. */
#define XW_PINDIR_UNTRUSTED_SKIP 0x2

/*
 * The mode of the directories xdpwire creates: 0700, and the sticky bit as
 * the mark that proves a directory is xdpwire's (bpffs takes no regular
 * files or xattrs to mark it otherwise).  pin-gc removes an empty
 * directory only if it carries the mark or pin-gc itself emptied it.
 */
#define XW_PINDIR_MODE 01700

/* An empty directory handle, safe to close. */
void xw_pindir_init(struct xw_pindir *dir);

int xw_bpffs_open(struct xw_ctx *ctx, const char *path, struct xw_bpffs *fs);
void xw_bpffs_close(struct xw_bpffs *fs);

/*
 * Opens and locks <root>/[<prefix>/]<name>.  Without XW_PINDIR_CREATE a
 * missing directory returns -ENOENT and records no failure, so a caller can
 * report "nothing installed".  A directory (or netns:<inode> parent) not
 * owned by the effective uid, or writable by group or others, is refused
 * (exit 65) and never pinned into.
 */
int xw_pindir_open(struct xw_ctx *ctx, const struct xw_bpffs *fs,
		   const char *prefix, const char *name, unsigned int flags,
		   struct xw_pindir *dir);

/*
 * Opens and locks the bpffs directory path itself (sockmap-insert --map),
 * refused like a pin directory when another user owns or can write to it.
 */
int xw_pindir_open_path(struct xw_ctx *ctx, const char *path,
			struct xw_pindir *dir);

/*
 * Removes the directory (and an emptied netns:<inode> parent) when nothing
 * is left in it; returns true if it did.
 */
bool xw_pindir_remove_if_empty(struct xw_ctx *ctx, struct xw_pindir *dir);

/* Whether the directory carries xdpwire's mark (XW_PINDIR_MODE). */
bool xw_pindir_marked(const struct xw_pindir *dir);

void xw_pindir_close(struct xw_pindir *dir);

/* path of an entry, for messages: <dir>/<name> */
int xw_pindir_entry_path(const struct xw_pindir *dir, const char *name,
			 char *buf, size_t size);

/*
 * The same entry as a path the kernel resolves through the directory fd
 * (/proc/self/fd/N/name), for the bpf() calls that only take paths.
 */
int xw_pindir_entry_fdpath(const struct xw_pindir *dir, const char *name,
			   char *buf, size_t size);

#endif /* XW_BPFFS_H */
