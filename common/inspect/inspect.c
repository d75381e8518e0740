/* Programs and their maps read by id; see inspect.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "inspect/inspect.h"
#include "inspect/kinds.h"
#include "pins/pin.h"

void xw_view_close(struct xw_view *v)
{
	int i;

	if (v->fd >= 0)
		close(v->fd);
	for (i = 0; i < XW_LAYOUT_MAX_MAPS; i++) {
		if (v->map_fds[i] >= 0)
			close(v->map_fds[i]);
		v->map_fds[i] = -1;
	}
	v->fd = -1;
}

/* Reads the configuration map of a program and compares it to ours. */
static bool config_equal(int map_fd, const struct bpf_map_info *mi,
			 struct bpf_map *rodata)
{
	char value[4096];
	const void *want;
	size_t size;
	__u32 key = 0;

	want = bpf_map__initial_value(rodata, &size);
	if (!want || mi->value_size != size || size > sizeof(value))
		return false;
	if (bpf_map_lookup_elem(map_fd, &key, value))
		return false;
	return !memcmp(value, want, size);
}

/* The role in l of a map named as l's program names it; -1 if none. */
static int map_role(const struct xw_layout *l, const struct bpf_map_info *mi)
{
	const struct xw_program *p = xw_program_of(l);
	int role;

	for (role = 0; role < l->n_maps; role++)
		if (!strcmp(mi->name, p->map_names[role]) &&
		    mi->type == l->maps[role].type)
			return role;
	return -1;
}

/* Compares the configuration and keeps a map that fills a free role. */
static bool take_map(struct xw_view *v, const struct xw_layout *l,
		     struct bpf_map *rodata, int fd,
		     const struct bpf_map_info *mi)
{
	int role;

	if (rodata &&
	    !strncmp(mi->name, bpf_map__name(rodata), sizeof(mi->name) - 1))
		v->config_equal = config_equal(fd, mi, rodata);
	role = map_role(l, mi);
	if (role < 0 || v->map_fds[role] >= 0)
		return false;
	v->map_fds[role] = fd;
	v->map_ids[role] = mi->id;
	return true;
}

int xw_view_read(uint32_t prog_id, const struct xw_layout *l,
		 struct bpf_map *rodata, struct xw_view *v)
{
	__u32 ids[XW_PROG_MAX_MAPS], len = sizeof(struct bpf_prog_info), k, n;
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	int fd;

	memset(v, 0, sizeof(*v));
	for (k = 0; k < XW_LAYOUT_MAX_MAPS; k++)
		v->map_fds[k] = -1;
	v->fd = bpf_prog_get_fd_by_id(prog_id);
	if (v->fd < 0)
		return -errno;
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = XW_PROG_MAX_MAPS;
	pi.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(v->fd, &pi, &len))
		return -errno;
	v->id = pi.id;
	v->ours = pi.type == BPF_PROG_TYPE_XDP &&
		  !strncmp(pi.name, xw_program_of(l)->prog_name,
			   sizeof(pi.name) - 1);
	n = pi.nr_map_ids < XW_PROG_MAX_MAPS ? pi.nr_map_ids : XW_PROG_MAX_MAPS;
	for (k = 0; k < n; k++) {
		fd = bpf_map_get_fd_by_id(ids[k]);
		if (fd < 0)
			continue;
		if (xw_obj_info(fd, XW_OBJ_MAP, &mi) ||
		    !take_map(v, l, rodata, fd, &mi))
			close(fd);
	}
	return 0;
}
