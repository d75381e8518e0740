// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-legacy-host: makes the tunnel host install an xdpwire from before
 * issue 15 made, so tests can meet it: tunnel_host_v1.bpf.o configured
 * with pass port 22, loaded, attached to DEV through a bpf_link, and
 * pinned in PINDIR (made 1700, xdpwire's mark, if missing) under the
 * names of that time: tunnel_host_map, tunnel_host_counters,
 * tunnel_host_program, tunnel_host_link.  No sandbox or owner maps.
 *
 *   xw-legacy-host OBJ DEV PINDIR
 *
 * Run inside DEV's namespace.  Exit 0 done, 1 a step failed (named on
 * stderr), 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../bpf/xw_abi.h"

static int fail(const char *step, int err)
{
	fprintf(stderr, "xw-legacy-host: %s: %s\n", step, strerror(err));
	return 1;
}

static int pin(const char *dir, const char *name, int fd)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_pin(fd, path) ? errno : 0;
}

int main(int argc, char **argv)
{
	struct bpf_map *rodata, *map, *counters;
	struct xw_pass_cfg cfg;
	const void *initial;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_link *link;
	unsigned int dev;
	size_t size;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: xw-legacy-host OBJ DEV PINDIR\n");
		return 2;
	}
	dev = if_nametoindex(argv[2]);
	if (!dev)
		return fail(argv[2], ENODEV);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return fail(argv[1], errno);
	prog = bpf_object__find_program_by_name(obj, "xw_tunnel_host");
	map = bpf_object__find_map_by_name(obj, "dev_map");
	counters = bpf_object__find_map_by_name(obj, "counters");
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	if (!prog || !map || !counters || !rodata)
		return fail("program or map not in the object", ENOENT);
	/* The default configuration of that time: SSH stays the host's. */
	initial = bpf_map__initial_value(rodata, &size);
	if (!initial || size != sizeof(cfg))
		return fail(".rodata", EINVAL);
	memcpy(&cfg, initial, sizeof(cfg));
	cfg.n_ports = 1;
	cfg.ports[0] = htons(22);
	if (bpf_map__set_initial_value(rodata, &cfg, sizeof(cfg)) ||
	    bpf_object__load(obj))
		return fail("load", errno);
	link = bpf_program__attach_xdp(prog, (int)dev);
	if (!link)
		return fail("attach", errno);
	if (mkdir(argv[3], 01700) && errno != EEXIST)
		return fail(argv[3], errno);
	err = pin(argv[3], "tunnel_host_map", bpf_map__fd(map));
	if (!err)
		err = pin(argv[3], "tunnel_host_counters",
			  bpf_map__fd(counters));
	if (!err)
		err = pin(argv[3], "tunnel_host_program",
			  bpf_program__fd(prog));
	if (!err)
		err = pin(argv[3], "tunnel_host_link", bpf_link__fd(link));
	if (err)
		return fail("pin", err);
	return 0;
}
