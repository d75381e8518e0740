/*
 * Registering a sandbox with the addresses it owns, and removing it.
 *
 * The data path follows an owner entry only through a redirect into
 * tunnel_host_sandbox_map, so an entry whose ifindex is not a key there is
 * invisible.  That one key is the commit point: registration writes the
 * entries first and commits last, removal uncommits first and frees the
 * entries after.  A run killed anywhere leaves the old or the new state as
 * the data path sees it, and the re-run of the same command finishes.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/report.h"
#include "inspect/kinds.h"
#include "install/tunnel_owner.h"
#include "net/addrs.h"
#include "net/device.h"
#include "net/netlink.h"
#include "pins/bpffs.h"
#include "pins/owner_table.h"
#include "pins/target.h"

static const int roles[2] = { XW_MAP_OWNERS4, XW_MAP_OWNERS6 };

static int fam_idx(const struct xw_ip *ip)
{
	return ip->family == AF_INET6;
}

int xw_owner_tables_open(struct xw_ctx *ctx, const struct xw_pindir *dir,
			 struct xw_owner_tables *tabs)
{
	const struct xw_layout *l = &xw_tunnel_host_layout;
	int err = 0, k;

	tabs->dir = dir;
	tabs->sandboxes.fd = -1;
	tabs->owners[0].fd = -1;
	tabs->owners[1].fd = -1;
	/* A layout without the roles: built before the bpf part's tables. */
	if (l->n_maps <= XW_MAP_OWNERS6)
		return 0;
	err = xw_pin_open(ctx, dir, &l->maps[XW_MAP_SANDBOXES],
			  &tabs->sandboxes);
	for (k = 0; !err && k < 2; k++)
		err = xw_pin_open(ctx, dir, &l->maps[roles[k]],
				  &tabs->owners[k]);
	if (err)
		xw_owner_tables_close(tabs);
	return err;
}

void xw_owner_tables_close(struct xw_owner_tables *tabs)
{
	xw_pinned_close(&tabs->sandboxes);
	xw_pinned_close(&tabs->owners[0]);
	xw_pinned_close(&tabs->owners[1]);
}

bool xw_owner_tables_legacy(const struct xw_owner_tables *tabs)
{
	return tabs->sandboxes.fd < 0 || tabs->owners[0].fd < 0 ||
	       tabs->owners[1].fd < 0;
}

bool xw_owner_committed(const struct xw_owner_tables *tabs, uint32_t ifindex)
{
	uint32_t val;

	return tabs->sandboxes.fd >= 0 &&
	       !bpf_map_lookup_elem(tabs->sandboxes.fd, &ifindex, &val);
}

static int cmp_ip(const void *a, const void *b)
{
	return xw_ip_cmp(a, b);
}

int xw_owner_set_make(struct xw_ctx *ctx, const char *object,
		      const struct xw_ip *ip, size_t n,
		      struct xw_owner_set *set)
{
	struct xw_ip all[2 * XW_MAX_SANDBOX_ADDRS];
	size_t k;

	set->n = 0;
	if (!n) /* ip may be NULL then, which memcpy may not take */
		return 0;
	if (n > sizeof(all) / sizeof(all[0]))
		n = sizeof(all) / sizeof(all[0]);
	memcpy(all, ip, n * sizeof(*ip));
	qsort(all, n, sizeof(all[0]), cmp_ip);
	for (k = 0; k < n; k++) {
		if (set->n && !xw_ip_cmp(&set->ip[set->n - 1], &all[k]))
			continue;
		if (set->n == XW_MAX_SANDBOX_ADDRS)
			return xw_fail(ctx, XW_EXIT_USAGE, 0, object,
				       "more than %d addresses for one sandbox",
				       XW_MAX_SANDBOX_ADDRS);
		set->ip[set->n++] = all[k];
	}
	return 0;
}

static void path_of(const struct xw_owner_tables *tabs, int role, char *buf,
		    size_t size)
{
	xw_pindir_entry_path(tabs->dir, xw_tunnel_host_layout.maps[role].name,
			     buf, size);
}

/* The addresses whose slots hold ifindex, in slot order per family. */
struct held {
	uint32_t ifindex;
	struct xw_ip ip[XW_MAX_SANDBOX_ADDRS * 2];
	uint32_t slot[XW_MAX_SANDBOX_ADDRS * 2];
	int fam[XW_MAX_SANDBOX_ADDRS * 2];
	size_t n;
	int cur_fam;
	bool overflow; /* more than fit: a re-run frees the rest */
};

static int held_one(const struct xw_ip *ip, uint32_t ifindex, uint32_t slot,
		    void *arg)
{
	struct held *h = arg;

	if (ifindex != h->ifindex)
		return 0;
	if (h->n == sizeof(h->ip) / sizeof(h->ip[0])) {
		h->overflow = true;
		return 0;
	}
	h->ip[h->n] = *ip;
	h->slot[h->n] = slot;
	h->fam[h->n] = h->cur_fam;
	h->n++;
	return 0;
}

static int read_held(struct xw_ctx *ctx, const struct xw_owner_tables *tabs,
		     uint32_t ifindex, struct held *h)
{
	static const int family[2] = { AF_INET, AF_INET6 };
	char path[PATH_MAX];
	int k, err;

	memset(h, 0, sizeof(*h));
	h->ifindex = ifindex;
	for (k = 0; k < 2; k++) {
		h->cur_fam = k;
		err = xw_owner_walk(tabs->owners[k].fd, family[k], held_one, h);
		if (err) {
			path_of(tabs, roles[k], path, sizeof(path));
			return xw_fail(ctx, XW_EXIT_OSERR, -err, path,
				       "cannot read the address table");
		}
	}
	return 0;
}

static bool in_set(const struct xw_owner_set *set, const struct xw_ip *ip)
{
	return bsearch(ip, set->ip, set->n, sizeof(set->ip[0]), cmp_ip) != NULL;
}

/* A committed sandbox asks for the set it has, or is told to --unpin. */
static int check_same_set(struct xw_ctx *ctx, const struct xw_target *t,
			  const struct held *h, const struct xw_dev *veth,
			  const struct xw_owner_set *set, bool *already)
{
	char a[XW_IP_STRLEN];
	size_t k, n_in = 0;

	for (k = 0; k < h->n; k++) {
		if (!in_set(set, &h->ip[k]))
			return xw_fail(
				ctx, XW_EXIT_DATAERR, 0, veth->name,
				"registered on %s with %s, which this run leaves out: nothing changed (tunnel-install --device %s --veth %s --unpin first)",
				t->dev.name, xw_ip_str(&h->ip[k], a),
				t->dev.name, veth->name);
		n_in++;
	}
	for (k = 0; k < set->n && n_in != set->n; k++) {
		size_t j;
		bool have = false;

		for (j = 0; j < h->n && !have; j++)
			have = !xw_ip_cmp(&h->ip[j], &set->ip[k]);
		if (!have)
			return xw_fail(
				ctx, XW_EXIT_DATAERR, 0, veth->name,
				"registered on %s without %s: nothing changed (tunnel-install --device %s --veth %s --unpin first)",
				t->dev.name, xw_ip_str(&set->ip[k], a),
				t->dev.name, veth->name);
	}
	*already = true;
	return 0;
}

/* Another sandbox owning ip, alive: committed, or wired here in flight. */
static int check_owner(struct xw_ctx *ctx, const struct xw_target *t,
		       const struct xw_owner_tables *tabs,
		       const struct xw_dev *veth, const struct xw_ip *ip)
{
	char a[XW_IP_STRLEN], name[IF_NAMESIZE];
	uint32_t owner = 0, slot;
	int err;

	err = xw_owner_find(tabs->owners[fam_idx(ip)].fd, ip, &owner, &slot);
	if (err == -ENOENT || (!err && owner == veth->ifindex))
		return 0;
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, t->dev.name,
			       "cannot read the address tables");
	if (!xw_owner_committed(tabs, owner) &&
	    (!if_indextoname(owner, name) ||
	     !xw_tunnel_wired_here(ctx, t, owner)))
		return 0; /* stale: overwritten */
	if (!if_indextoname(owner, name))
		snprintf(name, sizeof(name), "gone");
	return xw_fail(
		ctx, XW_EXIT_DATAERR, 0, xw_ip_str(ip, a),
		"owned by sandbox %s (ifindex %u) on %s: nothing changed (tunnel-install --device %s --veth %s --unpin frees it)",
		name, owner, t->dev.name, t->dev.name, name);
}

/*
 * The NIC's own addresses in this namespace, the host's traffic (also
 * while it is down: they carry it again once it is up), into *out (freed
 * by the caller); a failure to read them is recorded.
 */
static int host_addrs(struct xw_ctx *ctx, const struct xw_target *t,
		      struct xw_ip **out, size_t *n)
{
	struct nl_sock *sk;
	size_t max = 0;
	int err;

	*out = NULL;
	err = xw_nl_open(ctx, &sk);
	if (err)
		return err;
	/* A NIC may hold any number: sized by the read before. */
	while ((err = xw_addrs_held(ctx, sk, t->dev.ifindex, *out, max, n)) ==
	       -E2BIG) {
		free(*out);
		max = *n + 16;
		*out = calloc(max, sizeof(**out));
		if (!*out) {
			err = xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, t->dev.name,
				      "cannot read its addresses");
			break;
		}
	}
	xw_nl_close(sk);
	return err;
}

static bool host_owns(const struct xw_ip *host, size_t n,
		      const struct xw_ip *ip)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!xw_ip_cmp(&host[k], ip))
			return true;
	return false;
}

int xw_owner_check(struct xw_ctx *ctx, const struct xw_target *t,
		   const struct xw_owner_tables *tabs, int host_map,
		   const struct xw_dev *veth, const struct xw_owner_set *set,
		   bool force, bool *already)
{
	char a[XW_IP_STRLEN];
	uint32_t key = 0, slot0 = 0;
	struct xw_ip *host = NULL;
	size_t k, n_host = 0;
	struct held h;
	int err;

	*already = false;
	if (xw_owner_tables_legacy(tabs))
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, t->dev.name,
			"the tunnel install has no address tables (made by an earlier xdpwire): re-run tunnel-install --device %s first; slot 0 and its sandbox are kept",
			t->dev.name);
	if (!bpf_map_lookup_elem(host_map, &key, &slot0) &&
	    slot0 == veth->ifindex)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, veth->name,
			"wired to slot 0 of %s: unwire it first (tunnel-install --device %s --veth %s --unpin)",
			t->dev.name, t->dev.name, veth->name);
	if (xw_owner_committed(tabs, veth->ifindex)) {
		err = read_held(ctx, tabs, veth->ifindex, &h);
		return err ?: check_same_set(ctx, t, &h, veth, set, already);
	}
	for (k = 0; k < set->n; k++) {
		err = check_owner(ctx, t, tabs, veth, &set->ip[k]);
		if (err)
			return err;
	}
	err = host_addrs(ctx, t, &host, &n_host);
	for (k = 0; !err && k < set->n; k++) {
		if (!host_owns(host, n_host, &set->ip[k]))
			continue;
		xw_ip_str(&set->ip[k], a);
		if (!force) {
			err = xw_fail(
				ctx, XW_EXIT_DATAERR, 0, a,
				"assigned to %s on this host; the host would lose its traffic to the sandbox (--force takes it)",
				t->dev.name);
			break;
		}
		xw_warn(ctx, t->dev.name,
			"%s is the host's own; its traffic now goes to %s, not the host",
			a, veth->name);
	}
	free(host);
	return err;
}

/* What one slot held before this run wrote it: the undo list. */
struct undo {
	int fam[XW_MAX_SANDBOX_ADDRS * 3];
	struct xw_ip ip[XW_MAX_SANDBOX_ADDRS * 3];
	uint32_t slot[XW_MAX_SANDBOX_ADDRS * 3];
	uint32_t old[XW_MAX_SANDBOX_ADDRS * 3];
	size_t n;
};

static void undo_push(struct undo *u, int fam, const struct xw_ip *ip,
		      uint32_t slot, uint32_t old)
{
	if (u->n == sizeof(u->old) / sizeof(u->old[0]))
		return;
	u->fam[u->n] = fam;
	u->ip[u->n] = *ip;
	u->slot[u->n] = slot;
	u->old[u->n] = old;
	u->n++;
}

static void undo_run(const struct xw_owner_tables *tabs, struct undo *u)
{
	while (u->n--)
		xw_owner_restore(tabs->owners[u->fam[u->n]].fd, &u->ip[u->n],
				 u->slot[u->n], u->old[u->n]);
}

static int full(struct xw_ctx *ctx, const struct xw_target *t,
		const struct xw_owner_tables *tabs, const struct xw_ip *ip,
		int err)
{
	const struct xw_pinned *p = &tabs->owners[fam_idx(ip)];
	char a[XW_IP_STRLEN];

	if (err == -E2BIG)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, t->dev.name,
			"%s is full (%u address%s): remove a sandbox, or install the node with a larger --max-addresses",
			xw_tunnel_host_layout.maps[roles[fam_idx(ip)]].name,
			p->info.map.max_entries / XW_OWNER_SLOTS_PER_ADDR,
			p->info.map.max_entries == XW_OWNER_SLOTS_PER_ADDR ?
				"" :
				"es");
	return xw_fail(
		ctx, XW_EXIT_UNAVAILABLE, 0, t->dev.name,
		"%s has no free slot for %s (crowded there): remove a sandbox, or install the node with a larger --max-addresses",
		xw_tunnel_host_layout.maps[roles[fam_idx(ip)]].name,
		xw_ip_str(ip, a));
}

/* Frees the slots ifindex holds for addresses not in set (leftovers). */
static int prune(struct xw_ctx *ctx, const struct xw_owner_tables *tabs,
		 const struct xw_dev *veth, const struct xw_owner_set *set,
		 struct undo *u)
{
	struct held h;
	size_t k;
	int err = read_held(ctx, tabs, veth->ifindex, &h);

	for (k = 0; !err && k < h.n; k++) {
		if (in_set(set, &h.ip[k]))
			continue;
		err = xw_owner_free(tabs->owners[h.fam[k]].fd, h.slot[k]);
		if (err)
			return xw_fail(ctx, XW_EXIT_OSERR, -err, veth->name,
				       "cannot free a stale address slot");
		undo_push(u, h.fam[k], &h.ip[k], h.slot[k], veth->ifindex);
	}
	return err;
}

static int add_all(struct xw_ctx *ctx, const struct xw_target *t,
		   const struct xw_owner_tables *tabs,
		   const struct xw_dev *veth, const struct xw_owner_set *set,
		   struct undo *u)
{
	char path[PATH_MAX], detail[96], a[XW_IP_STRLEN];
	uint32_t slot, old;
	size_t k;
	int err;

	for (k = 0; k < set->n; k++) {
		const struct xw_ip *ip = &set->ip[k];
		int f = fam_idx(ip);

		err = xw_fault("owner-add");
		if (!err)
			err = xw_owner_insert(tabs->owners[f].fd, ip,
					      veth->ifindex, &slot, &old);
		if (err == -E2BIG || err == -ENOSPC)
			return full(ctx, t, tabs, ip, err);
		path_of(tabs, roles[f], path, sizeof(path));
		if (err)
			return xw_fail(ctx, XW_EXIT_OSERR, -err, path,
				       "cannot add %s", xw_ip_str(ip, a));
		undo_push(u, f, ip, slot, old);
		if (old == veth->ifindex)
			continue; /* its own leftover: nothing new */
		snprintf(detail, sizeof(detail), "%s -> %s (ifindex %u)",
			 xw_ip_str(ip, a), veth->name, veth->ifindex);
		xw_change(ctx, &(struct xw_change){ .action = "added",
						    .object = "address",
						    .path = path,
						    .detail = detail });
	}
	return 0;
}

static int commit(struct xw_ctx *ctx, const struct xw_target *t,
		  const struct xw_owner_tables *tabs, const struct xw_dev *veth)
{
	uint32_t ifindex = veth->ifindex;
	char path[PATH_MAX], detail[64];
	int err = xw_fault("owner-commit");

	path_of(tabs, XW_MAP_SANDBOXES, path, sizeof(path));
	if (!err && bpf_map_update_elem(tabs->sandboxes.fd, &ifindex, &ifindex,
					BPF_NOEXIST))
		err = -errno;
	if (err == -E2BIG)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, t->dev.name,
			"%s is full (%u sandboxes): remove a sandbox, or install the node with a larger --max-sandboxes",
			XW_PIN_SANDBOXES, tabs->sandboxes.info.map.max_entries);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, path,
			       "cannot commit %s", veth->name);
	snprintf(detail, sizeof(detail), "%s (ifindex %u)", veth->name,
		 ifindex);
	xw_change(ctx, &(struct xw_change){ .action = "registered",
					    .object = "sandbox",
					    .path = path,
					    .detail = detail });
	return 0;
}

int xw_owner_register(struct xw_ctx *ctx, const struct xw_target *t,
		      const struct xw_owner_tables *tabs,
		      const struct xw_dev *veth, const struct xw_owner_set *set)
{
	size_t mark = xw_change_mark(ctx);
	struct undo *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, veth->name,
			       "cannot register");
	err = prune(ctx, tabs, veth, set, u);
	if (!err)
		err = add_all(ctx, t, tabs, veth, set, u);
	if (!err)
		err = commit(ctx, t, tabs, veth);
	if (err) {
		/* Not committed: the entries were invisible all along. */
		undo_run(tabs, u);
		xw_change_rollback(ctx, mark);
	}
	free(u);
	return err;
}

int xw_owner_deregister(struct xw_ctx *ctx, const struct xw_owner_tables *tabs,
			const struct xw_dev *veth)
{
	char path[PATH_MAX], detail[96], a[XW_IP_STRLEN];
	uint32_t ifindex = veth->ifindex;
	struct held h;
	size_t k;
	int err;

	if (xw_owner_tables_legacy(tabs))
		return 0;
	path_of(tabs, XW_MAP_SANDBOXES, path, sizeof(path));
	err = xw_fault("owner-uncommit");
	if (!err && bpf_map_delete_elem(tabs->sandboxes.fd, &ifindex))
		err = errno == ENOENT ? 1 : -errno;
	if (err < 0)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, path,
			       "cannot uncommit %s", veth->name);
	if (!err) {
		snprintf(detail, sizeof(detail), "%s (ifindex %u)", veth->name,
			 ifindex);
		xw_change(ctx, &(struct xw_change){ .action = "unregistered",
						    .object = "sandbox",
						    .path = path,
						    .detail = detail });
	}
	do {
		err = read_held(ctx, tabs, ifindex, &h);
		for (k = 0; !err && k < h.n; k++) {
			path_of(tabs, roles[h.fam[k]], path, sizeof(path));
			err = xw_fault("owner-remove");
			if (!err)
				err = xw_owner_free(tabs->owners[h.fam[k]].fd,
						    h.slot[k]);
			if (err)
				return xw_fail(ctx, XW_EXIT_OSERR, -err, path,
					       "cannot free %s",
					       xw_ip_str(&h.ip[k], a));
			snprintf(detail, sizeof(detail),
				 "%s -> %s (ifindex %u)",
				 xw_ip_str(&h.ip[k], a), veth->name, ifindex);
			xw_change(ctx, &(struct xw_change){ .action = "removed",
							    .object = "address",
							    .path = path,
							    .detail = detail });
		}
	} while (!err && h.overflow);
	return err;
}
