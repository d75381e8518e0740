/* The pass-port configuration every program of ours carries in .rodata. */
#ifndef XW_PASSCFG_H
#define XW_PASSCFG_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/xw_abi.h"

#define XW_DEFAULT_PASS_PORT 22

/*
 * Fills cfg from a port list (sorted and deduplicated, so the same set in
 * another order is the same configuration) and the hash of the BPF object
 * the program comes from.  An empty list means the default port.
 */
void xw_pass_cfg_fill(struct xw_pass_cfg *cfg, const uint16_t *ports,
		      size_t n_ports, const void *elf, size_t elf_size);

/* FNV-1a: tells object builds apart; not a defence against anyone. */
uint64_t xw_hash64(const void *data, size_t size);

#endif /* XW_PASSCFG_H */
