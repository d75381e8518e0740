/*
 * The kernel's BTF read with little memory, for xsk_btf.c: libbpf's
 * btf__load_vmlinux_btf() holds the 5 MB file twice while it parses it
 * (sockmap-insert's first run after a boot peaked at 13.7 MiB in make
 * bench, against a goal of 8 MiB).  This reader keeps the strings and an
 * index of where each type starts, and reads a type when it is asked for.
 */
#ifndef XW_XSK_BTF_READER_H
#define XW_XSK_BTF_READER_H

#include <linux/btf.h>
#include <linux/types.h>

struct xw_btf_reader;

/*
 * Opens path and indexes its types; ids[i] gets the id of the first
 * struct named names[i] (names ends with NULL), or -ENOENT.  NULL with
 * errno set on failure: a file it does not understand is EPROTO.
 */
struct xw_btf_reader *xw_btf_reader_open(const char *path,
					 const char *const *names, int *ids);

/*
 * Type id, its record whole (header and members), valid until the reader
 * is freed; NULL for id 0 or an id out of range.
 */
const struct btf_type *xw_btf_reader_type(struct xw_btf_reader *r, __u32 id);

/* The string at off, NULL if out of range. */
const char *xw_btf_reader_name(const struct xw_btf_reader *r, __u32 off);

void xw_btf_reader_free(struct xw_btf_reader *r);

#endif /* XW_XSK_BTF_READER_H */
