/*
 * A small BTF holding just the kernel fields bpf/xsk_bind.bpf.c reads, at
 * their offsets in the running kernel, for libbpf's btf_custom_path.  The
 * kernel's own BTF is 5 MB read 4 KB at a time and takes libbpf tens of
 * milliseconds to parse: sockmap-insert runs at every sandbox start, so
 * the small one is made once per boot and kept in a cache directory
 * ($XDPWIRE_CACHE_DIR, else /run/xdpwire; owned by us, mode 0700).
 */
#ifndef XW_XSK_BTF_H
#define XW_XSK_BTF_H

#include <stdbool.h>

struct xw_ctx;

/*
 * A read-only descriptor of the BTF: the cached one (*cached set) when it
 * is there and ours alone, unless fresh; else one made now (and cached
 * when the directory allows).  Returns -errno on failure, recording
 * nothing.
 */
int xw_xsk_btf_open(const struct xw_ctx *ctx, bool fresh, bool *cached);

#endif /* XW_XSK_BTF_H */
