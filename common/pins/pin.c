#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "core/exit.h"
#include "core/report.h"
#include "pins/bpffs.h"
#include "pins/pin.h"

static uint32_t info_id(enum xw_obj_kind kind, const struct xw_pinned *p)
{
	switch (kind) {
	case XW_OBJ_MAP:
		return p->info.map.id;
	case XW_OBJ_PROG:
		return p->info.prog.id;
	case XW_OBJ_LINK:
		return p->info.link.id;
	default:
		return 0;
	}
}

uint32_t xw_pinned_id(const struct xw_pinned *p)
{
	return info_id(p->fd < 0 ? XW_OBJ_NONE : p->kind, p);
}

uint32_t xw_fd_id(int fd, enum xw_obj_kind kind)
{
	struct xw_pinned p;

	if (xw_obj_info(fd, kind, &p.info))
		return 0;
	return info_id(kind, &p);
}

void xw_pinned_close(struct xw_pinned *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

enum xw_obj_kind xw_fd_kind(int fd)
{
	char link[64], target[64];
	ssize_t n;

	/* The anon inode's name is the one place the kernel says the kind. */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return XW_OBJ_NONE;
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-map"))
		return XW_OBJ_MAP;
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return XW_OBJ_PROG;
	/* Spelt bpf_link before Linux 6.9. */
	if (!strcmp(target, "anon_inode:bpf-link") ||
	    !strcmp(target, "anon_inode:bpf_link"))
		return XW_OBJ_LINK;
	return XW_OBJ_NONE;
}

const char *xw_obj_kind_name(enum xw_obj_kind kind)
{
	switch (kind) {
	case XW_OBJ_MAP:
		return "map";
	case XW_OBJ_PROG:
		return "program";
	case XW_OBJ_LINK:
		return "link";
	default:
		return "object";
	}
}

int xw_obj_info(int fd, enum xw_obj_kind kind, void *info)
{
	__u32 len;

	switch (kind) {
	case XW_OBJ_MAP:
		len = sizeof(struct bpf_map_info);
		break;
	case XW_OBJ_PROG:
		len = sizeof(struct bpf_prog_info);
		break;
	case XW_OBJ_LINK:
		len = sizeof(struct bpf_link_info);
		break;
	default:
		return -EINVAL;
	}
	memset(info, 0, len);
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

/*
 * Opens the entry without following a final symlink.  Returns the fd,
 * -ENOENT if absent, or another -errno with *problem saying what is wrong.
 */
static int open_entry(const struct xw_pindir *dir, const char *name,
		      enum xw_pin_problem *problem)
{
	char fdpath[64];
	struct stat st;
	int opath, fd;

	opath = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (opath < 0) {
		*problem = XW_PIN_UNOPENABLE;
		return -errno;
	}
	fd = -EINVAL;
	if (fstat(opath, &st)) {
		*problem = XW_PIN_UNOPENABLE;
		fd = -errno;
	} else if (S_ISLNK(st.st_mode)) {
		*problem = XW_PIN_SYMLINK;
	} else if (!S_ISREG(st.st_mode)) {
		*problem = XW_PIN_NOT_FILE;
	} else {
		/*
		 * Going through the O_PATH fd pins down the very inode checked
		 * above: nothing swapped in between can be opened instead.
		 */
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", opath);
		fd = bpf_obj_get(fdpath);
		if (fd < 0) {
			*problem = XW_PIN_NOT_BPF;
			fd = -errno;
		}
	}
	close(opath);
	return fd;
}

int xw_pin_probe(const struct xw_pindir *dir, const char *name,
		 struct xw_pinned *p, enum xw_pin_problem *problem)
{
	int fd, err;

	p->fd = -1;
	p->kind = XW_OBJ_NONE;
	*problem = XW_PIN_FINE;
	fd = open_entry(dir, name, problem);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	p->kind = xw_fd_kind(fd);
	err = xw_obj_info(fd, p->kind, &p->info);
	if (err) {
		*problem = XW_PIN_NO_INFO;
		close(fd);
		return err;
	}
	p->fd = fd;
	return 0;
}

/* Records why the entry at path is no usable pinned object. */
static int fail_unusable(struct xw_ctx *ctx, const char *path,
			 enum xw_pin_problem problem, int err)
{
	switch (problem) {
	case XW_PIN_SYMLINK:
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"is a symbolic link, not a pinned object: refusing to follow it");
	case XW_PIN_NOT_FILE:
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"is a directory or special file, not a pinned object");
	case XW_PIN_NOT_BPF:
		return xw_fail_errno(ctx, -err, path,
				     "cannot open pinned object");
	case XW_PIN_NO_INFO:
		return xw_fail_errno(ctx, -err, path,
				     "cannot read pinned object's info");
	default:
		return xw_fail_errno(ctx, -err, path, "cannot open");
	}
}

static int fail_path_too_long(struct xw_ctx *ctx, const struct xw_pindir *dir)
{
	return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, dir->path,
		       "pin path too long");
}

static const char *type_name(enum xw_obj_kind kind, uint32_t type)
{
	const char *s = NULL;

	if (kind == XW_OBJ_MAP)
		s = libbpf_bpf_map_type_str(type);
	else if (kind == XW_OBJ_PROG)
		s = libbpf_bpf_prog_type_str(type);
	else if (kind == XW_OBJ_LINK)
		s = libbpf_bpf_link_type_str(type);
	return s ?: "unknown";
}

static bool map_mismatch(const struct xw_pin_spec *spec,
			 const struct bpf_map_info *m, char *why, size_t size)
{
	if (m->type != spec->type)
		snprintf(why, size, "pinned map is of type %s, expected %s",
			 type_name(XW_OBJ_MAP, m->type),
			 type_name(XW_OBJ_MAP, spec->type));
	else if (spec->key_size && m->key_size != spec->key_size)
		snprintf(why, size, "pinned map has %u-byte keys, expected %u",
			 m->key_size, spec->key_size);
	else if (spec->value_size && m->value_size != spec->value_size)
		snprintf(why, size,
			 "pinned map has %u-byte values, expected %u",
			 m->value_size, spec->value_size);
	else if (spec->max_entries && m->max_entries != spec->max_entries)
		snprintf(why, size, "pinned map has %u entries, expected %u",
			 m->max_entries, spec->max_entries);
	else if (spec->pow2_entries && (m->max_entries & (m->max_entries - 1)))
		snprintf(why, size,
			 "pinned map has %u entries, expected a power of two",
			 m->max_entries);
	else
		return false;
	return true;
}

bool xw_pin_mismatch(const struct xw_pin_spec *spec, const struct xw_pinned *p,
		     char *why, size_t size)
{
	uint32_t type = 0;

	if (p->kind != spec->kind) {
		snprintf(why, size, "pinned object is a %s, expected a %s",
			 xw_obj_kind_name(p->kind),
			 xw_obj_kind_name(spec->kind));
		return true;
	}
	if (p->kind == XW_OBJ_MAP)
		return map_mismatch(spec, &p->info.map, why, size);
	if (p->kind == XW_OBJ_PROG)
		type = p->info.prog.type;
	else if (p->kind == XW_OBJ_LINK)
		type = p->info.link.type;
	if (type == spec->type)
		return false;
	snprintf(why, size, "pinned %s is of type %s, expected %s",
		 xw_obj_kind_name(p->kind), type_name(p->kind, type),
		 type_name(p->kind, spec->type));
	return true;
}

static const char *problem_text(enum xw_pin_problem p, int err)
{
	static char buf[96];

	switch (p) {
	case XW_PIN_SYMLINK:
		return "a symbolic link, not a pinned object (not followed)";
	case XW_PIN_NOT_FILE:
		return "a directory or special file, not a pinned object";
	default:
		snprintf(buf, sizeof(buf), "cannot be opened: %s",
			 strerror(-err));
		return buf;
	}
}

void xw_pin_find(const struct xw_pindir *dir, const struct xw_pin_spec *spec,
		 struct xw_found_pin *f)
{
	f->spec = spec;
	f->problem[0] = '\0';
	f->err = xw_pin_probe(dir, spec->name, &f->obj, &f->unusable);
	f->present = f->obj.fd >= 0 || f->err;
	if (f->err)
		snprintf(f->problem, sizeof(f->problem), "%s",
			 problem_text(f->unusable, f->err));
	else if (f->obj.fd >= 0 &&
		 xw_pin_mismatch(spec, &f->obj, f->problem, sizeof(f->problem)))
		xw_pinned_close(&f->obj);
}

int xw_pin_check(struct xw_ctx *ctx, const struct xw_pindir *dir,
		 struct xw_found_pin *f)
{
	char path[PATH_MAX];

	if (xw_pindir_entry_path(dir, f->spec->name, path, sizeof(path))) {
		xw_pinned_close(&f->obj);
		return fail_path_too_long(ctx, dir);
	}
	if (f->err)
		return fail_unusable(ctx, path, f->unusable, f->err);
	if (f->problem[0])
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path, "%s: left alone",
			       f->problem);
	return 0;
}

int xw_pin_open(struct xw_ctx *ctx, const struct xw_pindir *dir,
		const struct xw_pin_spec *spec, struct xw_pinned *p)
{
	struct xw_found_pin f;
	int err;

	xw_pin_find(dir, spec, &f);
	err = xw_pin_check(ctx, dir, &f);
	*p = f.obj;
	return err;
}

static int pin_at(struct xw_ctx *ctx, const struct xw_pindir *dir,
		  const char *name, int fd)
{
	char fdpath[PATH_MAX], path[PATH_MAX];
	int err;

	if (xw_pindir_entry_fdpath(dir, name, fdpath, sizeof(fdpath)) ||
	    xw_pindir_entry_path(dir, name, path, sizeof(path)))
		return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, dir->path,
			       "pin path too long");
	if (!bpf_obj_pin(fd, fdpath))
		return 0;
	err = errno;
	if (err == EEXIST)
		return xw_fail(ctx, XW_EXIT_CANTCREAT, 0, path,
			       "already exists: another tool pinned it just now?");
	return xw_fail(ctx, xw_exit_for_create(err), err, path, "cannot pin");
}

int xw_pin_create(struct xw_ctx *ctx, const struct xw_pindir *dir,
		  const char *name, int fd)
{
	return pin_at(ctx, dir, name, fd);
}

int xw_pin_replace(struct xw_ctx *ctx, const struct xw_pindir *dir,
		   const char *name, int fd)
{
	char tmp[NAME_MAX + 1], path[PATH_MAX];
	int err;

	/* A crash may have left the temporary pin: it is ours to drop. */
	snprintf(tmp, sizeof(tmp), XW_TMP_PREFIX "%s", name);
	unlinkat(dir->fd, tmp, 0);
	err = pin_at(ctx, dir, tmp, fd);
	if (err)
		return err;
	/* rename() swaps the pin in one step: readers see old or new. */
	if (!renameat(dir->fd, tmp, dir->fd, name))
		return 0;
	err = errno;
	unlinkat(dir->fd, tmp, 0);
	xw_pindir_entry_path(dir, name, path, sizeof(path));
	return xw_fail(ctx, XW_EXIT_CANTCREAT, err, path, "cannot replace pin");
}

int xw_pin_remove(struct xw_ctx *ctx, const struct xw_pindir *dir,
		  const char *name)
{
	char path[PATH_MAX];

	if (!unlinkat(dir->fd, name, 0) || errno == ENOENT)
		return 0;
	xw_pindir_entry_path(dir, name, path, sizeof(path));
	return xw_fail_errno(ctx, errno, path, "cannot remove pin");
}

int xw_prog_info_by_id(uint32_t id, struct bpf_prog_info *pi)
{
	int fd, err;

	memset(pi, 0, sizeof(*pi));
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	err = xw_obj_info(fd, XW_OBJ_PROG, pi);
	close(fd);
	return err;
}
