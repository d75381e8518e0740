/*
 * INTERIM, to be deleted when p15-owner-ready and p15-addrs-ready are
 * merged: weak stand-ins for the owner table and address functions this
 * part calls (pins/owner_table.h, core/parse.h), so the branch links and
 * its tests run before those parts land.  The real, strong definitions
 * replace these at link time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "pins/owner_table.h"

#define XW_WEAK __attribute__((weak))

XW_WEAK const char *xw_ip_str(const struct xw_ip *ip, char *buf)
{
	return inet_ntop(ip->family, ip->a, buf, XW_IP_STRLEN) ?: "?";
}

XW_WEAK int xw_ip_cmp(const struct xw_ip *a, const struct xw_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, sizeof(a->a));
}

static int slot_read(int fd, uint32_t slot, int family, struct xw_ip *ip,
		     uint32_t *ifindex)
{
	struct xw_owner6 v6;
	struct xw_owner4 v4;

	memset(ip, 0, sizeof(*ip));
	ip->family = (uint8_t)family;
	if (family == AF_INET) {
		if (bpf_map_lookup_elem(fd, &slot, &v4))
			return -errno;
		memcpy(ip->a, &v4.addr, 4);
		*ifindex = v4.ifindex;
		return 0;
	}
	if (bpf_map_lookup_elem(fd, &slot, &v6))
		return -errno;
	memcpy(ip->a, v6.addr, 16);
	*ifindex = v6.ifindex;
	return 0;
}

static int family_of(int fd, uint32_t *slots)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	if (bpf_obj_get_info_by_fd(fd, &mi, &len))
		return -errno;
	*slots = mi.max_entries;
	return mi.value_size == sizeof(struct xw_owner4) ? AF_INET : AF_INET6;
}

XW_WEAK int xw_owner_walk(int map_fd, int family, xw_owner_fn fn, void *arg)
{
	uint32_t slot, slots = 0, ifindex = 0;
	struct xw_ip ip;
	int err;

	err = family_of(map_fd, &slots);
	if (err < 0)
		return err;
	for (slot = 0; slot < slots; slot++) {
		err = slot_read(map_fd, slot, family, &ip, &ifindex);
		if (err)
			return err;
		if (!ifindex || ifindex == XW_OWNER_TOMBSTONE)
			continue;
		err = fn(&ip, ifindex, slot, arg);
		if (err)
			return err;
	}
	return 0;
}

static int count(const struct xw_ip *ip, uint32_t ifindex, uint32_t slot,
		 void *arg)
{
	(void)ip;
	(void)ifindex;
	(void)slot;
	(*(uint32_t *)arg)++;
	return 0;
}

XW_WEAK int xw_owner_usage(int map_fd, struct xw_owner_usage *out)
{
	int family = family_of(map_fd, &out->slots);

	if (family < 0)
		return family;
	out->capacity = out->slots / XW_OWNER_SLOTS_PER_ADDR;
	out->used = 0;
	return xw_owner_walk(map_fd, family, count, &out->used);
}

XW_WEAK int xw_owner_free(int map_fd, uint32_t slot)
{
	struct xw_owner6 v6 = { .ifindex = XW_OWNER_TOMBSTONE };
	struct xw_owner4 v4 = { .ifindex = XW_OWNER_TOMBSTONE };
	uint32_t slots = 0;
	int family = family_of(map_fd, &slots);

	if (family < 0)
		return family;
	if (bpf_map_update_elem(map_fd, &slot,
				family == AF_INET ? (void *)&v4 : (void *)&v6,
				BPF_EXIST))
		return -errno;
	return 0;
}
