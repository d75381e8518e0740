/*
 * The state around the frames: for a redirect install each queue's slot
 * (as its probe showed it) against the sockets bound to that queue; for a
 * tunnel host slot 0 against the veths wired to the NIC; for a tunnel
 * veth slot 0.  The kernel does not let user space read an XSKMAP, so a
 * queue's slot is what its udp4 probe told (verify_model.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "diag/verify_int.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "inspect/sandboxes.h"
#include "net/ifname.h"
#include "pins/bpffs.h"
#include "pins/pin.h"
#include "xsk/xsk_diag.h"

static int judge_queue(struct xw_vinstall *v, uint32_t q, int bound_known,
		       uint32_t bound)
{
	char check[32], fix[200];

	snprintf(check, sizeof(check), "queue %u", q);
	snprintf(fix, sizeof(fix),
		 "put the socket bound to queue %u in the slot: xdpwire sockmap-insert --device %s --queue %u ...",
		 q, v->esc_dev, q);
	if (v->slot[q] == XW_VSLOT_UNKNOWN)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_WARN, check, NULL,
			"the slot cannot be told: the probe got no verdict the install explains");
	if (bound_known < 0)
		return xw_finding_add(
			&v->g->f,
			v->slot[q] == XW_VSLOT_FILLED ? XW_LEVEL_OK :
							XW_LEVEL_WARN,
			check, NULL,
			v->slot[q] == XW_VSLOT_FILLED ?
				"a socket is in the slot (which queue it is bound to, the kernel cannot tell: no XDP socket diagnostics)" :
				"no socket in the slot: frames on queue %u go to the kernel (whether a socket is bound to it, this kernel cannot tell: no XDP socket diagnostics)",
			q);
	if (v->slot[q] == XW_VSLOT_FILLED && bound)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_OK, check, NULL,
			"a socket is in the slot and %u bound to queue %u",
			bound, q);
	if (v->slot[q] == XW_VSLOT_EMPTY && !bound)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_WARN, check, NULL,
			"no socket: frames on queue %u go to the kernel", q);
	if (v->slot[q] == XW_VSLOT_EMPTY)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, check, fix,
			"a socket is bound to queue %u but not in redirect_ip_map: its frames go to the kernel",
			q);
	return xw_finding_add(
		&v->g->f, XW_LEVEL_FAIL, check,
		"insert the socket bound to this queue, or bind one to it",
		"a socket is in the slot but none is bound to queue %u: the kernel drops the frames redirected to it",
		q);
}

static int judge_queues(struct xw_vinstall *v)
{
	uint32_t bound[XW_VERIFY_MAX_QUEUES], q;
	int known, err = 0;

	if (v->prog.fd < 0)
		return 0;
	known = xw_xsk_bound(v->ctx, v->ifindex, bound, v->n_queues);
	if (known < 0 && known != -ENOENT)
		return known;
	/* No AF_XDP sock_diag: the netdev family's queues may tell. */
	if (known == -ENOENT)
		known = xw_xsk_queues_bound(v->ifindex, bound, v->n_queues);
	for (q = 0; q < v->n_queues && !err; q++)
		err = judge_queue(v, q, known, bound[q]);
	return err;
}

static bool registered(const struct xw_vinstall *v, uint32_t ifindex)
{
	size_t i;

	for (i = 0; v->d->sandboxes && i < v->d->sandboxes->n; i++)
		if (v->d->sandboxes->s[i].ifindex == ifindex &&
		    v->d->sandboxes->s[i].committed)
			return true;
	return false;
}

/* The veth whose tunnel veth install sends to slot 0 = nic, in dirfd/name. */
static uint32_t veth_wired_to(int parent_fd, const char *name, uint32_t nic)
{
	const struct xw_layout *l = &xw_tunnel_veth_layout;
	struct xw_pindir vdir;
	struct xw_found_pin map;
	uint32_t key = 0, slot0 = 0;
	char ifname[IF_NAMESIZE];
	struct stat st;

	if (xw_dirname_to_ifname(name, ifname))
		return 0;
	xw_pindir_init(&vdir);
	vdir.fd = openat(parent_fd, name,
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (vdir.fd < 0)
		return 0;
	snprintf(vdir.name, sizeof(vdir.name), "%s", name);
	snprintf(vdir.path, sizeof(vdir.path), "%s", name);
	if (!fstatat(vdir.fd, l->link.name, &st, AT_SYMLINK_NOFOLLOW)) {
		xw_pin_find(&vdir, &l->maps[XW_MAP_TARGETS], &map);
		if (map.obj.fd >= 0 &&
		    bpf_map_lookup_elem(map.obj.fd, &key, &slot0))
			slot0 = 0;
		xw_pinned_close(&map.obj);
	}
	close(vdir.fd);
	return slot0 == nic ? if_nametoindex(ifname) : 0;
}

/*
 * Slot 0 of a tunnel host: empty is fine unless a veth is wired to this
 * NIC without being a registered sandbox: nothing sends it frames.
 */
static int judge_host_slot0(struct xw_vinstall *v)
{
	char fix[200], veth[IF_NAMESIZE];
	struct dirent *e;
	uint32_t ifindex;
	DIR *dir;
	int fd;

	if (v->slot0)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_OK, "slot 0", NULL,
			"slot 0 of tunnel_host_map holds %s (ifindex %u): unowned traffic goes there",
			v->slot0_name, v->slot0);
	fd = v->dir->parent_fd >= 0 ?
		     openat(v->dir->parent_fd, ".",
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
		     -1;
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir && fd >= 0)
		close(fd);
	while (dir && (e = readdir(dir))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.' ||
		    !strcmp(e->d_name, v->dir->name))
			continue;
		ifindex = veth_wired_to(dirfd(dir), e->d_name, v->ifindex);
		if (!ifindex || registered(v, ifindex))
			continue;
		xw_dirname_to_ifname(e->d_name, veth);
		closedir(dir);
		snprintf(fix, sizeof(fix),
			 "wire it again: xdpwire tunnel-install --device %s --veth %s",
			 v->esc_dev, veth);
		return xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, "slot 0", fix,
			"slot 0 of tunnel_host_map is empty while %s is wired to %s and not registered as a sandbox: its traffic goes to the host",
			veth, v->esc_dev);
	}
	if (dir)
		closedir(dir);
	return xw_finding_add(
		&v->g->f, XW_LEVEL_OK, "slot 0", NULL,
		"slot 0 of tunnel_host_map is empty and no unregistered veth is wired to %s: unowned traffic goes to the host",
		v->esc_dev);
}

int xw_verify_state(struct xw_vinstall *v)
{
	const struct xw_layout *l = v->in->layout;

	if (l == &xw_redirect_layout)
		return judge_queues(v);
	if (l == &xw_tunnel_host_layout)
		return judge_host_slot0(v);
	if (v->slot0)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_OK, "slot 0", NULL,
			"slot 0 of tunnel_veth_map holds %s (ifindex %u)",
			v->slot0_name, v->slot0);
	return xw_finding_add(
		&v->g->f, XW_LEVEL_WARN, "slot 0",
		"xdpwire tunnel-install --device NIC --veth VETH",
		"slot 0 of tunnel_veth_map is empty: the sandbox's frames go to the host");
}
