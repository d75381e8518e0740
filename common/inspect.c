/* Programs and their maps read by id; see inspect.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "inspect.h"
#include "kinds.h"
#include "pin.h"

int xw_prog_info_by_id(uint32_t id, struct bpf_prog_info *pi)
{
	int fd, err;

	memset(pi, 0, sizeof(*pi));
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	err = xw_obj_info(fd, XW_OBJ_PROG, pi);
	close(fd);
	return err;
}

int xw_prog_maps_walk(int prog_fd, struct bpf_prog_info *pi, xw_prog_map_fn fn,
		      void *arg)
{
	__u32 ids[XW_PROG_MAX_MAPS], len = sizeof(*pi), k, n;
	struct bpf_map_info mi;
	int fd;

	memset(pi, 0, sizeof(*pi));
	pi->nr_map_ids = XW_PROG_MAX_MAPS;
	pi->map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, pi, &len))
		return -errno;
	/* The ids array lives here: the caller gets the count only. */
	pi->map_ids = 0;
	n = pi->nr_map_ids < XW_PROG_MAX_MAPS ? pi->nr_map_ids :
						XW_PROG_MAX_MAPS;
	for (k = 0; k < n; k++) {
		fd = bpf_map_get_fd_by_id(ids[k]);
		if (fd < 0)
			continue;
		if (xw_obj_info(fd, XW_OBJ_MAP, &mi) || !fn(fd, &mi, arg))
			close(fd);
	}
	return 0;
}

int xw_map_role(const struct xw_layout *l, const struct bpf_map_info *mi)
{
	const struct xw_program *p = xw_program_of(l);
	int role;

	for (role = 0; role < l->n_maps; role++)
		if (!strcmp(mi->name, p->map_names[role]) &&
		    mi->type == l->maps[role].type)
			return role;
	return -1;
}
