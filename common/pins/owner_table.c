// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tunnel host's address tables from user space: the same open
 * addressing as the XDP program (bpf/owner_table.h), through the map's
 * syscalls.  Every call reads the map's info first and refuses a map that
 * is not an owner table of the address's family, so a pin swapped behind
 * the layout's back is never written.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "pins/owner_table.h"

/* Slots read per batch by a walk: bounded memory whatever the size. */
#define WALK_CHUNK 4096u

/* A checked owner table. */
struct table {
	int fd;
	uint32_t id; /* the map's, for the count below */
	int family; /* AF_INET or AF_INET6, from the value size */
	uint32_t slots;
	uint32_t mask;
	uint32_t value_size;
};

/* One slot as stored: the family's struct. */
union slot {
	struct xw_owner4 v4;
	struct xw_owner6 v6;
};

/*
 * The slots in use in one table, as this process last counted them and
 * then changed them.  Counting reads every slot (2 ms for a default table,
 * 1.7 s for the largest), and a registration inserts up to
 * XW_MAX_SANDBOX_ADDRS addresses: only its first insert counts.  Exact
 * while this process is the table's only writer, which the NIC's lock
 * makes it; should another writer have slipped in, a refusal for
 * capacity counts again first, and the probe window bounds the rest.
 * xw_owner_usage() always counts afresh.
 */
static struct {
	uint32_t map_id; /* 0: none counted */
	uint32_t used;
} counted;

static int family_of(uint32_t value_size)
{
	if (value_size == sizeof(struct xw_owner4))
		return AF_INET;
	if (value_size == sizeof(struct xw_owner6))
		return AF_INET6;
	return 0;
}

static bool power_of_two(uint32_t n)
{
	return n && !(n & (n - 1));
}

/*
 * Reads and checks the map behind fd: an ARRAY, key 4, value an owner
 * struct (of family when it is not 0), max_entries a power of two of at
 * least one address's slots.
 */
static int table_open(int fd, int family, struct table *t)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_ARRAY || info.key_size != sizeof(__u32))
		return -EINVAL;
	if (!family_of(info.value_size))
		return -EINVAL;
	if (family && family != family_of(info.value_size))
		return -EINVAL;
	if (!power_of_two(info.max_entries) ||
	    info.max_entries < XW_OWNER_SLOTS_PER_ADDR)
		return -EINVAL;
	t->fd = fd;
	t->id = info.id;
	t->family = family_of(info.value_size);
	t->slots = info.max_entries;
	t->mask = info.max_entries - 1;
	t->value_size = info.value_size;
	return 0;
}

static uint32_t slot_ifindex(const struct table *t, const union slot *s)
{
	return t->family == AF_INET ? s->v4.ifindex : s->v6.ifindex;
}

static bool slot_used(const struct table *t, const union slot *s)
{
	uint32_t ifindex = slot_ifindex(t, s);

	return ifindex && ifindex != XW_OWNER_TOMBSTONE;
}

/* The address bytes of a slot, as struct xw_ip keeps them. */
static void slot_ip(const struct table *t, const union slot *s,
		    struct xw_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = (uint8_t)t->family;
	if (t->family == AF_INET)
		memcpy(ip->a, &s->v4.addr, sizeof(s->v4.addr));
	else
		memcpy(ip->a, s->v6.addr, sizeof(s->v6.addr));
}

static bool slot_holds(const struct table *t, const union slot *s,
		       const struct xw_ip *ip)
{
	if (t->family == AF_INET)
		return !memcmp(&s->v4.addr, ip->a, sizeof(s->v4.addr));
	return !memcmp(s->v6.addr, ip->a, sizeof(s->v6.addr));
}

/* A slot's value: ip (NULL: no address) owned by ifindex. */
static void slot_make(const struct table *t, const struct xw_ip *ip,
		      uint32_t ifindex, union slot *s)
{
	memset(s, 0, sizeof(*s));
	if (t->family == AF_INET) {
		if (ip)
			memcpy(&s->v4.addr, ip->a, sizeof(s->v4.addr));
		s->v4.ifindex = ifindex;
	} else {
		if (ip)
			memcpy(s->v6.addr, ip->a, sizeof(s->v6.addr));
		s->v6.ifindex = ifindex;
	}
}

/*
 * Home slot exactly as the program computes it: the IPv4 address is the
 * header's __be32 loaded as it lies in memory, the IPv6 one two such
 * 64-bit words.
 */
static uint32_t home(const struct table *t, const struct xw_ip *ip)
{
	__be32 a4;
	__u64 hi, lo;

	if (t->family == AF_INET) {
		memcpy(&a4, ip->a, sizeof(a4));
		return xw_owner_home4(a4, t->mask);
	}
	memcpy(&hi, ip->a, sizeof(hi));
	memcpy(&lo, ip->a + sizeof(hi), sizeof(lo));
	return xw_owner_home6(hi, lo, t->mask);
}

static int slot_read(const struct table *t, uint32_t slot, union slot *s)
{
	memset(s, 0, sizeof(*s));
	return bpf_map_lookup_elem(t->fd, &slot, s) ? -errno : 0;
}

/* Replaces old (as read) at slot by s, keeping the count of used slots. */
static int slot_write(const struct table *t, uint32_t slot,
		      const union slot *old, const union slot *s)
{
	if (bpf_map_update_elem(t->fd, &slot, s, BPF_ANY))
		return -errno;
	if (counted.map_id == t->id)
		counted.used += (uint32_t)slot_used(t, s) - slot_used(t, old);
	return 0;
}

/* A table for ip: its family's, or -EINVAL (also for a bad family). */
static int table_for(int fd, const struct xw_ip *ip, struct table *t)
{
	if (ip->family != AF_INET && ip->family != AF_INET6)
		return -EINVAL;
	return table_open(fd, ip->family, t);
}

/*
 * Probes ip's window as the program does: *found gets its slot (or
 * UINT32_MAX), *vacant the first free or tombstone slot before the probe
 * stopped (or UINT32_MAX), *old what the found slot holds.
 */
static int probe(const struct table *t, const struct xw_ip *ip, uint32_t *found,
		 uint32_t *vacant, uint32_t *old)
{
	uint32_t h = home(t, ip), i, slot, ifindex;
	union slot s;
	int err;

	*found = *vacant = UINT32_MAX;
	for (i = 0; i < XW_OWNER_PROBES; i++) {
		slot = (h + i) & t->mask;
		err = slot_read(t, slot, &s);
		if (err)
			return err;
		ifindex = slot_ifindex(t, &s);
		if (!ifindex || ifindex == XW_OWNER_TOMBSTONE) {
			if (*vacant == UINT32_MAX)
				*vacant = slot;
			if (!ifindex)
				break; /* never used: the program stops too */
			continue;
		}
		if (slot_holds(t, &s, ip)) {
			*found = slot;
			*old = ifindex;
			return 0;
		}
	}
	return 0;
}

/* The kernel's internal "not supported" (ENOTSUPP), not in libc. */
#define XW_ENOTSUPP 524

/*
 * Reads up to n slots from slot start on into keys/vals: one batch where
 * the kernel has it for arrays, else one lookup per slot.  *got: how many
 * (fewer at the table's end).  A batch goes on after the key it is given,
 * so slot start - 1 is the one to give.
 */
static int read_chunk(const struct table *t, uint32_t start, uint32_t n,
		      uint32_t *keys, void *vals, uint32_t *got)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t in = start - 1, out = 0, count = n, i;
	union slot s;
	int err;

	err = bpf_map_lookup_batch(t->fd, start ? &in : NULL, &out, keys, vals,
				   &count, &opts) ?
		      -errno :
		      0;
	if (!err || err == -ENOENT) {
		/* -ENOENT: the last slot was read; count holds what came. */
		*got = count;
		return 0;
	}
	if (err != -EINVAL && err != -EOPNOTSUPP && err != -XW_ENOTSUPP &&
	    err != -ENOSYS)
		return err;
	for (i = 0; i < n && start + i < t->slots; i++) {
		keys[i] = start + i;
		err = slot_read(t, start + i, &s);
		if (err)
			return err;
		memcpy((char *)vals + (size_t)i * t->value_size, &s,
		       t->value_size);
	}
	*got = i;
	return 0;
}

/*
 * The batch buffer holds values back to back at the map's value size,
 * not at the union's: unpack slot i of it.
 */
static void chunk_slot(const struct table *t, const void *buf, uint32_t i,
		       union slot *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s, (const char *)buf + (size_t)i * t->value_size, t->value_size);
}

static int walk_table(const struct table *t, xw_owner_fn fn, void *arg)
{
	uint32_t chunk = t->slots < WALK_CHUNK ? t->slots : WALK_CHUNK;
	uint32_t *keys = calloc(chunk, sizeof(*keys));
	void *vals = calloc(chunk, t->value_size);
	uint32_t next = 0, got, i;
	struct xw_ip ip;
	union slot s;
	int err = -ENOMEM;

	if (!keys || !vals)
		goto out_free;
	while (next < t->slots) {
		err = read_chunk(t, next, chunk, keys, vals, &got);
		if (err)
			goto out_free;
		if (!got)
			break;
		for (i = 0; i < got; i++) {
			chunk_slot(t, vals, i, &s);
			if (!slot_used(t, &s))
				continue;
			slot_ip(t, &s, &ip);
			err = fn(&ip, slot_ifindex(t, &s), keys[i], arg);
			if (err)
				goto out_free;
		}
		if (keys[got - 1] < next) {
			err = -EIO; /* a batch must move on */
			goto out_free;
		}
		next = keys[got - 1] + 1;
	}
	err = 0;
out_free:
	free(vals);
	free(keys);
	return err;
}

static int count_used(const struct xw_ip *ip, uint32_t ifindex, uint32_t slot,
		      void *arg)
{
	(void)ip;
	(void)ifindex;
	(void)slot;
	++*(uint32_t *)arg;
	return 0;
}

/* Counts the used slots afresh, and remembers the count. */
static int usage_of(const struct table *t, struct xw_owner_usage *out)
{
	int err;

	out->slots = t->slots;
	out->capacity = t->slots / XW_OWNER_SLOTS_PER_ADDR;
	out->used = 0;
	counted.map_id = 0;
	err = walk_table(t, count_used, &out->used);
	if (!err) {
		counted.map_id = t->id;
		counted.used = out->used;
	}
	return err;
}

/* Whether a new address would exceed the table's capacity. */
static int over_capacity(const struct table *t, bool *full)
{
	struct xw_owner_usage usage;
	int err;

	if (counted.map_id == t->id &&
	    counted.used < t->slots / XW_OWNER_SLOTS_PER_ADDR) {
		*full = false;
		return 0;
	}
	err = usage_of(t, &usage);
	*full = usage.used >= usage.capacity;
	return err;
}

int xw_owner_usage(int map_fd, struct xw_owner_usage *out)
{
	struct table t = { .fd = -1 };
	int err = table_open(map_fd, 0, &t);

	return err ? err : usage_of(&t, out);
}

int xw_owner_find(int map_fd, const struct xw_ip *ip, uint32_t *ifindex,
		  uint32_t *slot)
{
	uint32_t found, vacant, old = 0;
	struct table t = { .fd = -1 };
	int err = table_for(map_fd, ip, &t);

	if (!err)
		err = probe(&t, ip, &found, &vacant, &old);
	if (err)
		return err;
	if (found == UINT32_MAX)
		return -ENOENT;
	*ifindex = old;
	*slot = found;
	return 0;
}

int xw_owner_insert(int map_fd, const struct xw_ip *ip, uint32_t ifindex,
		    uint32_t *slot, uint32_t *old_ifindex)
{
	uint32_t found, vacant, old = 0;
	union slot s, was;
	struct table t = { .fd = -1 };
	bool full;
	int err;

	if (!ifindex || ifindex == XW_OWNER_TOMBSTONE)
		return -EINVAL;
	err = table_for(map_fd, ip, &t);
	if (!err)
		err = probe(&t, ip, &found, &vacant, &old);
	if (err)
		return err;
	if (found == UINT32_MAX) {
		/* A new address: it must fit the table and its window. */
		err = over_capacity(&t, &full);
		if (err)
			return err;
		if (full)
			return -E2BIG;
		if (vacant == UINT32_MAX)
			return -ENOSPC;
		found = vacant;
	}
	err = slot_read(&t, found, &was);
	if (err)
		return err;
	old = slot_ifindex(&t, &was);
	slot_make(&t, ip, ifindex, &s);
	err = slot_write(&t, found, &was, &s);
	if (err)
		return err;
	*slot = found;
	*old_ifindex = old;
	return 0;
}

/*
 * Undoes an insert.  A slot that was never used gets 0 back only while
 * the next slot is never used either: then no probe went past it since,
 * so no address was placed behind it.  Otherwise it becomes a tombstone,
 * which keeps such an address findable.  Undone in reverse order, a run
 * of inserts leaves the table exactly as it found it.
 */
int xw_owner_restore(int map_fd, const struct xw_ip *ip, uint32_t slot,
		     uint32_t old_ifindex)
{
	uint32_t value = old_ifindex;
	union slot s, was, next;
	struct table t = { .fd = -1 };
	int err = table_for(map_fd, ip, &t);

	if (err)
		return err;
	if (slot >= t.slots)
		return -EINVAL;
	if (!value) {
		err = slot_read(&t, (slot + 1) & t.mask, &next);
		if (err)
			return err;
		if (slot_ifindex(&t, &next))
			value = XW_OWNER_TOMBSTONE;
	}
	err = slot_read(&t, slot, &was);
	if (err)
		return err;
	slot_make(&t, value ? ip : NULL, value, &s);
	return slot_write(&t, slot, &was, &s);
}

int xw_owner_free(int map_fd, uint32_t slot)
{
	union slot s, was;
	struct table t = { .fd = -1 };
	int err = table_open(map_fd, 0, &t);

	if (err)
		return err;
	if (slot >= t.slots)
		return -EINVAL;
	err = slot_read(&t, slot, &was);
	if (err)
		return err;
	/* The address stays beside the tombstone: a trace for a reader. */
	s = was;
	if (t.family == AF_INET)
		s.v4.ifindex = XW_OWNER_TOMBSTONE;
	else
		s.v6.ifindex = XW_OWNER_TOMBSTONE;
	return slot_write(&t, slot, &was, &s);
}

int xw_owner_walk(int map_fd, int family, xw_owner_fn fn, void *arg)
{
	struct table t = { .fd = -1 };
	int err = table_open(map_fd, family, &t);

	if (!err && family != AF_INET && family != AF_INET6)
		err = -EINVAL;
	return err ? err : walk_table(&t, fn, arg);
}

int xw_owner_masks_set(struct bpf_map *masks, const struct bpf_map *owners4,
		       const struct bpf_map *owners6)
{
	uint32_t n4 = bpf_map__max_entries(owners4);
	uint32_t n6 = bpf_map__max_entries(owners6);
	struct xw_owner_masks want = { .v4 = n4 - 1, .v6 = n6 - 1 };
	size_t size = 0;

	if (!power_of_two(n4) || !power_of_two(n6))
		return -EINVAL;
	/* libbpf 1.1 declares the initial value const; it is its copy. */
	if (!bpf_map__initial_value(masks, &size) || size != sizeof(want))
		return -ENOENT;
	return bpf_map__set_initial_value(masks, &want, sizeof(want));
}
