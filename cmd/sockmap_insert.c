/* sockmap-insert: put a runtime's AF_XDP socket into a pinned XSKMAP. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include "../common/caps.h"
#include "../common/bpffs.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/ifname.h"
#include "../common/install_cmd.h"
#include "../common/kinds.h"
#include "../common/parse.h"
#include "../common/pin.h"
#include "../common/xsk.h"
#include "../common/xsk_bind.h"
#include "cmds.h"

struct sockmap_insert_opts {
	struct xw_common_opts common;
	const char *map;
	uint32_t queue;
	bool queue_given;
	int fd;
	int pid;
	int target_fd;
	bool del;
	bool replace;
};

static const struct xw_option options[] = {
	XW_OPTION("map", XW_OPT_STRING, struct sockmap_insert_opts, map,
		  .metavar = "PATH",
		  .help = "The pinned XSKMAP, instead of --device's redirect_ip_map"),
	XW_OPTION("queue", XW_OPT_U32, struct sockmap_insert_opts, queue,
		  .metavar = "Q",
		  .help = "The RX queue, i.e. the map key (default: the socket's bound queue; 0 with --delete)",
		  .given = offsetof(struct sockmap_insert_opts, queue_given),
		  .what = "a queue number", .min = 0, .max = UINT32_MAX - 1),
	XW_OPTION("fd", XW_OPT_FD, struct sockmap_insert_opts, fd,
		  .metavar = "N",
		  .help = "The AF_XDP socket: a descriptor this process inherited",
		  .what = "a descriptor number"),
	XW_OPTION("pid", XW_OPT_PID, struct sockmap_insert_opts, pid,
		  .metavar = "PID",
		  .help = "The AF_XDP socket: taken from process PID (with --target-fd)",
		  .what = "a process id"),
	XW_OPTION("target-fd", XW_OPT_FD, struct sockmap_insert_opts, target_fd,
		  .metavar = "N",
		  .help = "The socket's descriptor number in process PID",
		  .what = "a descriptor number"),
	XW_OPTION("delete", XW_OPT_FLAG, struct sockmap_insert_opts, del,
		  .help = "Remove the socket at the queue instead"),
	XW_OPTION("replace", XW_OPT_FLAG, struct sockmap_insert_opts, replace,
		  .help = "Take the queue over even if another socket holds it"),
	{ 0 }
};

static int usage(struct xw_ctx *ctx, const char *object, const char *what)
{
	xw_fail(ctx, XW_EXIT_USAGE, 0, object, "%s", what);
	return EINVAL;
}

static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	const struct sockmap_insert_opts *o = opts;
	bool by_fd = o->fd >= 0, by_pid = o->pid > 0;

	if (o->map && o->common.devices_given)
		return usage(ctx, "--map",
			     "excludes --device and --device-idx");
	if (!o->map && !o->common.devices_given)
		return usage(
			ctx, "--device",
			"no device specified (--device NAME, --device-idx N or --map PATH)");
	if (o->del && (by_fd || by_pid || o->target_fd >= 0))
		return usage(ctx, "--delete", "takes no socket (--fd, --pid)");
	if (o->del && o->replace)
		return usage(ctx, "--delete", "excludes --replace");
	if (o->del)
		return 0;
	if (by_fd && (by_pid || o->target_fd >= 0))
		return usage(ctx, "--fd", "excludes --pid and --target-fd");
	if (by_pid != (o->target_fd >= 0))
		return usage(ctx, by_pid ? "--pid" : "--target-fd",
			     "--pid and --target-fd go together");
	if (!by_fd && !by_pid)
		return usage(
			ctx, "--fd",
			"no socket given (--fd N, or --pid PID --target-fd N)");
	return 0;
}

static const struct sockmap_insert_opts defaults = {
	.fd = -1,
	.target_fd = -1,
};

const struct xw_cmd xw_cmd_sockmap_insert = {
	XW_CMD_PARTS(sockmap_insert),
	/*
	 * Every mode, --delete too, runs the xsk_bind program, whose
	 * verifier needs CAP_PERFMON (it reads and compares kernel pointers).
	 */
	.need = XW_CAPS_LOAD_PERFMON,
	.name = "sockmap-insert",
	.synopsis = "put an AF_XDP socket into a pinned XSKMAP",
	.doc = "Put an AF_XDP socket into the pinned XSKMAP of a redirect install "
	       "(<bpffs>/<device>/redirect_ip_map, or --map PATH) at the key of its "
	       "RX queue.  The socket must be bound to that device and queue (with "
	       "--map, to that queue).  A queue held by another socket is refused "
	       "unless --replace. "
	       "Runs on one pin directory are serialised by a lock on the directory.\v"
	       "Examples:\n"
	       "  xdpwire sockmap-insert --device eth0 --queue 0 --fd 3\n"
	       "  xdpwire sockmap-insert --device eth0 --pid 4242 --target-fd 7",
	.check = check_options,
	.needs = XW_BPFFS_IF_DEVICE,
};

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

static int open_map(struct xw_ctx *ctx, struct sockmap_insert_opts *o,
		    struct xw_pindir *dir, struct xw_pinned *map, char *path,
		    size_t size)
{
	struct xw_pin_spec spec = xw_redirect_layout.maps[XW_MAP_TARGETS];
	int err;

	if (o->map)
		err = open_map_path(ctx, o->map, dir, &spec.name);
	else
		err = xw_device_pindir(ctx, &o->common, 0, dir);
	if (err == -ENOENT && !o->map)
		return xw_fail(
			ctx, XW_EXIT_NOINPUT, 0, o->common.dev.name,
			"no redirect installed (no pin directory under %s): run redirect-install first",
			o->common.fs.path);
	if (err)
		return err;
	xw_pindir_entry_path(dir, spec.name, path, size);
	err = xw_pin_open(ctx, dir, &spec, map);
	if (!err && map->fd < 0)
		err = xw_fail(ctx, XW_EXIT_NOINPUT, 0, path,
			      "no such pinned map%s",
			      o->map ? "" : ": run redirect-install first");
	return err;
}

static int take_socket(struct xw_ctx *ctx, struct sockmap_insert_opts *o)
{
	char object[64];
	int fd = o->fd, err;

	if (o->pid > 0) {
		fd = xw_fd_from_process(ctx, o->pid, o->target_fd);
		if (fd < 0)
			return fd;
		snprintf(object, sizeof(object), "process %d fd %d", o->pid,
			 o->target_fd);
	} else {
		snprintf(object, sizeof(object), "--fd %d", fd);
	}
	err = xw_xsk_check(ctx, fd, object);
	if (err) {
		if (o->pid > 0)
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
static int judge(struct xw_ctx *ctx, struct sockmap_insert_opts *o,
		 const struct xw_xsk_bind *b, const char *path)
{
	char name[72], sock_ns[40], slot_ns[40];
	uint64_t slot_ino = o->common.ns.ino;
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
	if (o->map) {
		if (b->queue == key)
			return 0;
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, "socket",
			"bound to %s (ifindex %u) queue %u, but the slot is queue %u of %s",
			name, b->ifindex, b->queue, key, path);
	}
	if (b->ifindex == o->common.dev.ifindex && b->netns_ino == slot_ino &&
	    b->queue == key)
		return 0;
	netns_note(slot_ns, sizeof(slot_ns), slot_ino, b->netns_ino);
	return xw_fail(
		ctx, XW_EXIT_DATAERR, 0, "socket",
		"bound to %s (ifindex %u%s) queue %u, but the slot is %s (ifindex %u%s) queue %u",
		name, b->ifindex, sock_ns, b->queue, o->common.dev.name,
		o->common.dev.ifindex, slot_ns, key);
}

static void out_socket(struct xw_ctx *ctx, const struct xw_xsk_bind *b)
{
	struct json_object *sock = json_object_new_object();
	char name[72];

	xw_xsk_ifname(b, name, sizeof(name));
	json_object_object_add(sock, "device", json_object_new_string(name));
	json_object_object_add(sock, "ifindex",
			       json_object_new_uint64(b->ifindex));
	json_object_object_add(sock, "netns_inode",
			       json_object_new_uint64(b->netns_ino));
	json_object_object_add(sock, "queue", json_object_new_uint64(b->queue));
	xw_out_json(ctx, "socket", sock);
}

static int update(struct xw_ctx *ctx, struct sockmap_insert_opts *o, int map_fd,
		  int sock_fd, const char *path)
{
	__u32 key = o->queue, value = (__u32)sock_fd;
	char detail[32];
	int err;

	if (!bpf_map_update_elem(map_fd, &key, &value,
				 o->replace ? BPF_ANY : BPF_NOEXIST)) {
		snprintf(detail, sizeof(detail), "queue %u", o->queue);
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
			o->queue);
	if (err == EOPNOTSUPP)
		return xw_fail(
			ctx, XW_EXIT_DATAERR, 0, path,
			"the kernel refuses this socket: set up its UMEM and rings before inserting it");
	return xw_fail_errno(ctx, err, path, "cannot insert socket at queue %u",
			     o->queue);
}

static int check_queue(struct xw_ctx *ctx, const struct sockmap_insert_opts *o,
		       const struct xw_pinned *map, const char *path)
{
	uint32_t n = map->info.map.max_entries;

	if (o->queue < n)
		return 0;
	return xw_fail(ctx, XW_EXIT_DATAERR, 0,
		       o->queue_given ? "--queue" : "socket",
		       "queue %u is outside %s (%u queues: 0-%u)", o->queue,
		       path, n, n - 1);
}

static int insert(struct xw_ctx *ctx, struct sockmap_insert_opts *o,
		  const struct xw_pinned *map, int sock, const char *path)
{
	struct xw_xsk_query q = { .map_fd = map->fd,
				  .fd = sock,
				  .socket = true,
				  .key_is_queue = !o->queue_given,
				  .key = o->queue };
	struct xw_xsk_bind b;
	int err;

	err = xw_xsk_query(ctx, &q, "socket", &b);
	if (err)
		return err;
	o->queue = b.slot_key;
	xw_out_u64(ctx, "queue", o->queue);
	out_socket(ctx, &b);
	err = judge(ctx, o, &b, path);
	if (!err)
		err = check_queue(ctx, o, map, path);
	if (err)
		return err;
	if (b.slot == XW_SLOT_THIS) {
		xw_summary(ctx, "socket already in slot %s: queue %u", path,
			   o->queue);
		return 0;
	}
	return update(ctx, o, map->fd, sock, path);
}

/*
 * The kernel's XSKMAP delete succeeds on an empty slot too, so the slot is
 * read first; an empty one is left alone, and so reported.
 */
static int delete (struct xw_ctx *ctx, struct sockmap_insert_opts *o,
		   const struct xw_pinned *map, const char *path)
{
	struct xw_xsk_query q = { .map_fd = map->fd,
				  .fd = map->fd,
				  .key = o->queue };
	__u32 key = o->queue;
	struct xw_xsk_bind b;
	char detail[32];
	int err;

	err = xw_xsk_query(ctx, &q, path, &b);
	if (err)
		return err;
	if (b.slot == XW_SLOT_EMPTY) {
		xw_summary(ctx, "slot already empty %s: queue %u", path,
			   o->queue);
		return 0;
	}
	snprintf(detail, sizeof(detail), "queue %u", o->queue);
	if (!bpf_map_delete_elem(map->fd, &key)) {
		xw_change(ctx, &(struct xw_change){ .action = "cleared",
						    .object = "slot",
						    .path = path,
						    .detail = detail });
		return 0;
	}
	return xw_fail_errno(ctx, errno, path, "cannot delete queue %u",
			     o->queue);
}

int cmd_sockmap_insert(struct xw_ctx *ctx, void *opts)
{
	struct sockmap_insert_opts *o = opts;
	struct xw_pinned map = { .fd = -1 };
	struct xw_pindir dir;
	char path[PATH_MAX];
	int sock = -1, err;

	xw_pindir_init(&dir);
	err = open_map(ctx, o, &dir, &map, path, sizeof(path));
	if (err)
		goto out;
	xw_out_str(ctx, "map", path);
	xw_out_u64(ctx, "queue", o->queue);
	/* Without --queue the socket's own queue is checked once known. */
	if (o->queue_given || o->del) {
		err = check_queue(ctx, o, &map, path);
		if (err)
			goto out;
	}
	if (o->del) {
		err = delete (ctx, o, &map, path);
		goto out;
	}
	sock = take_socket(ctx, o);
	if (sock < 0) {
		err = sock;
		goto out;
	}
	err = insert(ctx, o, &map, sock, path);
out:
	if (sock >= 0 && o->pid > 0)
		close(sock);
	xw_pinned_close(&map);
	xw_pindir_close(&dir);
	return err;
}
