/*
 * Registered sandboxes (tunnel_owner.c): a sandbox's veth committed in the
 * NIC's tunnel_host_sandbox_map, and the addresses it owns in the NIC's
 * owner tables.  Internal to the tunnel flow (tunnel.c); every call is
 * made under the NIC's pin directory lock.
 */
#ifndef XW_TUNNEL_OWNER_H
#define XW_TUNNEL_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/owner_table.h"
#include "core/parse.h"
#include "pins/pin.h"

struct xw_ctx;
struct xw_dev;
struct xw_pindir;
struct xw_target;

/* The NIC's three tables; any fd -1: an install made before them. */
struct xw_owner_tables {
	const struct xw_pindir *dir; /* the NIC's, locked */
	struct xw_pinned sandboxes;
	struct xw_pinned owners[2]; /* IPv4, IPv6 */
};

/* A sandbox's addresses, sorted, each once. */
struct xw_owner_set {
	struct xw_ip ip[XW_MAX_SANDBOX_ADDRS];
	size_t n;
};

int xw_owner_tables_open(struct xw_ctx *ctx, const struct xw_pindir *dir,
			 struct xw_owner_tables *tabs);
void xw_owner_tables_close(struct xw_owner_tables *tabs);
bool xw_owner_tables_legacy(const struct xw_owner_tables *tabs);

/*
 * Sorts and deduplicates ip[0..n) into set; more than
 * XW_MAX_SANDBOX_ADDRS is a usage failure (64).
 */
int xw_owner_set_make(struct xw_ctx *ctx, const char *object,
		      const struct xw_ip *ip, size_t n,
		      struct xw_owner_set *set);

/*
 * Refusals of registering veth with set, nothing changed: a legacy install
 * (66), the NIC's slot-0 veth (69), committed with another set (65), an
 * address another live sandbox owns (65) or the NIC's own without force
 * (65; with force a warning).  *already: committed with this very set.
 */
int xw_owner_check(struct xw_ctx *ctx, const struct xw_target *t,
		   const struct xw_owner_tables *tabs, int host_map,
		   const struct xw_dev *veth, const struct xw_owner_set *set,
		   bool force, bool *already);

/*
 * Writes veth's owner entries, frees its stale ones and commits it; the
 * veth is wired already.  On failure everything it wrote is put back.
 */
int xw_owner_register(struct xw_ctx *ctx, const struct xw_target *t,
		      const struct xw_owner_tables *tabs,
		      const struct xw_dev *veth,
		      const struct xw_owner_set *set);

/*
 * Uncommits veth, then frees every owner slot holding its ifindex; both
 * idempotent, so a re-run finishes what a killed run began.
 */
int xw_owner_deregister(struct xw_ctx *ctx, const struct xw_owner_tables *tabs,
			const struct xw_dev *veth);

/* Whether veth's ifindex is committed (a key of tunnel_host_sandbox_map). */
bool xw_owner_committed(const struct xw_owner_tables *tabs, uint32_t ifindex);

/*
 * Provided by tunnel.c: whether the device ifindex carries our veth
 * install pointing at t->dev (a registration or removal in flight).
 */
bool xw_tunnel_wired_here(struct xw_ctx *ctx, const struct xw_target *t,
			  uint32_t ifindex);

#endif /* XW_TUNNEL_OWNER_H */
