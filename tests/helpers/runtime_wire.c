// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-runtime-wire: wires a sandbox's host-side veth the way an unchanged
 * runtime does in its tunnel mode, without xdpwire, so tests can meet such
 * an install.  In the runtime's order:
 *
 *   1. the veth's ifindex into slot 0 of the NIC's tunnel_host_map;
 *   2. its own program (runtime_veth.bpf.o) loaded and attached to the
 *      veth through a bpf_link, the kernel choosing the mode;
 *   3. <pindir> made 0700 if missing, then the map pinned as
 *      tunnel_veth_map, the program as tunnel_veth_program, the link as
 *      tunnel_veth_link;
 *   4. the NIC's ifindex into slot 0 of that map.
 *
 *   xw-runtime-wire OBJ VETH PINDIR HOST_MAP NIC
 *
 * Run inside the namespace of VETH and NIC.  Exit 0 wired, 1 a step failed
 * (named on stderr; steps done stay done, as the runtime leaves them), 2
 * usage.  XW_RUNTIME_HOLD_AFTER=map stops after pinning the map, prints
 * "holding" and keeps the unpinned link until killed: a runtime caught
 * half-way.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int fail(const char *step, int err)
{
	fprintf(stderr, "xw-runtime-wire: %s: %s\n", step, strerror(err));
	return 1;
}

static int pin(const char *dir, const char *name, int fd)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_pin(fd, path) ? -errno : 0;
}

int main(int argc, char **argv)
{
	unsigned int veth, nic;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	__u32 key = 0;
	int host_map, err;
	const char *hold;

	if (argc != 6) {
		fprintf(stderr,
			"usage: xw-runtime-wire OBJ VETH PINDIR HOST_MAP NIC\n");
		return 2;
	}
	veth = if_nametoindex(argv[2]);
	nic = if_nametoindex(argv[5]);
	if (!veth || !nic)
		return fail("no such device", ENODEV);
	host_map = bpf_obj_get(argv[4]);
	if (host_map < 0 || bpf_map_update_elem(host_map, &key, &veth, BPF_ANY))
		return fail(argv[4], errno);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj))
		return fail("load", errno);
	prog = bpf_object__find_program_by_name(obj, "xdp_veth_prog");
	map = bpf_object__find_map_by_name(obj, "dev_map");
	if (!prog || !map)
		return fail("program or map not in the object", ENOENT);
	link = bpf_program__attach_xdp(prog, (int)veth);
	if (!link)
		return fail("attach", errno);
	if (mkdir(argv[3], 0700) && errno != EEXIST)
		return fail(argv[3], errno);
	err = pin(argv[3], "tunnel_veth_map", bpf_map__fd(map));
	hold = getenv("XW_RUNTIME_HOLD_AFTER");
	if (!err && hold && !strcmp(hold, "map")) {
		printf("holding\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!err)
		err = pin(argv[3], "tunnel_veth_program",
			  bpf_program__fd(prog));
	if (!err)
		err = pin(argv[3], "tunnel_veth_link", bpf_link__fd(link));
	if (err)
		return fail("pin", -err);
	if (bpf_map_update_elem(bpf_map__fd(map), &key, &nic, BPF_ANY))
		return fail("tunnel_veth_map", errno);
	return 0;
}
