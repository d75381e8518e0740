/* Reading an install's pins; see found.h. */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect/found.h"
#include "pins/bpffs.h"

void xw_found_read(const struct xw_pindir *dir, const struct xw_layout *l,
		   struct xw_found_install *in)
{
	char record[NAME_MAX + 1];
	struct stat sb;
	int k;

	memset(in, 0, sizeof(*in));
	in->layout = l;
	for (k = 0; k < XW_PIN_ROLES; k++)
		in->pins[k].obj.fd = -1;
	xw_pin_find(dir, &l->link, xw_found_link(in));
	xw_pin_find(dir, &l->prog, xw_found_prog(in));
	for (k = 0; k < l->n_maps; k++)
		xw_pin_find(dir, &l->maps[k], xw_found_map(in, k));
	in->legacy = l->optional_maps != 0;
	for (k = 0; k < l->n_maps; k++)
		if (l->optional_maps & 1u << k && xw_found_map(in, k)->present)
			in->legacy = false;
	xw_link_aside_name(l, XW_DETACHED_PREFIX, record, sizeof(record));
	in->detach_record = !fstatat(dir->fd, record, &sb, AT_SYMLINK_NOFOLLOW);
}

void xw_found_close(struct xw_found_install *in)
{
	int k;

	for (k = 0; k < XW_PIN_ROLES; k++)
		if (in->pins[k].spec)
			xw_pinned_close(&in->pins[k].obj);
}

bool xw_found_empty(const struct xw_found_install *in)
{
	int k;

	for (k = 0; k < XW_PIN_MAPS + in->layout->n_maps; k++)
		if (in->pins[k].obj.fd >= 0)
			return false;
	return true;
}
