/*
 * pin-gc's part in the sandboxes of a tunnel host install
 * (inspect/sandboxes.h): the owner slots of a stale sandbox (not
 * committed, its veth gone or not wired to this NIC) belong to nobody and
 * are freed.  A committed sandbox is the data path's and one whose veth
 * is wired here is a registration or removal in flight or killed, its
 * re-run's to finish: both are left alone, with --repair too.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>

#include "core/report.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "inspect/sandboxes.h"
#include "install/gc.h"
#include "pins/bpffs.h"
#include "pins/owner_table.h"

static int free_addr(struct xw_ctx *ctx, const struct xw_pindir *dir,
		     const struct xw_found_install *in,
		     const struct xw_sandbox *s,
		     const struct xw_sandbox_addr *a)
{
	int role = a->ip.family == AF_INET ? XW_MAP_OWNERS4 : XW_MAP_OWNERS6;
	const struct xw_found_pin *map = xw_found_map(in, role);
	char ip[XW_IP_STRLEN], path[PATH_MAX], detail[256];
	int err;

	xw_pindir_entry_path(dir, map->spec->name, path, sizeof(path));
	if (!ctx->dry_run) {
		err = xw_owner_free(map->obj.fd, a->slot);
		if (err)
			return xw_fail_errno(ctx, -err, path,
					     "cannot free slot %u", a->slot);
	}
	snprintf(detail, sizeof(detail), "%s of ifindex %u (slot %u): %s",
		 xw_ip_str(&a->ip, ip), s->ifindex, a->slot, s->why);
	xw_change(ctx, &(struct xw_change){
			       .action = ctx->dry_run ? "would free" : "freed",
			       .object = "address",
			       .path = path,
			       .detail = detail });
	return 0;
}

int xw_gc_sandboxes(struct xw_ctx *ctx, const struct xw_pindir *dir,
		    const struct xw_found_dir *d,
		    const struct xw_found_install *in, bool *acted)
{
	size_t k, j;
	int err = 0;

	if (in->layout != &xw_tunnel_host_layout || !d->sandboxes)
		return 0;
	for (k = 0; !err && k < d->sandboxes->n; k++) {
		const struct xw_sandbox *s = &d->sandboxes->s[k];

		if (s->gc == XW_GC_LEAVE)
			xw_warn(ctx, dir->path,
				"sandbox %s (ifindex %u) left alone: %s",
				s->veth[0] ? s->veth : "?", s->ifindex, s->why);
		if (s->gc != XW_GC_REMOVE)
			continue;
		for (j = 0; !err && j < s->n_addrs; j++)
			err = free_addr(ctx, dir, in, s, &s->addrs[j]);
		*acted = true;
	}
	return err;
}
