#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "core/report.h"
#include "xsk/btf_reader.h"
#include "xsk/xsk_btf.h"

#define CACHE_DIR "/run/xdpwire"
/* Bump when the fields below change: an old cache then goes unused. */
#define CACHE_FORMAT "xsk_bind-v1"
#define MAX_MEMBERS 6

struct keep {
	const char *type;
	const char *members[MAX_MEMBERS + 1];
};

/* What bpf/xsk_bind.bpf.c reads, by the kernel's names. */
static const struct keep keeps[] = {
	{ "xdp_sock", { "rx", "tx", "umem", "dev", "queue_id", "state" } },
	{ "net_device", { "name", "ifindex", "nd_net" } },
	{ "net", { "ns" } },
};

#define N_KEEPS (sizeof(keeps) / sizeof(keeps[0]))

/*
 * The kernel's BTF: through the lean reader, or, if it cannot read the
 * file, libbpf's whole parse (held twice while parsing: 14 MiB).
 */
struct src {
	struct xw_btf_reader *r;
	struct btf *btf;
	int ids[N_KEEPS]; /* of the kept structs */
};

static const struct btf_type *type_of(struct src *src, __u32 id)
{
	return src->r ? xw_btf_reader_type(src->r, id) :
			btf__type_by_id(src->btf, id);
}

static const char *name_of(const struct src *src, __u32 off)
{
	const char *n = src->r ? xw_btf_reader_name(src->r, off) :
				 btf__name_by_offset(src->btf, off);

	return n ? n : "";
}

static const struct btf_type *resolve(struct src *btf, __u32 *id)
{
	const struct btf_type *t = type_of(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		*id = t->type;
		t = type_of(btf, *id);
	}
	return t;
}

/* Member name of t, looking into anonymous members as C does. */
static const struct btf_member *find_member(struct src *btf,
					    const struct btf_type *t,
					    const char *name, __u32 *bit_off)
{
	const struct btf_member *m = btf_members(t), *found;
	const struct btf_type *mt;
	__u32 i, sub, id;
	const char *n;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		n = name_of(btf, m->name_off);
		if (*n) {
			if (strcmp(n, name))
				continue;
			if (btf_member_bitfield_size(t, i))
				return NULL;
			*bit_off += btf_member_bit_offset(t, i);
			return m;
		}
		id = m->type;
		mt = resolve(btf, &id);
		if (!mt || !btf_is_composite(mt))
			continue;
		sub = 0;
		found = find_member(btf, mt, name, &sub);
		if (found) {
			*bit_off += btf_member_bit_offset(t, i) + sub;
			return found;
		}
	}
	return NULL;
}

static int add_int(struct btf *dst, struct src *src, const struct btf_type *t)
{
	return btf__add_int(dst, name_of(src, t->name_off), t->size,
			    btf_int_encoding(t));
}

static int add_scalar(struct btf *dst, struct src *src, __u32 id);

/* A nested struct (possible_net_t, ns_common): its pointers and ints. */
static int add_nested(struct btf *dst, struct src *src,
		      const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	int ids[64], id, i, n = btf_vlen(t);

	if (n > 64)
		return -E2BIG;
	for (i = 0; i < n; i++, m++) {
		ids[i] = -1;
		if (!name_of(src, m->name_off)[0] ||
		    btf_member_bitfield_size(t, i))
			continue;
		id = add_scalar(dst, src, m->type);
		if (id < 0 && id != -ENOTSUP)
			return id;
		ids[i] = id;
	}
	id = btf__add_struct(dst, NULL, t->size);
	if (id < 0)
		return id;
	for (i = 0, m = btf_members(t); i < n; i++, m++)
		if (ids[i] >= 0 &&
		    btf__add_field(dst, name_of(src, m->name_off), ids[i],
				   btf_member_bit_offset(t, i), 0))
			return -EINVAL;
	return id;
}

/*
 * The type of a kept member: pointers become void *, which CO-RE accepts
 * for any pointer; ints, enums and char arrays keep their size.
 */
static int add_scalar(struct btf *dst, struct src *src, __u32 id)
{
	const struct btf_type *t = resolve(src, &id), *elem;
	const struct btf_enum *e;
	__u32 elem_id;
	int new_id, idx, i;

	if (!t)
		return -EINVAL;
	if (btf_is_ptr(t))
		return btf__add_ptr(dst, 0);
	if (btf_is_int(t))
		return add_int(dst, src, t);
	if (btf_is_enum(t)) {
		new_id = btf__add_enum(dst, name_of(src, t->name_off), t->size);
		e = btf_enum(t);
		for (i = 0; new_id >= 0 && i < btf_vlen(t); i++, e++)
			if (btf__add_enum_value(dst, name_of(src, e->name_off),
						e->val))
				return -EINVAL;
		return new_id;
	}
	if (btf_is_array(t)) {
		elem_id = btf_array(t)->type;
		elem = resolve(src, &elem_id);
		if (!elem || !btf_is_int(elem))
			return -ENOTSUP;
		new_id = add_int(dst, src, elem);
		idx = btf__add_int(dst, "unsigned int", 4, 0);
		if (new_id < 0 || idx < 0)
			return -EINVAL;
		return btf__add_array(dst, idx, new_id, btf_array(t)->nelems);
	}
	if (btf_is_composite(t))
		return add_nested(dst, src, t);
	return -ENOTSUP;
}

static int add_kept(struct btf *dst, struct src *src, size_t which)
{
	const struct keep *k = &keeps[which];
	__u32 offs[MAX_MEMBERS];
	int ids[MAX_MEMBERS], sid, id, i;
	const struct btf_type *t;

	sid = src->ids[which];
	t = sid < 0 ? NULL : type_of(src, (__u32)sid);
	if (!t)
		return -ENOENT;
	for (i = 0; k->members[i]; i++) {
		const struct btf_member *m;

		offs[i] = 0;
		m = find_member(src, t, k->members[i], &offs[i]);
		if (!m)
			return -ENOENT;
		ids[i] = add_scalar(dst, src, m->type);
		if (ids[i] < 0)
			return ids[i];
	}
	id = btf__add_struct(dst, k->type, t->size);
	if (id < 0)
		return id;
	for (i = 0; k->members[i]; i++)
		if (btf__add_field(dst, k->members[i], ids[i], offs[i], 0))
			return -EINVAL;
	return 0;
}

/* The kernel's BTF, and the ids of the structs kept. */
static int open_src(struct src *src)
{
	const char *names[N_KEEPS + 1] = { NULL };
	size_t i;

	for (i = 0; i < N_KEEPS; i++)
		names[i] = keeps[i].type;
	src->r = xw_btf_reader_open("/sys/kernel/btf/vmlinux", names, src->ids);
	if (src->r)
		return 0;
	src->btf = btf__load_vmlinux_btf();
	if (!src->btf)
		return -errno;
	for (i = 0; i < N_KEEPS; i++)
		src->ids[i] = btf__find_by_name_kind(src->btf, keeps[i].type,
						     BTF_KIND_STRUCT);
	return 0;
}

/* The small BTF, raw, in a sealed memfd. */
static int make_btf(void)
{
	struct src src = { NULL };
	struct btf *dst;
	const void *raw;
	__u32 size, i;
	int fd = -1, err;

	err = open_src(&src);
	if (err)
		return err;
	dst = btf__new_empty();
	if (!dst) {
		err = -errno;
		goto out_src;
	}
	for (i = 0; i < N_KEEPS && !err; i++)
		err = add_kept(dst, &src, i);
	if (err)
		goto out_dst;
	raw = btf__raw_data(dst, &size);
	fd = memfd_create("xw-xsk-btf", MFD_CLOEXEC);
	if (!raw || fd < 0 || write(fd, raw, size) != (ssize_t)size) {
		err = fd < 0 || !raw ? -ENOMEM : -EIO;
		goto out_dst;
	}
	if (lseek(fd, 0, SEEK_SET))
		err = -errno;
out_dst:
	btf__free(dst);
out_src:
	xw_btf_reader_free(src.r);
	btf__free(src.btf);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/* The cache's name: the BTF cannot change without a reboot. */
static int cache_name(char *buf, size_t size)
{
	char id[64];
	ssize_t n;
	int fd, i;

	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, id, sizeof(id) - 1);
	close(fd);
	if (n < 1)
		return -EIO;
	id[n] = '\0';
	id[strcspn(id, "\n")] = '\0';
	for (i = 0; id[i]; i++)
		if (!strchr("0123456789abcdef-", id[i]))
			return -EINVAL;
	if (snprintf(buf, size, CACHE_FORMAT "-%s.btf", id) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* Ours alone: another user could plant offsets that misjudge a socket. */
static bool private_to_us(int fd, bool dir)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_uid == geteuid() &&
	       !(st.st_mode & 022) &&
	       (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

static int open_cache_dir(const struct xw_ctx *ctx)
{
	const char *path = getenv("XDPWIRE_CACHE_DIR");
	int fd;

	if (!path || !*path)
		path = CACHE_DIR;
	if (mkdir(path, 0700) && errno != EEXIST)
		xw_debug(ctx, 1, "%s: cannot create: %s", path,
			 strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!private_to_us(fd, true)) {
		xw_debug(ctx, 1, "%s: not ours alone: not used as a cache",
			 path);
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Writes the BTF under a temporary name and renames it in: all or none. */
static void store(const struct xw_ctx *ctx, int dir, const char *name, int fd)
{
	char tmp[128], buf[4096];
	int out, err = 0;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	out = openat(dir, tmp,
		     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (out < 0) {
		xw_debug(ctx, 1, "%s: cannot cache: %s", name, strerror(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			err = EIO;
			break;
		}
	if (n < 0)
		err = errno;
	if (close(out) && !err)
		err = errno;
	if (!err && renameat(dir, tmp, dir, name))
		err = errno;
	if (err) {
		unlinkat(dir, tmp, 0);
		xw_debug(ctx, 1, "%s: cannot cache: %s", name, strerror(err));
	}
	lseek(fd, 0, SEEK_SET);
}

int xw_xsk_btf_open(const struct xw_ctx *ctx, bool fresh, bool *cached)
{
	char name[96];
	int dir, fd;

	*cached = false;
	dir = cache_name(name, sizeof(name)) ? -1 : open_cache_dir(ctx);
	if (dir >= 0 && !fresh) {
		fd = openat(dir, name,
			    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 && private_to_us(fd, false)) {
			close(dir);
			*cached = true;
			return fd;
		}
		if (fd >= 0)
			close(fd);
	}
	xw_debug(ctx, 1, "making the BTF of the fields sockmap-insert reads");
	fd = make_btf();
	if (fd >= 0 && dir >= 0)
		store(ctx, dir, name, fd);
	if (dir >= 0)
		close(dir);
	return fd;
}
