/*
 * Walking the pin tree for status and pin-gc: every device directory of a
 * namespace, each opened and locked in turn like the installers do, so a
 * walk never sees an install half-way.  Symlinks are never followed and
 * entries that cannot be a device's directory are passed over.
 */
#ifndef XW_PINWALK_H
#define XW_PINWALK_H

#include <stdbool.h>

struct xw_bpffs;
struct xw_ctx;
struct xw_pindir;

/*
 * Called with dir locked; device is the name the directory stands for;
 * checked is false for the directories of another namespace, whose
 * devices cannot be looked up from here.  A non-zero return stops the
 * walk.
 */
typedef int (*xw_pindir_fn)(struct xw_ctx *ctx, struct xw_pindir *dir,
			    const char *device, bool checked, void *arg);

/*
 * The directories of the namespace whose pins go under prefix ("" for
 * xdpwire's own; then the netns:<inode> subtrees of other namespaces too,
 * unchecked), in name order, or only the one for device when it is set.
 */
int xw_pinwalk(struct xw_ctx *ctx, const struct xw_bpffs *fs,
	       const char *prefix, const char *device, xw_pindir_fn fn,
	       void *arg);

#endif /* XW_PINWALK_H */
