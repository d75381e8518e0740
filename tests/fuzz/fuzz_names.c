// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Device names and pin directory names: a name the checks let through
 * must map to a directory name and back to itself, and any directory
 * name that maps to a device name must give a valid one.
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/path.h"
#include "net/ifname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[IFNAMSIZ], back[IFNAMSIZ], path[64];
	char *s = malloc(size + 1);

	if (!s)
		return -1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!xw_ifname_problem(s)) {
		xw_ifname_to_dirname(s, dir);
		if (xw_dirname_to_ifname(dir, back) || strcmp(back, s))
			abort();
	}
	if (!xw_dirname_to_ifname(s, back) && xw_ifname_problem(back))
		abort();
	if (xw_path(path, sizeof(path), "/sys/fs/bpf/%s/x", s) == 0 &&
	    strlen(path) >= sizeof(path))
		abort();
	free(s);
	return 0;
}
