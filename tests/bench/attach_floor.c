// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-attach_floor: the least an install can do, as make bench's floor for
 * install latency.
 *
 *   xw-attach_floor redirect|tunnel_host|tunnel_veth DEVICE PIN_DIR
 *
 * Opens and loads the same skeleton xdpwire embeds, attaches it to DEVICE
 * with a bpf_link, and pins its maps, program and link under PIN_DIR.
 * Nothing else: no option parsing beyond argv, no validation of names or
 * pins, no lock, no rollback, no report.  It is built and linked exactly
 * like xdpwire, so the gap between the two is what xdpwire's own checks
 * cost.  Exit 0 done, 1 failure (libbpf's message on stderr).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <bpf/libbpf.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "redirect.skel.h"
#include "tunnel_host.skel.h"
#include "tunnel_veth.skel.h"

#define PROG "xw-attach_floor"

static int pin_all(struct bpf_object *obj, struct bpf_program *prog,
		   struct bpf_link *link, const char *dir)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int err;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	bpf_object__for_each_map(map, obj)
	{
		/* .rodata is the program's own; an install pins no such map. */
		if (bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		err = bpf_map__pin(map, path);
		if (err)
			return err;
	}
	snprintf(path, sizeof(path), "%s/program", dir);
	err = bpf_program__pin(prog, path);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/link", dir);
	return bpf_link__pin(link, path);
}

/*
 * Opens, configures like a default install (SSH is the pass port, so the
 * verifier sees the same program), loads, attaches and pins one skeleton
 * type.  A macro, because the three skeletons share shape but not types.
 */
#define ATTACH_AND_PIN(skel_name, prog_name, ifindex, dir)                \
	({                                                                \
		struct skel_name *s = skel_name##__open();                \
		struct bpf_link *l;                                       \
		if (!s)                                                   \
			return -errno;                                    \
		s->rodata->cfg.n_ports = 1;                               \
		s->rodata->cfg.ports[0] = htons(22);                      \
		if (skel_name##__load(s))                                 \
			return -errno;                                    \
		l = bpf_program__attach_xdp(s->progs.prog_name, ifindex); \
		if (!l)                                                   \
			return -errno;                                    \
		pin_all(s->obj, s->progs.prog_name, l, dir);              \
	})

static int floor_install(const char *kind, int ifindex, const char *dir)
{
	if (!strcmp(kind, "redirect"))
		return ATTACH_AND_PIN(redirect_bpf, xw_redirect, ifindex, dir);
	if (!strcmp(kind, "tunnel_host"))
		return ATTACH_AND_PIN(tunnel_host_bpf, xw_tunnel_host, ifindex,
				      dir);
	if (!strcmp(kind, "tunnel_veth"))
		return ATTACH_AND_PIN(tunnel_veth_bpf, xw_tunnel_veth, ifindex,
				      dir);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	unsigned int ifindex;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: " PROG " redirect|tunnel_host|"
				"tunnel_veth DEVICE PIN_DIR\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, PROG ": %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	err = floor_install(argv[1], ifindex, argv[3]);
	if (err) {
		fprintf(stderr, PROG ": %s on %s: %s\n", argv[1], argv[2],
			strerror(-err));
		return 1;
	}
	/* The process exits holding everything: the pins keep it alive. */
	return 0;
}
