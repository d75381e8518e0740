/* A pinned map's size against the one the request gives; see sizes.h. */
#include <errno.h>
#include <limits.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "core/exit.h"
#include "core/report.h"
#include "inspect/found.h"
#include "inspect/kinds.h"
#include "install/sizes.h"
#include "net/device.h"
#include "pins/bpffs.h"

/* The option that sizes a role's map, for the message. */
static const char *option_of(int role)
{
	switch (role) {
	case XW_MAP_SANDBOXES:
		return "--max-sandboxes";
	case XW_MAP_OWNERS4:
	case XW_MAP_OWNERS6:
		return "--max-addresses";
	default:
		return "its size option";
	}
}

/* The map a run would reuse for role: its pin, else the live program's. */
static int reused_fd(const struct xw_found_install *st, const int *live_fds,
		     int role)
{
	if (xw_found_map(st, role)->obj.fd >= 0)
		return xw_found_map(st, role)->obj.fd;
	return live_fds ? live_fds[role] : -1;
}

int xw_install_check_sizes(struct xw_ctx *ctx, const struct xw_dev *dev,
			   const struct xw_pindir *dir,
			   const struct xw_install *in,
			   const struct xw_found_install *st,
			   const int *live_fds)
{
	const struct xw_layout *l = in->layout;
	struct bpf_map_info mi;
	char path[PATH_MAX];
	uint32_t want;
	int i, fd, err;

	for (i = 0; i < l->n_maps; i++) {
		fd = reused_fd(st, live_fds, i);
		if (!(in->sized_maps & 1u << i) || fd < 0)
			continue;
		err = xw_obj_info(fd, XW_OBJ_MAP, &mi);
		if (err)
			return xw_fail(ctx, XW_EXIT_OSERR, -err,
				       l->maps[i].name,
				       "cannot read the map's size");
		want = bpf_map__max_entries(in->maps[i]);
		if (mi.max_entries == want)
			continue;
		xw_pindir_entry_path(dir, l->maps[i].name, path, sizeof(path));
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"pinned with %u entries, %s asks for %u: a map's size is fixed when it is made (tunnel-install --device %s --unpin, then install again; it unwires every sandbox)",
			mi.max_entries, option_of(i), want, dev->name);
	}
	return 0;
}
