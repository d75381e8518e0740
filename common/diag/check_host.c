/*
 * What the machine and this run bring to an install: the bpffs root, the
 * capabilities, and whatever program already holds the device (ours in
 * this bpffs, replaced in place by a re-run, or someone else's, which
 * every install refuses).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/exit.h"
#include "core/report.h"
#include "diag/check_facts.h"
#include "diag/finding.h"
#include "inspect/kinds.h"
#include "net/netns.h"
#include "pins/bpffs.h"
#include "pins/pin.h"
#include "pins/target.h"

/* A context whose failure is a finding's why, never the run's. */
static int quiet_ctx(struct xw_ctx *q)
{
	return xw_ctx_init(q, "check") ? -ENOMEM : 0;
}

/* Which of our layouts' links, pinned in the device's directory, hold it. */
static void find_own(struct xw_check_facts *fx, struct xw_pindir *dir)
{
	const struct xw_layout *const *l;
	enum xw_pin_problem problem;
	struct xw_pinned p;

	for (l = xw_layouts; *l; l++) {
		if (xw_pin_probe(dir, (*l)->link.name, &p, &problem) ||
		    p.fd < 0)
			continue;
		if (p.kind == XW_OBJ_LINK) {
			if (*l == &xw_tunnel_veth_layout)
				fx->sandbox_veth = true;
			if (fx->dev.xdp.prog_id &&
			    p.info.link.prog_id == fx->dev.xdp.prog_id) {
				fx->own = *l;
				fx->own_link_id = p.info.link.id;
			}
		}
		xw_pinned_close(&p);
	}
}

int xw_check_pins_read(struct xw_check_facts *fx)
{
	const struct xw_target *t = fx->req->target;
	struct xw_pindir dir;
	struct xw_ctx q;
	char prefix[32];
	int err;

	fx->fs.fd = -1;
	if (quiet_ctx(&q))
		return -ENOMEM;
	if (xw_bpffs_open(&q, fx->req->bpffs, &fx->fs)) {
		snprintf(fx->fs_why, sizeof(fx->fs_why), "%s", q.fail.what);
		fx->fs_exit = q.fail.exit_code;
		goto out;
	}
	xw_pindir_init(&dir);
	if (xw_netns_pin_prefix(&t->ns, prefix, sizeof(prefix)))
		goto out;
	err = xw_pindir_open(&q, &fx->fs, prefix, t->dev.dirname, 0, &dir);
	if (!err)
		find_own(fx, &dir);
	xw_pindir_close(&dir);
out:
	xw_ctx_free(&q);
	return 0;
}

void xw_check_facts_free(struct xw_check_facts *fx)
{
	xw_bpffs_close(&fx->fs);
}

static int bpffs(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const char *path = fx->req->bpffs;
	char fix[PATH_MAX + 64];
	struct stat st;

	if (fx->fs.fd >= 0 && !fstat(fx->fs.fd, &st))
		return xw_finding_add(
			f, XW_LEVEL_OK, "bpffs", NULL,
			"%s is a bpffs owned by uid %u, mode %04o: no one else can replace what is pinned in it",
			fx->fs.path, (unsigned int)st.st_uid,
			(unsigned int)(st.st_mode & 07777));
	snprintf(fix, sizeof(fix), "%s%s%smount -t bpf -o mode=0700 bpf %s",
		 fx->fs_exit == XW_EXIT_NOINPUT ? "mkdir -p " : "",
		 fx->fs_exit == XW_EXIT_NOINPUT ? path : "",
		 fx->fs_exit == XW_EXIT_NOINPUT ? " && " : "", path);
	return xw_finding_add(f, XW_LEVEL_FAIL, "bpffs", fix, "%s: %s", path,
			      fx->fs_why[0] ? fx->fs_why : "not usable");
}

static int privileges(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const struct xw_check_request *req = fx->req;
	const char *kind = xw_check_install_name(req->install);
	struct xw_ctx q;
	int err;

	if (quiet_ctx(&q))
		return -ENOMEM;
	if (!xw_caps_require(&q, req->needs, req->n_needs))
		err = xw_finding_add(
			f, XW_LEVEL_OK, "privileges", NULL,
			"this run's effective capabilities are what %s-install needs",
			kind);
	else
		err = xw_finding_add(
			f, XW_LEVEL_FAIL, "privileges",
			"run the install as root, or give it those capabilities (setpriv, capsh, a unit's AmbientCapabilities=)",
			"%s-install would refuse this run: %s", kind,
			q.fail.what);
	xw_ctx_free(&q);
	return err;
}

/* The link that holds prog on the device, by walking the links (CAP_SYS_ADMIN). */
static uint32_t link_of(uint32_t ifindex, uint32_t prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int fd;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_LINK_TYPE_XDP && info.prog_id == prog_id &&
		    info.xdp.ifindex == ifindex) {
			close(fd);
			return id;
		}
		close(fd);
	}
	return 0;
}

static const char *mode_word(enum xw_xdp_mode mode)
{
	return mode == XW_MODE_NATIVE  ? "native" :
	       mode == XW_MODE_GENERIC ? "generic" :
					 "offload";
}

static bool own_kind_fits(const struct xw_check_facts *fx)
{
	if (fx->req->install == XW_CHECK_REDIRECT)
		return fx->own == &xw_redirect_layout;
	return fx->own != &xw_redirect_layout;
}

static int foreign(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const struct xw_check_end *d = &fx->dev;
	struct bpf_prog_info pi;
	char name[64], fix[256];
	uint32_t link;

	if (xw_prog_info_by_id(d->xdp.prog_id, &pi))
		snprintf(name, sizeof(name),
			 "(name not read without CAP_SYS_ADMIN)");
	else
		xw_escape(pi.name, strnlen(pi.name, sizeof(pi.name)), name,
			  sizeof(name));
	link = link_of(d->ifindex, d->xdp.prog_id);
	if (link)
		snprintf(fix, sizeof(fix),
			 "remove it: bpftool link detach id %u (or end what holds the link)",
			 link);
	else
		snprintf(fix, sizeof(fix),
			 "remove it: ip link set dev %s %s off", d->name,
			 d->xdp.mode == XW_MODE_GENERIC ? "xdpgeneric" :
			 d->xdp.mode == XW_MODE_NATIVE	? "xdpdrv" :
							  "xdpoffload");
	if (fx->fs.fd < 0)
		return xw_finding_add(
			f, XW_LEVEL_WARN, "attached", fix,
			"program %s id %u is attached to %s in %s mode; whose could not be told (see bpffs)",
			name, d->xdp.prog_id, d->name, mode_word(d->xdp.mode));
	return xw_finding_add(
		f, XW_LEVEL_FAIL, "attached", fix,
		"program %s id %u is attached to %s in %s mode, not by xdpwire in %s: an install refuses the device (exit 69)",
		name, d->xdp.prog_id, d->name, mode_word(d->xdp.mode),
		fx->fs.path);
}

static int attached(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const struct xw_check_end *d = &fx->dev;
	const char *want = xw_check_install_name(fx->req->install);

	if (d->xdp_err)
		return xw_finding_add(f, XW_LEVEL_WARN, "attached", NULL,
				      "what is attached to %s was not read: %s",
				      d->name, strerror(-d->xdp_err));
	if (!d->xdp.prog_id)
		return xw_finding_add(f, XW_LEVEL_OK, "attached", NULL,
				      "no XDP program is attached to %s",
				      d->name);
	if (!fx->own)
		return foreign(fx, f);
	if (own_kind_fits(fx))
		return xw_finding_add(
			f, XW_LEVEL_OK, "attached", NULL,
			"xdpwire's %s install (program id %u, link id %u, %s mode) in %s: a re-run replaces it in place",
			fx->own->kind, d->xdp.prog_id, fx->own_link_id,
			mode_word(d->xdp.mode), fx->fs.path);
	return xw_finding_add(
		f, XW_LEVEL_WARN, "attached",
		"remove it first with its install's --unpin",
		"xdpwire's %s install (program id %u, link id %u, %s mode) in %s: a %s install refuses a device that has it",
		fx->own->kind, d->xdp.prog_id, fx->own_link_id,
		mode_word(d->xdp.mode), fx->fs.path, want);
}

int xw_check_host(struct xw_ctx *ctx, struct xw_check_facts *fx,
		  struct xw_findings *f)
{
	(void)ctx;
	return bpffs(fx, f) ?: privileges(fx, f) ?: attached(fx, f);
}
