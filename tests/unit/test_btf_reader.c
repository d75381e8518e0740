// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The lean BTF reader (common/xsk/btf_reader.c) against libbpf's parse of
 * the same file: the running kernel's BTF, and small files written here
 * that it must refuse.  sockmap-insert's small BTF is built from what
 * the reader returns, so each record must be libbpf's byte for byte.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "xsk/btf_reader.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static const char *const names[] = { "xdp_sock", "net_device", "net",
				     "no_such_struct_xw", NULL };

/* Bytes of t's record as libbpf sees it (header and what follows). */
static size_t record_size(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + 4;
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + btf_vlen(t) * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + btf_vlen(t) * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + btf_vlen(t) * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return sizeof(*t) +
		       btf_vlen(t) * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + btf_vlen(t) * sizeof(struct btf_enum64);
	default:
		return sizeof(*t);
	}
}

static void assert_same(struct xw_btf_reader *r, const struct btf *b, __u32 id)
{
	const struct btf_type *want = btf__type_by_id(b, id);
	const struct btf_type *got = xw_btf_reader_type(r, id);

	assert_non_null(want);
	assert_non_null(got);
	assert_memory_equal(got, want, record_size(want));
	assert_string_equal(xw_btf_reader_name(r, got->name_off),
			    btf__name_by_offset(b, want->name_off));
}

/* The kept structs, every member's type, and ids spread over the file. */
static void test_kernel_btf_as_libbpf(void **state)
{
	struct btf *b = btf__parse_raw(VMLINUX);
	struct xw_btf_reader *r;
	const struct btf_member *m;
	const struct btf_type *t;
	int ids[5], i, k;
	__u32 n, id;

	(void)state;
	assert_non_null(b);
	r = xw_btf_reader_open(VMLINUX, names, ids);
	assert_non_null(r);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ids[i],
				 btf__find_by_name_kind(b, names[i],
							BTF_KIND_STRUCT));
		assert_true(ids[i] > 0);
		assert_same(r, b, (__u32)ids[i]);
		t = btf__type_by_id(b, (__u32)ids[i]);
		for (k = 0, m = btf_members(t); k < btf_vlen(t); k++, m++)
			assert_same(r, b, m->type);
	}
	assert_int_equal(ids[3], -ENOENT);
	n = btf__type_cnt(b);
	for (id = 1; id < n; id += 97)
		assert_same(r, b, id);
	assert_same(r, b, n - 1);
	assert_null(xw_btf_reader_type(r, 0));
	assert_null(xw_btf_reader_type(r, n));
	xw_btf_reader_free(r);
	btf__free(b);
}

/* A copy of the kernel's BTF, cut or with a kind no kernel has. */
static void write_spoiled(const char *path, size_t keep, int bad_kind)
{
	FILE *in = fopen(VMLINUX, "rb"), *out = fopen(path, "wb");
	struct btf_header h;
	struct btf_type t;
	char buf[4096];
	size_t n, total = 0;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0 && total < keep) {
		if (n > keep - total)
			n = keep - total;
		assert_int_equal(fwrite(buf, 1, n, out), n);
		total += n;
	}
	fclose(in);
	if (bad_kind) {
		/* The first type's kind becomes one past the last known. */
		assert_int_equal(fseek(out, 0, SEEK_SET), 0);
		fclose(out);
		out = fopen(path, "r+b");
		assert_non_null(out);
		assert_int_equal(fread(&h, sizeof(h), 1, out), 1);
		assert_int_equal(fseek(out, h.hdr_len + h.type_off, SEEK_SET),
				 0);
		assert_int_equal(fread(&t, sizeof(t), 1, out), 1);
		t.info = (__u32)NR_BTF_KINDS << 24;
		assert_int_equal(fseek(out, h.hdr_len + h.type_off, SEEK_SET),
				 0);
		assert_int_equal(fwrite(&t, sizeof(t), 1, out), 1);
	}
	fclose(out);
}

static void test_refuses_what_it_cannot_read(void **state)
{
	char path[] = "/tmp/xw-btf-reader-XXXXXX";
	int ids[5], fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_spoiled(path, 1 << 20, 0); /* cut inside the types */
	assert_null(xw_btf_reader_open(path, names, ids));
	assert_int_equal(errno, EPROTO);
	write_spoiled(path, 1u << 30, 1);
	assert_null(xw_btf_reader_open(path, names, ids));
	assert_int_equal(errno, EPROTO);
	write_spoiled(path, 10, 0); /* not even a header */
	assert_null(xw_btf_reader_open(path, names, ids));
	unlink(path);
	assert_null(xw_btf_reader_open(path, names, ids));
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_btf_as_libbpf),
		cmocka_unit_test(test_refuses_what_it_cannot_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
