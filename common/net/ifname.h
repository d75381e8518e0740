/*
 * Device names on their way into paths.  A name is checked against the
 * kernel's own rules before it becomes a path component, and mapped to a
 * bpffs directory name: the bpffs refuses any name containing '.', while a
 * device name can never contain ':', so '.' -> ':' is a one-to-one mapping
 * (eth0.100 -> eth0:100) and no two devices share a directory.
 */
#ifndef XW_IFNAME_H
#define XW_IFNAME_H

#include <net/if.h>
#include <stddef.h>

/* Why name cannot be a device name, or NULL if it can. */
const char *xw_ifname_problem(const char *name);

/* The pin directory name of a valid device name. */
void xw_ifname_to_dirname(const char *name, char out[IFNAMSIZ]);

/* The device name a pin directory belongs to; -EINVAL if none can. */
int xw_dirname_to_ifname(const char *dir, char out[IFNAMSIZ]);

#endif /* XW_IFNAME_H */
