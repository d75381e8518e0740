/*
 * sockmap-insert's work: puts a runtime's AF_XDP socket into a pinned
 * XSKMAP (or clears a slot), after checking that the socket is bound to
 * the device and queue of the slot it goes into.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/path.h"
#include "core/report.h"
#include "inspect/kinds.h"
#include "install/install_cmd.h"
#include "install/sockmap_insert.h"
#include "net/ifname.h"
#include "pins/bpffs.h"
#include "pins/pin.h"
#include "pins/target.h"
#include "xsk/xsk.h"
#include "xsk/xsk_bind.h"

/* Splits --map PATH into its directory and entry name. */
static int open_map_path(struct xw_ctx *ctx, const char *path,
			 struct xw_pindir *dir, const char **name)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');

	*name = slash ? slash + 1 : path;
	if (!**name || !strcmp(*name, ".") || !strcmp(*name, ".."))
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, path,
			       "not the path of a pinned map");
	if (xw_path(parent, sizeof(parent), "%.*s",
		    slash ? (int)(slash - path) : 1, slash ? path : "."))
		return xw_fail(ctx, XW_EXIT_DATAERR, ENAMETOOLONG, path,
			       "path too long");
	if (!parent[0])
		parent[0] = '/';
	return xw_pindir_open_path(ctx, parent, dir);
}

static int open_map(struct xw_ctx *ctx, const struct xw_target *t,
		    const struct xw_sockmap_request *r, struct xw_pindir *dir,
		    struct xw_pinned *map, char *path, size_t size)
{
	struct xw_pin_spec spec = xw_redirect_layout.maps[XW_MAP_TARGETS];
	int err;

	if (r->map)
		err = open_map_path(ctx, r->map, dir, &spec.name);
	else
		err = xw_device_pindir(ctx, t, 0, dir);
	if (err == -ENOENT && !r->map)
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, t->dev.name,
			"no redirect installed (no pin directory under %s): run redirect-install first",
			t->fs.path);
	if (err)
		return err;
	xw_pindir_entry_path(dir, spec.name, path, size);
	err = xw_pin_open(ctx, dir, &spec, map);
	if (!err && map->fd < 0)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, path,
			      "no such pinned map%s",
			      r->map ? "" : ": run redirect-install first");
	return err;
}

static int take_socket(struct xw_ctx *ctx, const struct xw_sockmap_request *r)
{
	char object[64];
	int fd = r->fd, err;

	if (r->pid > 0) {
		fd = xw_fd_from_process(ctx, r->pid, r->target_fd);
		if (fd < 0)
			return fd;
		snprintf(object, sizeof(object), "process %d fd %d", r->pid,
			 r->target_fd);
	} else {
		snprintf(object, sizeof(object), "--fd %d", fd);
	}
	err = xw_xsk_check(ctx, fd, object);
	if (err) {
		if (r->pid > 0)
			close(fd);
		return err;
	}
	return fd;
}

/* " in netns N" when the namespaces differ, so equal names still tell. */
static const char *netns_note(char *buf, size_t size, uint64_t ino,
			      uint64_t other)
{
	buf[0] = '\0';
	if (ino != other)
		snprintf(buf, size, " in netns %llu", (unsigned long long)ino);
	return buf;
}

/*
 * The kernel delivers a frame of device D queue Q only to a socket bound
 * to exactly D and Q: anything else in slot Q would silently lose every
 * frame of that queue.
 */
static int judge(struct xw_ctx *ctx, const struct xw_target *t,
		 const struct xw_sockmap_request *r,
		 const struct xw_xsk_bind *b, const char *path)
{
	char name[72], sock_ns[40], slot_ns[40];
	uint64_t slot_ino = t->ns.ino;
	uint32_t key = b->slot_key;

	if (b->state == XW_XSK_UNBOUND)
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, "socket",
			       "no longer bound: its device went away");
	if (b->state != XW_XSK_BOUND || !b->ifindex) {
		if (!b->has_rx && !b->has_tx)
			return xw_fail(
				ctx, XW_EXIT_DATAERR, 0, "socket",
				"has no rings and is not bound to a device (set up its UMEM and rings, then bind it)");
		return xw_fail(ctx, XW_EXIT_DATAERR, 0, "socket",
			       "not bound to a device yet (bind it first)");
	}
	xw_xsk_ifname(b, name, sizeof(name));
	/*
	 * The kernel binds and inserts a socket with a TX ring alone, and
	 * then drops every frame redirected to it: no ring to put them in.
	 */
	if (!b->has_rx)
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, "socket",
			"bound to %s queue %u but has no RX ring: it can never receive (set up its RX ring before binding it)",
			name, b->queue);
	netns_note(sock_ns, sizeof(sock_ns), b->netns_ino, slot_ino);
	if (r->map) {
		if (b->queue == key)
			return 0;
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, "socket",
			"bound to %s (ifindex %u) queue %u, but the slot is queue %u of %s",
			name, b->ifindex, b->queue, key, path);
	}
	if (b->ifindex == t->dev.ifindex && b->netns_ino == slot_ino &&
	    b->queue == key)
		return 0;
	netns_note(slot_ns, sizeof(slot_ns), slot_ino, b->netns_ino);
	return xw_fail(
		ctx, XW_EXIT_DATAERR, 0, "socket",
		"bound to %s (ifindex %u%s) queue %u, but the slot is %s (ifindex %u%s) queue %u",
		name, b->ifindex, sock_ns, b->queue, t->dev.name,
		t->dev.ifindex, slot_ns, key);
}

static void out_socket(struct xw_ctx *ctx, const struct xw_xsk_bind *b)
{
	struct json_object *sock = json_object_new_object();
	char name[72];

	xw_xsk_ifname(b, name, sizeof(name));
	xw_json_add_str(sock, "device", name);
	xw_json_add_u64(sock, "ifindex", b->ifindex);
	xw_json_add_u64(sock, "netns_inode", b->netns_ino);
	xw_json_add_u64(sock, "queue", b->queue);
	xw_out_json(ctx, "socket", sock);
}

static int update(struct xw_ctx *ctx, const struct xw_sockmap_request *r,
		  int map_fd, int sock_fd, const char *path)
{
	__u32 key = r->queue, value = (__u32)sock_fd;
	char detail[32];
	int err;

	if (!bpf_map_update_elem(map_fd, &key, &value,
				 r->replace ? BPF_ANY : BPF_NOEXIST)) {
		snprintf(detail, sizeof(detail), "queue %u", r->queue);
		xw_change(ctx, &(struct xw_change){ .action = "inserted",
						    .object = "socket",
						    .path = path,
						    .detail = detail });
		return 0;
	}
	err = errno;
	if (err == EEXIST)
		return xw_fail(
			ctx, XW_EXIT_UNAVAILABLE, 0, path,
			"queue %u already holds another socket (--replace takes it over)",
			r->queue);
	if (err == EOPNOTSUPP)
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"the kernel refuses this socket: set up its UMEM and rings before inserting it");
	return xw_fail_errno(ctx, err, path, "cannot insert socket at queue %u",
			     r->queue);
}

static int check_queue(struct xw_ctx *ctx, const struct xw_sockmap_request *r,
		       const struct xw_pinned *map, const char *path)
{
	uint32_t n = map->info.map.max_entries;

	if (r->queue < n)
		return 0;
	return xw_fail(ctx, XW_EXIT_DATAERR, 0,
		       r->queue_given ? "--queue" : "socket",
		       "queue %u is outside %s (%u queues: 0-%u)", r->queue,
		       path, n, n - 1);
}

static int insert(struct xw_ctx *ctx, const struct xw_target *t,
		  struct xw_sockmap_request *r, const struct xw_pinned *map,
		  int sock, const char *path)
{
	struct xw_xsk_query q = { .map_fd = map->fd,
				  .fd = sock,
				  .socket = true,
				  .key_is_queue = !r->queue_given,
				  .key = r->queue };
	struct xw_xsk_bind b;
	int err;

	err = xw_xsk_query(ctx, &q, "socket", &b);
	if (err)
		return err;
	r->queue = b.slot_key;
	xw_out_u64(ctx, "queue", r->queue);
	out_socket(ctx, &b);
	err = judge(ctx, t, r, &b, path);
	if (!err)
		err = check_queue(ctx, r, map, path);
	if (err)
		return err;
	if (b.slot == XW_SLOT_THIS) {
		xw_summary(ctx, "socket already in slot %s: queue %u", path,
			   r->queue);
		return 0;
	}
	return update(ctx, r, map->fd, sock, path);
}

/*
 * The kernel's XSKMAP delete succeeds on an empty slot too, so the slot is
 * read first; an empty one is left alone, and so reported.
 */
static int delete (struct xw_ctx *ctx, const struct xw_sockmap_request *r,
		   const struct xw_pinned *map, const char *path)
{
	struct xw_xsk_query q = { .map_fd = map->fd,
				  .fd = map->fd,
				  .key = r->queue };
	__u32 key = r->queue;
	struct xw_xsk_bind b;
	char detail[32];
	int err;

	err = xw_xsk_query(ctx, &q, path, &b);
	if (err)
		return err;
	if (b.slot == XW_SLOT_EMPTY) {
		xw_summary(ctx, "slot already empty %s: queue %u", path,
			   r->queue);
		return 0;
	}
	snprintf(detail, sizeof(detail), "queue %u", r->queue);
	if (!bpf_map_delete_elem(map->fd, &key)) {
		xw_change(ctx, &(struct xw_change){ .action = "cleared",
						    .object = "slot",
						    .path = path,
						    .detail = detail });
		return 0;
	}
	return xw_fail_errno(ctx, errno, path, "cannot delete queue %u",
			     r->queue);
}

int xw_sockmap_insert(struct xw_ctx *ctx, const struct xw_target *t,
		      const struct xw_sockmap_request *req)
{
	/* Without a queue, the socket's own one is filled in once known. */
	struct xw_sockmap_request run = *req, *r = &run;
	struct xw_pinned map = { .fd = -1 };
	struct xw_pindir dir;
	char path[PATH_MAX];
	int sock = -1, err;

	xw_pindir_init(&dir);
	err = open_map(ctx, t, r, &dir, &map, path, sizeof(path));
	if (err)
		goto out;
	xw_out_str(ctx, "map", path);
	xw_out_u64(ctx, "queue", r->queue);
	/* Without --queue the socket's own queue is checked once known. */
	if (r->queue_given || r->del) {
		err = check_queue(ctx, r, &map, path);
		if (err)
			goto out;
	}
	if (r->del) {
		err = delete (ctx, r, &map, path);
		goto out;
	}
	sock = take_socket(ctx, r);
	if (sock < 0) {
		err = sock;
		goto out;
	}
	err = insert(ctx, t, r, &map, sock, path);
out:
	if (sock >= 0 && r->pid > 0)
		close(sock);
	xw_pinned_close(&map);
	xw_pindir_close(&dir);
	return err;
}
