// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-owners_fill: registers many sandboxes in a tunnel host's tables at
 * once, for make bench's per-packet rows with 1, 8 and 1000 sandboxes.
 *
 *   xw-owners_fill PINDIR < LINES        (each line: IFNAME ADDR [ADDR...])
 *
 * PINDIR is the NIC's pin directory (tunnel_host_ipv4_owner_map,
 * tunnel_host_ipv6_owner_map, tunnel_host_sandbox_map).  Each line is one
 * sandbox: the host side of its veth, in our network namespace, and the
 * addresses it owns.  Writes every owner slot first, then commits each
 * ifindex into the sandbox map, the order tunnel-install keeps.  What
 * tunnel-install --address does per sandbox (its own process, its veth's
 * own program, locks) is what the control-plane rows time; here only the
 * resulting tables matter, and 1000 registrations must take a moment.
 *
 * The slots are written as bpf/owner_table.h lays them out (the program's
 * own hash and probe window), directly: make bench links its tools alone,
 * without common/, and the program finding the address (xw-prog_run
 * checks it redirects) is the proof the layout is the program's.
 *
 * Prints "sandboxes N addresses M".  Exit 0, 1 failure, 2 usage.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <bpf/bpf.h>

#include "bpf/owner_table.h"
#include "inspect/kinds.h"

#define PROG "xw-owners_fill"
#define MAX_LINE 4096

struct table {
	int fd;
	uint32_t mask;
	uint32_t value_size;
};

/* A pinned map of the expected type, key and value sizes, or -1. */
static int open_map(const char *dir, const char *name, uint32_t type,
		    uint32_t value_size, uint32_t *max_entries)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != type ||
	    info.key_size != 4 || info.value_size != value_size) {
		fprintf(stderr, PROG ": %s: not the map expected\n", path);
		return -1;
	}
	*max_entries = info.max_entries;
	return fd;
}

static int open_table(const char *dir, const char *name, uint32_t value_size,
		      struct table *t)
{
	uint32_t n;

	t->fd = open_map(dir, name, BPF_MAP_TYPE_ARRAY, value_size, &n);
	if (t->fd < 0)
		return -1;
	if (!n || n & (n - 1)) {
		fprintf(stderr, PROG ": %s: %u slots, not a power of two\n",
			name, n);
		return -1;
	}
	t->mask = n - 1;
	t->value_size = value_size;
	return 0;
}

/*
 * Writes value (an xw_owner4/6 whose first key_len bytes are the address)
 * into the first slot of its probe window that is free, freed, or holds
 * the address already.
 */
static int insert(const struct table *t, uint32_t home, const void *value,
		  size_t key_len)
{
	unsigned char cur[sizeof(struct xw_owner6)];
	uint32_t slot, ifindex;
	int p;

	for (p = 0; p < XW_OWNER_PROBES; p++) {
		slot = (home + p) & t->mask;
		if (bpf_map_lookup_elem(t->fd, &slot, cur))
			return -errno;
		/* ifindex follows the address in both layouts */
		memcpy(&ifindex, cur + key_len, sizeof(ifindex));
		if (!ifindex || ifindex == XW_OWNER_TOMBSTONE ||
		    !memcmp(cur, value, key_len))
			return bpf_map_update_elem(t->fd, &slot, value,
						   BPF_ANY) ?
				       -errno :
				       0;
	}
	return -ENOSPC;
}

static int add_addr(const struct table *t4, const struct table *t6,
		    const char *text, uint32_t ifindex)
{
	struct xw_owner4 v4 = { .ifindex = ifindex };
	struct xw_owner6 v6 = { .ifindex = ifindex };

	if (inet_pton(AF_INET, text, &v4.addr) == 1)
		return insert(t4, xw_owner_home4(v4.addr, t4->mask), &v4, 4);
	if (inet_pton(AF_INET6, text, v6.addr) == 1)
		return insert(t6,
			      xw_owner_home6(v6.addr[0], v6.addr[1], t6->mask),
			      &v6, 16);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static uint32_t committed[65536];
	struct table t4, t6;
	unsigned int n = 0, addrs = 0, i;
	uint32_t max_sandboxes;
	char line[MAX_LINE], *tok, *save;
	int sandboxes, err;

	if (argc != 2) {
		fprintf(stderr, "usage: " PROG " PINDIR < LINES\n");
		return 2;
	}
	if (open_table(argv[1], XW_PIN_OWNERS4, sizeof(struct xw_owner4),
		       &t4) ||
	    open_table(argv[1], XW_PIN_OWNERS6, sizeof(struct xw_owner6), &t6))
		return 1;
	sandboxes = open_map(argv[1], XW_PIN_SANDBOXES,
			     BPF_MAP_TYPE_DEVMAP_HASH, 4, &max_sandboxes);
	if (sandboxes < 0)
		return 1;
	while (fgets(line, sizeof(line), stdin)) {
		tok = strtok_r(line, " \t\n", &save);
		if (!tok)
			continue;
		if (n == sizeof(committed) / sizeof(committed[0]) ||
		    !(committed[n] = if_nametoindex(tok))) {
			fprintf(stderr, PROG ": %s: no such device\n", tok);
			return 1;
		}
		while ((tok = strtok_r(NULL, " \t\n", &save))) {
			err = add_addr(&t4, &t6, tok, committed[n]);
			if (err) {
				fprintf(stderr, PROG ": %s: %s\n", tok,
					strerror(-err));
				return 1;
			}
			addrs++;
		}
		n++;
	}
	/* The commit point of each sandbox, after all its slots. */
	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(sandboxes, &committed[i], &committed[i],
					BPF_ANY)) {
			fprintf(stderr, PROG ": commit ifindex %u: %s\n",
				committed[i], strerror(errno));
			return 1;
		}
	printf("sandboxes %u addresses %u\n", n, addrs);
	return 0;
}
