/*
 * The tunnel host's address tables (bpf/owner_table.h) from user space:
 * find, insert and free an address's slot, and walk a table.  Callers hold
 * the NIC's pin directory lock and follow the ordering rule of
 * bpf/owner_table.h (write a slot only while its ifindex is not committed
 * in tunnel_host_veth_map).  map_fd is an ARRAY already checked by the
 * layout (type, key 4, value sizeof(struct xw_owner4|6), max_entries a
 * power of two).
 */
#ifndef XW_PINS_OWNER_TABLE_H
#define XW_PINS_OWNER_TABLE_H

#include <stdint.h>

#include "bpf/owner_table.h"
#include "core/parse.h"

/* The map's slots and how many addresses it is sized for, and in use. */
struct xw_owner_usage {
	uint32_t slots; /* max_entries */
	uint32_t capacity; /* slots / XW_OWNER_SLOTS_PER_ADDR */
	uint32_t used; /* slots in use (not free, not tombstone) */
};

int xw_owner_usage(int map_fd, struct xw_owner_usage *out);

/*
 * The slot holding ip, and its ifindex: 0, or -ENOENT.  Other -errno from
 * the map.  ip->family picks the table: map_fd must be that family's.
 */
int xw_owner_find(int map_fd, const struct xw_ip *ip, uint32_t *ifindex,
		  uint32_t *slot);

/*
 * Writes ip -> ifindex.  If ip is there already its slot is overwritten
 * (the caller has decided the old owner is stale); otherwise the first
 * free or tombstone slot of its probe window is taken.  -E2BIG: the table
 * holds capacity addresses already; -ENOSPC: the address's probe window is
 * full (the table is crowded there: a larger --max-addresses helps).
 * *slot gets the slot written, *old_ifindex what it held (0 if free).
 */
int xw_owner_insert(int map_fd, const struct xw_ip *ip, uint32_t ifindex,
		    uint32_t *slot, uint32_t *old_ifindex);

/*
 * Puts back what a slot held before an insert (undo): old_ifindex 0 or a
 * tombstone frees it again, any other restores ip -> old_ifindex.
 */
int xw_owner_restore(int map_fd, const struct xw_ip *ip, uint32_t slot,
		     uint32_t old_ifindex);

/* Frees slot (a tombstone, so probes for other addresses go on). */
int xw_owner_free(int map_fd, uint32_t slot);

/*
 * Calls fn for every slot in use, in slot order, with the family of the
 * table (AF_INET or AF_INET6); stops at fn's first non-zero return and
 * returns it.  Reads the table in one batch where the kernel allows.
 */
typedef int (*xw_owner_fn)(const struct xw_ip *ip, uint32_t ifindex,
			   uint32_t slot, void *arg);
int xw_owner_walk(int map_fd, int family, xw_owner_fn fn, void *arg);

struct bpf_map;

/*
 * Before load: writes into masks (the tunnel host's .rodata.owners, whose
 * value is a struct xw_owner_masks) the masks of its tables as they will
 * be, owners4 and owners6 sized or reused already.  -EINVAL if a size is
 * not a power of two (the layout refuses such a pinned table first).
 */
int xw_owner_masks_set(struct bpf_map *masks, const struct bpf_map *owners4,
		       const struct bpf_map *owners6);

#endif /* XW_PINS_OWNER_TABLE_H */
