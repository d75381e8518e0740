/*
 * The sandboxes of a tunnel host install (issue 15): the veths registered
 * with the addresses they own, read from the NIC's three tables
 * (tunnel_host_sandbox_map and the two owner tables) and judged.  Read
 * only: status shows the list, pin-gc frees the owner slots of the stale
 * ones (install/gc_sandbox.c).  A sandbox's health never changes its
 * install's: status --check, the units and the agent's readiness count
 * installs, not sandboxes.
 */
#ifndef XW_SANDBOXES_H
#define XW_SANDBOXES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"
#include "inspect/found.h"

struct xw_found_dir;
struct xw_pindir;

/* One address of a sandbox and the owner table slot holding it. */
struct xw_sandbox_addr {
	struct xw_ip ip;
	uint32_t slot; /* in the table of ip.family */
};

struct xw_sandbox {
	uint32_t ifindex; /* the host side of its veth */
	char veth[IF_NAMESIZE]; /* its name now, "" if it is gone */
	bool committed; /* a key of tunnel_host_sandbox_map */
	struct xw_sandbox_addr *addrs; /* sorted (xw_ip_cmp) */
	size_t n_addrs;
	/*
	 * ok, stale (pin-gc frees its slots: gc XW_GC_REMOVE) or broken
	 * (left alone, repaired by its veth's --unpin: XW_GC_LEAVE).
	 */
	enum xw_health health;
	enum xw_gc_action gc;
	char why[192];
};

struct xw_sandbox_list {
	struct xw_sandbox *s; /* by ifindex */
	size_t n;
};

/*
 * Whether in is a tunnel host install with all three tables pinned; one
 * without (installed by an earlier xdpwire) has no sandboxes to list.
 */
bool xw_sandboxes_readable(const struct xw_found_install *in);

/*
 * Whether in is a tunnel host install made by an earlier xdpwire: none of
 * the three tables is pinned (a re-run of its install adds them).
 */
bool xw_sandboxes_legacy(const struct xw_found_install *in);

/*
 * Reads and judges the sandboxes of in, the tunnel host install found in
 * dir (d: the directory as inspected).  -errno on a table that cannot be
 * read or on ENOMEM, with out empty.  Free out with xw_sandboxes_free().
 */
int xw_sandboxes_read(const struct xw_pindir *dir, const struct xw_found_dir *d,
		      const struct xw_found_install *in,
		      struct xw_sandbox_list *out);
void xw_sandboxes_free(struct xw_sandbox_list *list);

#endif /* XW_SANDBOXES_H */
