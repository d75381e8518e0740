/*
 * Pinned objects, distrusted: an entry is opened without following a
 * symlink, and its kind (map, program, link), type and sizes are checked
 * before anything uses it.  A wrong object is refused, never updated.
 */
#ifndef XW_PIN_H
#define XW_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/bpf.h>

struct xw_ctx;
struct xw_pindir;

/*
 * The prefix of every temporary entry xdpwire makes in a pin directory: a
 * pin being replaced goes in through it, and a new link too (install.h).
 * pin-gc removes what a crash leaves under it.
 */
#define XW_TMP_PREFIX "xw_tmp_"

enum xw_obj_kind {
	XW_OBJ_NONE,
	XW_OBJ_MAP,
	XW_OBJ_PROG,
	XW_OBJ_LINK,
};

/* What a conventional pin must be; zero sizes/entries mean "any". */
struct xw_pin_spec {
	const char *name;
	enum xw_obj_kind kind;
	uint32_t type; /* enum bpf_map_type / bpf_prog_type / bpf_link_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	/*
	 * max_entries must be a power of two: an owner table, which the
	 * program probes with max_entries - 1 as the mask.
	 */
	bool pow2_entries;
};

struct xw_pinned {
	int fd; /* -1: nothing pinned there */
	enum xw_obj_kind kind;
	union {
		struct bpf_map_info map;
		struct bpf_prog_info prog;
		struct bpf_link_info link;
	} info;
};

/* The id of whatever is pinned, 0 if nothing. */
uint32_t xw_pinned_id(const struct xw_pinned *p);
/* The id of the object fd refers to, of kind kind; 0 if unreadable. */
uint32_t xw_fd_id(int fd, enum xw_obj_kind kind);
void xw_pinned_close(struct xw_pinned *p);

/* The kind of object a bpf fd refers to. */
enum xw_obj_kind xw_fd_kind(int fd);
const char *xw_obj_kind_name(enum xw_obj_kind kind);

/* Why an entry could not be opened as a pinned object. */
enum xw_pin_problem {
	XW_PIN_FINE,
	XW_PIN_SYMLINK, /* never followed */
	XW_PIN_NOT_FILE, /* a directory or special file */
	XW_PIN_NOT_BPF, /* bpf_obj_get() refused it */
	XW_PIN_NO_INFO, /* its info could not be read */
	XW_PIN_UNOPENABLE,
};

/*
 * One entry as found, what bpftool's open_obj_pinned is to it: opened
 * without following a symlink, its info read, its kind and type checked
 * against spec.  Nothing is recorded: a wrong entry is described.
 */
struct xw_found_pin {
	const struct xw_pin_spec *spec;
	struct xw_pinned obj; /* fd -1: absent or unusable */
	bool present; /* an entry of that name exists */
	enum xw_pin_problem unusable; /* why it could not be opened */
	int err; /* with it, -errno; 0 if it could */
	char problem[160]; /* why it is unusable, "" if it is fine */
};

void xw_pin_find(const struct xw_pindir *dir, const struct xw_pin_spec *spec,
		 struct xw_found_pin *f);

/*
 * What a command that needs f says of it: 0 if it is fine or absent, else
 * the failure recorded (exit 65 for a wrong entry) and f's object closed.
 */
int xw_pin_check(struct xw_ctx *ctx, const struct xw_pindir *dir,
		 struct xw_found_pin *f);

/*
 * Opens the entry spec->name of dir: xw_pin_find() and xw_pin_check().
 * Absent: 0 with p->fd == -1.  Present but not what spec says: a recorded
 * failure (exit 65).
 */
int xw_pin_open(struct xw_ctx *ctx, const struct xw_pindir *dir,
		const struct xw_pin_spec *spec, struct xw_pinned *p);

/*
 * Opens the entry and fills its info, checking only the kind, and records
 * nothing: absent is 0 with p->fd == -1; a failure is -errno with *problem
 * set.  For status, which reports what it finds instead of failing on it.
 */
int xw_pin_probe(const struct xw_pindir *dir, const char *name,
		 struct xw_pinned *p, enum xw_pin_problem *problem);

/* Whether p is not what spec says, and why ("pinned map is of ..."). */
bool xw_pin_mismatch(const struct xw_pin_spec *spec, const struct xw_pinned *p,
		     char *why, size_t size);

/* Pins fd at name, which must not exist. */
int xw_pin_create(struct xw_ctx *ctx, const struct xw_pindir *dir,
		  const char *name, int fd);

/* Pins fd at name in one step, replacing whatever was pinned there. */
int xw_pin_replace(struct xw_ctx *ctx, const struct xw_pindir *dir,
		   const char *name, int fd);

int xw_pin_remove(struct xw_ctx *ctx, const struct xw_pindir *dir,
		  const char *name);

/* Info of an object by fd. */
int xw_obj_info(int fd, enum xw_obj_kind kind, void *info);

/* The info of program id into *pi (zeroed on failure); -errno if none. */
int xw_prog_info_by_id(uint32_t id, struct bpf_prog_info *pi);

#endif /* XW_PIN_H */
