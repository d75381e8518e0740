// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A BTF file read piecewise: one pass over the type section through a
 * small window builds an index of offsets (4 bytes a type), the strings
 * are read whole (they are looked up by offset everywhere), and a type's
 * record is read with pread only when it is asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsk/btf_reader.h"

#define WINDOW 65536
#define BTF_MAGIC_NATIVE 0xeB9F

/* A type's record, kept until the reader is freed. */
struct record {
	struct record *next;
	struct btf_type t; /* followed by its members, params or values */
};

struct xw_btf_reader {
	int fd;
	off_t types; /* file offset of the type section */
	__u32 types_len;
	char *strs;
	__u32 strs_len;
	__u32 *offs; /* offs[id - 1]: the type's offset in the section */
	__u32 n;
	struct record *records;
};

/* Bytes after the 12-byte header, by kind (linux/btf.h); -1 if unknown. */
static long extra_size(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPROTO;
		buf = (char *)buf + n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int add_off(struct xw_btf_reader *r, __u32 off, __u32 *cap)
{
	__u32 *grown;

	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		grown = realloc(r->offs, *cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->offs = grown;
	}
	r->offs[r->n++] = off;
	return 0;
}

/* Notes the id of the first struct of each wanted name. */
static void match(const struct xw_btf_reader *r, const struct btf_type *t,
		  const char *const *names, int *ids)
{
	const char *name;
	int i;

	if (BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT)
		return;
	name = xw_btf_reader_name(r, t->name_off);
	for (i = 0; name && names[i]; i++)
		if (ids[i] < 0 && !strcmp(name, names[i]))
			ids[i] = (int)r->n;
}

/* The pass over the types: offsets, and the wanted structs' ids. */
static int index_types(struct xw_btf_reader *r, const char *const *names,
		       int *ids)
{
	char *win = malloc(WINDOW);
	__u32 pos = 0, start = 0, len = 0, cap = 0;
	struct btf_type t;
	long extra;
	int err = 0;

	if (!win)
		return -ENOMEM;
	while (!err && pos < r->types_len) {
		if (pos + sizeof(t) > start + len) {
			start = pos;
			len = r->types_len - pos < WINDOW ? r->types_len - pos :
							    WINDOW;
			if (len < sizeof(t)) {
				err = -EPROTO;
				break;
			}
			err = read_at(r->fd, win, len, r->types + start);
			if (err)
				break;
		}
		memcpy(&t, win + (pos - start), sizeof(t));
		extra = extra_size(&t);
		err = extra < 0 ? -EPROTO : add_off(r, pos, &cap);
		if (!err)
			match(r, &t, names, ids);
		pos += sizeof(t) + (__u32)(extra < 0 ? 0 : extra);
	}
	if (!err && pos != r->types_len)
		err = -EPROTO;
	free(win);
	return err;
}

static int read_header(struct xw_btf_reader *r)
{
	struct btf_header h;
	int err = read_at(r->fd, &h, sizeof(h), 0);

	if (err)
		return err;
	/* Native byte order only: the running kernel's own. */
	if (h.magic != BTF_MAGIC_NATIVE || h.hdr_len < sizeof(h) ||
	    h.str_len > 64u << 20 || h.type_len > 256u << 20)
		return -EPROTO;
	r->types = (off_t)h.hdr_len + h.type_off;
	r->types_len = h.type_len;
	r->strs_len = h.str_len;
	r->strs = malloc((size_t)h.str_len + 1);
	if (!r->strs)
		return -ENOMEM;
	r->strs[h.str_len] = '\0';
	return read_at(r->fd, r->strs, h.str_len, (off_t)h.hdr_len + h.str_off);
}

struct xw_btf_reader *xw_btf_reader_open(const char *path,
					 const char *const *names, int *ids)
{
	struct xw_btf_reader *r = calloc(1, sizeof(*r));
	int err, i;

	if (!r)
		return NULL;
	for (i = 0; names[i]; i++)
		ids[i] = -ENOENT;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	err = r->fd < 0 ? -errno : read_header(r);
	if (!err)
		err = index_types(r, names, ids);
	if (err) {
		xw_btf_reader_free(r);
		errno = -err;
		return NULL;
	}
	return r;
}

const struct btf_type *xw_btf_reader_type(struct xw_btf_reader *r, __u32 id)
{
	struct record *rec;
	struct btf_type t;
	long extra;

	if (!id || id > r->n ||
	    read_at(r->fd, &t, sizeof(t), r->types + r->offs[id - 1]))
		return NULL;
	extra = extra_size(&t);
	if (extra < 0)
		return NULL;
	rec = malloc(sizeof(*rec) + (size_t)extra);
	if (!rec)
		return NULL;
	rec->t = t;
	if (extra && read_at(r->fd, &rec->t + 1, (size_t)extra,
			     r->types + r->offs[id - 1] + sizeof(t))) {
		free(rec);
		return NULL;
	}
	rec->next = r->records;
	r->records = rec;
	return &rec->t;
}

const char *xw_btf_reader_name(const struct xw_btf_reader *r, __u32 off)
{
	return off < r->strs_len ? r->strs + off : NULL;
}

void xw_btf_reader_free(struct xw_btf_reader *r)
{
	struct record *rec;

	if (!r)
		return;
	while ((rec = r->records)) {
		r->records = rec->next;
		free(rec);
	}
	if (r->fd >= 0)
		close(r->fd);
	free(r->offs);
	free(r->strs);
	free(r);
}
