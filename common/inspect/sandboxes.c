/* The sandboxes of a tunnel host install, read and judged; see sandboxes.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "inspect/health.h"
#include "inspect/kinds.h"
#include "inspect/sandboxes.h"
#include "net/ifname.h"
#include "pins/bpffs.h"
#include "pins/owner_table.h"

bool xw_sandboxes_readable(const struct xw_found_install *in)
{
	int role;

	if (in->layout != &xw_tunnel_host_layout ||
	    in->layout->n_maps <= XW_MAP_OWNERS6)
		return false;
	for (role = XW_MAP_SANDBOXES; role <= XW_MAP_OWNERS6; role++)
		if (xw_found_map(in, role)->obj.fd < 0)
			return false;
	return true;
}

bool xw_sandboxes_legacy(const struct xw_found_install *in)
{
	int role;

	if (in->layout != &xw_tunnel_host_layout)
		return false;
	if (in->legacy)
		return true;
	/*
	 * Not judged live (stale, say): by its pins, and by the maps of its
	 * program where they were read (a program using them is no legacy).
	 */
	for (role = XW_MAP_SANDBOXES; role < in->layout->n_maps; role++)
		if (role <= XW_MAP_OWNERS6 &&
		    (xw_found_map(in, role)->present || in->map_ids[role]))
			return false;
	return true;
}

/* The sandbox of ifindex in list, added if new; NULL on ENOMEM. */
static struct xw_sandbox *sandbox_of(struct xw_sandbox_list *list,
				     uint32_t ifindex)
{
	struct xw_sandbox *grown;
	size_t k;

	for (k = 0; k < list->n; k++)
		if (list->s[k].ifindex == ifindex)
			return &list->s[k];
	grown = realloc(list->s, (list->n + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	list->s = grown;
	memset(&grown[list->n], 0, sizeof(grown[list->n]));
	grown[list->n].ifindex = ifindex;
	return &grown[list->n++];
}

static int add_owner(const struct xw_ip *ip, uint32_t ifindex, uint32_t slot,
		     void *arg)
{
	struct xw_sandbox *s = sandbox_of(arg, ifindex);
	struct xw_sandbox_addr *grown;

	if (!s)
		return -ENOMEM;
	grown = realloc(s->addrs, (s->n_addrs + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->addrs = grown;
	grown[s->n_addrs].ip = *ip;
	grown[s->n_addrs++].slot = slot;
	return 0;
}

/*
 * The committed ifindexes: the keys of the DEVMAP_HASH.  At most its
 * max_entries keys are taken, so a table changing under the walk (the
 * kernel drops a deleted veth's key itself) cannot keep it going.
 */
static int read_committed(int fd, uint32_t max_entries,
			  struct xw_sandbox_list *list)
{
	uint32_t key, next, n;
	struct xw_sandbox *s;
	void *prev = NULL;

	for (n = 0; n < max_entries; n++) {
		if (bpf_map_get_next_key(fd, prev, &next))
			return errno == ENOENT ? 0 : -errno;
		s = sandbox_of(list, next);
		if (!s)
			return -ENOMEM;
		s->committed = true;
		key = next;
		prev = &key;
	}
	return 0;
}

static int by_ifindex(const void *a, const void *b)
{
	const struct xw_sandbox *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int by_address(const void *a, const void *b)
{
	return xw_ip_cmp(&((const struct xw_sandbox_addr *)a)->ip,
			 &((const struct xw_sandbox_addr *)b)->ip);
}

/* What the veth's own directory, the NIC's sibling, tells of it. */
enum veth_wiring {
	VETH_NO_INSTALL, /* no tunnel veth link pin */
	VETH_ELSEWHERE, /* an install whose slot 0 is not this NIC */
	VETH_WIRED_HERE, /* an install whose slot 0 is this NIC, or unknown */
};

/*
 * Looked at, not locked (the lock order is NIC first, and the walk holds
 * the NIC's): every doubt reads as wired here, which pin-gc leaves alone.
 */
static enum veth_wiring veth_wiring(const struct xw_pindir *nic_dir,
				    const char *veth, uint32_t nic)
{
	const struct xw_layout *l = &xw_tunnel_veth_layout;
	struct xw_pindir vdir;
	struct xw_found_pin map;
	char dirname[IFNAMSIZ];
	uint32_t key = 0, slot0 = 0;
	enum veth_wiring w = VETH_WIRED_HERE;
	struct stat st;

	if (nic_dir->parent_fd < 0)
		return VETH_WIRED_HERE;
	xw_ifname_to_dirname(veth, dirname);
	xw_pindir_init(&vdir);
	vdir.fd = openat(nic_dir->parent_fd, dirname,
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (vdir.fd < 0)
		return errno == ENOENT ? VETH_NO_INSTALL : VETH_WIRED_HERE;
	snprintf(vdir.name, sizeof(vdir.name), "%s", dirname);
	snprintf(vdir.path, sizeof(vdir.path), "%.*s/../%s",
		 (int)(sizeof(vdir.path) - IFNAMSIZ - 5), nic_dir->path,
		 dirname);
	if (fstatat(vdir.fd, l->link.name, &st, AT_SYMLINK_NOFOLLOW)) {
		w = errno == ENOENT ? VETH_NO_INSTALL : VETH_WIRED_HERE;
		close(vdir.fd);
		return w;
	}
	xw_pin_find(&vdir, &l->maps[XW_MAP_TARGETS], &map);
	if (map.obj.fd >= 0 && !bpf_map_lookup_elem(map.obj.fd, &key, &slot0))
		w = slot0 == nic ? VETH_WIRED_HERE : VETH_ELSEWHERE;
	xw_pinned_close(&map.obj);
	close(vdir.fd);
	return w;
}

static void set(struct xw_sandbox *s, enum xw_health h, enum xw_gc_action gc,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set(struct xw_sandbox *s, enum xw_health h, enum xw_gc_action gc,
		const char *fmt, ...)
{
	va_list ap;

	s->health = h;
	s->gc = gc;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
}

/*
 * design15.md section 4: committed entries are the data path's, so only
 * a person (or the veth's --unpin) changes them; uncommitted ones of a
 * veth wired here are a registration or removal in flight or killed, its
 * re-run's to finish; the rest belongs to nobody and is pin-gc's.
 */
static void judge(const struct xw_pindir *dir, const struct xw_found_dir *d,
		  struct xw_sandbox *s)
{
	enum veth_wiring w;

	if (!d->checked)
		return set(s, XW_HEALTH_OTHER_NETNS, XW_GC_NONE,
			   "its devices cannot be looked up from here");
	if (!if_indextoname(s->ifindex, s->veth)) {
		s->veth[0] = '\0';
		if (s->committed)
			return set(s, XW_HEALTH_BROKEN, XW_GC_LEAVE,
				   "committed, but veth ifindex %u is gone",
				   s->ifindex);
		return set(s, XW_HEALTH_STALE, XW_GC_REMOVE,
			   "veth ifindex %u is gone", s->ifindex);
	}
	w = veth_wiring(dir, s->veth, d->ifindex);
	if (s->committed && w == VETH_NO_INSTALL)
		return set(s, XW_HEALTH_BROKEN, XW_GC_LEAVE,
			   "committed, but %s has no tunnel veth install",
			   s->veth);
	if (s->committed)
		return set(s, XW_HEALTH_OK, XW_GC_NONE, "%s", "");
	if (w == VETH_WIRED_HERE)
		return set(s, XW_HEALTH_BROKEN, XW_GC_LEAVE,
			   "not committed, but %s is wired to %s: a registration or removal killed half-way",
			   s->veth, d->device);
	return set(s, XW_HEALTH_STALE, XW_GC_REMOVE,
		   "not committed, and %s is not wired to %s", s->veth,
		   d->device);
}

int xw_sandboxes_read(const struct xw_pindir *dir, const struct xw_found_dir *d,
		      const struct xw_found_install *in,
		      struct xw_sandbox_list *out)
{
	const struct xw_found_pin *sb = xw_found_map(in, XW_MAP_SANDBOXES);
	size_t k;
	int err;

	memset(out, 0, sizeof(*out));
	if (!xw_sandboxes_readable(in))
		return -ENOENT;
	err = read_committed(sb->obj.fd, sb->obj.info.map.max_entries, out);
	if (!err)
		err = xw_owner_walk(xw_found_map(in, XW_MAP_OWNERS4)->obj.fd,
				    AF_INET, add_owner, out);
	if (!err)
		err = xw_owner_walk(xw_found_map(in, XW_MAP_OWNERS6)->obj.fd,
				    AF_INET6, add_owner, out);
	if (err) {
		xw_sandboxes_free(out);
		return err;
	}
	/* qsort may not take the NULL of an empty list, even to sort none. */
	if (out->n)
		qsort(out->s, out->n, sizeof(*out->s), by_ifindex);
	for (k = 0; k < out->n; k++) {
		struct xw_sandbox *s = &out->s[k];

		if (s->n_addrs)
			qsort(s->addrs, s->n_addrs, sizeof(*s->addrs),
			      by_address);
		judge(dir, d, s);
	}
	return 0;
}

void xw_sandboxes_free(struct xw_sandbox_list *list)
{
	size_t k;

	for (k = 0; k < list->n; k++)
		free(list->s[k].addrs);
	free(list->s);
	list->s = NULL;
	list->n = 0;
}
