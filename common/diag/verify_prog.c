/*
 * Which program verify runs frames through: the one attached to the
 * device (what the device does), judged against the install's pinned one;
 * and the pass ports it runs with, against the operator's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/report.h"
#include "diag/verify_int.h"
#include "inspect/found.h"
#include "inspect/health.h"
#include "inspect/inspect.h"
#include "inspect/kinds.h"
#include "net/device.h"
#include "pins/pin.h"
#include "pins/xdp.h"

void xw_ports_str(const uint16_t *ports, size_t n, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%u", i ? ", " : "",
				ports[i]);
}

/*
 * The pass ports in the .rodata of program fd: the struct xw_pass_cfg
 * our programs keep there.  -errno if the program has no such map.
 */
static int read_pass_ports(int prog_fd, uint16_t *ports, size_t *n)
{
	__u32 ids[16], len = sizeof(struct bpf_prog_info), k;
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	struct xw_pass_cfg cfg;
	int fd, err = -ENOENT;
	uint32_t key = 0, i;

	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 16;
	pi.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &pi, &len))
		return -errno;
	for (k = 0; k < pi.nr_map_ids && k < 16 && err; k++) {
		size_t nl;

		fd = bpf_map_get_fd_by_id(ids[k]);
		if (fd < 0)
			continue;
		nl = 0;
		if (!xw_obj_info(fd, XW_OBJ_MAP, &mi))
			nl = strnlen(mi.name, sizeof(mi.name));
		/* Never trusted: the value must be exactly the struct. */
		if (nl >= 7 && !strcmp(mi.name + nl - 7, ".rodata") &&
		    mi.type == BPF_MAP_TYPE_ARRAY &&
		    mi.value_size == sizeof(cfg) && mi.key_size == 4 &&
		    !bpf_map_lookup_elem(fd, &key, &cfg) &&
		    cfg.n_ports <= XW_MAX_PASS_PORTS) {
			for (i = 0; i < cfg.n_ports; i++)
				ports[i] = ntohs(cfg.ports[i]);
			*n = cfg.n_ports;
			err = 0;
		}
		close(fd);
	}
	return err;
}

static bool same_ports(const uint16_t *a, size_t na, const uint16_t *b,
		       size_t nb)
{
	size_t i, j;

	/* As sets: the installer sorts, the operator may not. */
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return false;
	}
	for (j = 0; j < nb; j++) {
		for (i = 0; i < na && a[i] != b[j]; i++)
			;
		if (i == na)
			return false;
	}
	return true;
}

static bool is_port(const uint16_t *p, size_t n, uint16_t port)
{
	while (n--)
		if (p[n] == port)
			return true;
	return false;
}

/* The config finding, and the ports the model expects. */
static int judge_config(struct xw_vinstall *v, int pinned_fd)
{
	const struct xw_program *p = xw_program_of(v->in->layout);
	char have[128], want[128], fix[256];
	int err;

	err = read_pass_ports(pinned_fd >= 0 ? pinned_fd : v->prog.fd,
			      v->prog_ports, &v->n_prog_ports);
	v->have_prog_ports = !err;
	if (v->o->n_ports) {
		memcpy(v->ports, v->o->ports,
		       v->o->n_ports * sizeof(*v->ports));
		v->n_ports = v->o->n_ports;
	} else if (v->have_prog_ports) {
		memcpy(v->ports, v->prog_ports,
		       v->n_prog_ports * sizeof(*v->ports));
		v->n_ports = v->n_prog_ports;
	}
	for (v->other_port = 9;
	     is_port(v->ports, v->n_ports, v->other_port) ||
	     is_port(v->prog_ports, v->n_prog_ports, v->other_port);
	     v->other_port++)
		;
	if (!p->pass_ports)
		return 0;
	xw_ports_str(v->prog_ports, v->n_prog_ports, have, sizeof(have));
	xw_ports_str(v->ports, v->n_ports, want, sizeof(want));
	if (!v->have_prog_ports)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_WARN, "config", NULL,
			"the program's pass ports cannot be read (%s): TCP frames are judged by --pass-port%s",
			strerror(-err),
			v->o->n_ports ? "" : " (not given: none)");
	if (!v->o->n_ports)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_OK, "config", NULL,
			"pass ports %s, the program's own (--pass-port compares them with the configuration)",
			have);
	if (same_ports(v->prog_ports, v->n_prog_ports, v->o->ports,
		       v->o->n_ports))
		return xw_finding_add(&v->g->f, XW_LEVEL_OK, "config", NULL,
				      "pass ports %s, as configured", have);
	snprintf(fix, sizeof(fix),
		 "re-run the install with the configured ports: xdpwire %s-install --device %s --pass-port ...",
		 v->in->layout == &xw_redirect_layout ? "redirect" : "tunnel",
		 v->esc_dev);
	return xw_finding_add(
		&v->g->f, XW_LEVEL_FAIL, "config", fix,
		"the program passes port(s) %s, the configuration (--pass-port) says %s",
		have, want);
}

/* The link finding; false when nothing of ours can run. */
static int judge_link(struct xw_vinstall *v, bool *attached)
{
	const struct xw_found_pin *lp = xw_found_link(v->in);
	const struct bpf_link_info *li = &lp->obj.info.link;
	char fix[160];

	snprintf(fix, sizeof(fix),
		 "re-run the install, or xdpwire pin-gc --device %s --repair",
		 v->esc_dev);
	*attached = false;
	if (lp->obj.fd < 0)
		return xw_finding_add(&v->g->f, XW_LEVEL_FAIL, "link", fix,
				      "no link pin %s: %s", lp->spec->name,
				      lp->present ? lp->problem : "absent");
	if (!li->xdp.ifindex)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, "link", fix,
			"link %u is detached: frames on %s run no program of this install",
			li->id, v->esc_dev);
	if (li->xdp.ifindex != v->ifindex)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, "link", fix,
			"link %u is attached to ifindex %u, not %s (ifindex %u)",
			li->id, li->xdp.ifindex, v->esc_dev, v->ifindex);
	*attached = true;
	return xw_finding_add(&v->g->f, XW_LEVEL_OK, "link", NULL,
			      "link %u attached to %s", li->id, v->esc_dev);
}

int xw_verify_program(struct xw_vinstall *v)
{
	const struct xw_found_pin *pp = xw_found_prog(v->in);
	const struct bpf_prog_info *pinned = &pp->obj.info.prog;
	struct xw_dev dev = { .ifindex = v->ifindex };
	struct xw_xdp_state st;
	struct bpf_prog_info ai;
	struct xw_view view;
	bool linked;
	int err;

	v->prog.fd = -1;
	err = judge_link(v, &linked);
	if (err)
		return err;
	snprintf(dev.name, sizeof(dev.name), "%s", v->d->device);
	if (xw_xdp_query(NULL, &dev, &st) || !st.prog_id) {
		if (!linked)
			return 0;
		return xw_finding_add(&v->g->f, XW_LEVEL_FAIL, "program",
				      "re-run the install",
				      "no XDP program is attached to %s",
				      v->esc_dev);
	}
	err = xw_view_read(st.prog_id, v->in->layout, NULL, &view);
	if (err) {
		xw_view_close(&view);
		return xw_finding_add(&v->g->f, XW_LEVEL_FAIL, "program", NULL,
				      "attached program %u cannot be read: %s",
				      st.prog_id, strerror(-err));
	}
	xw_prog_info_by_id(st.prog_id, &ai);
	v->prog_id = st.prog_id;
	v->prog.fd = view.fd;
	view.fd = -1; /* the runner's now */
	xw_view_close(&view);
	if (!view.ours)
		err = xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, "program",
			"re-run the install",
			"attached program %u '%.16s' is not xdpwire's %s: frames run through it as the device runs them",
			st.prog_id, ai.name,
			xw_program_of(v->in->layout)->prog_name);
	else if (pp->obj.fd < 0 || pinned->id != st.prog_id)
		err = xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, "program",
			"re-run the install",
			"attached program %u '%.16s' is not the install's (pinned %u '%.16s')",
			st.prog_id, ai.name, pinned->id,
			pp->obj.fd < 0 ? "none" : pinned->name);
	else
		err = xw_finding_add(&v->g->f, XW_LEVEL_OK, "program", NULL,
				     "attached program %u '%.16s' is the install's",
				     st.prog_id, ai.name);
	return err ?: judge_config(v, pp->obj.fd);
}
