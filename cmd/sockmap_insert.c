/* sockmap-insert: put a runtime's AF_XDP socket into a pinned XSKMAP. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

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
#include "cmds.h"

struct sockmap_insert_opts {
	struct xw_common_opts common;
	const char *map;
	uint32_t queue;
	int fd;
	int pid;
	int target_fd;
	bool del;
	bool replace;
};

enum {
	KEY_MAP = XW_KEY_CMD_BASE,
	KEY_QUEUE,
	KEY_FD,
	KEY_PID,
	KEY_TARGET_FD,
	KEY_DELETE,
	KEY_REPLACE,
};

static const struct argp_option options[] = {
	{ "map", KEY_MAP, "PATH", 0,
	  "The pinned XSKMAP, instead of --device's redirect_ip_map", 0 },
	{ "queue", KEY_QUEUE, "Q", 0,
	  "The RX queue, i.e. the map key (default: 0)", 0 },
	{ "fd", KEY_FD, "N", 0,
	  "The AF_XDP socket: a descriptor this process inherited", 0 },
	{ "pid", KEY_PID, "PID", 0,
	  "The AF_XDP socket: taken from process PID (with --target-fd)", 0 },
	{ "target-fd", KEY_TARGET_FD, "N", 0,
	  "The socket's descriptor number in process PID", 0 },
	{ "delete", KEY_DELETE, NULL, 0,
	  "Remove the socket at the queue instead", 0 },
	{ "replace", KEY_REPLACE, NULL, 0,
	  "Take the queue over even if another socket holds it", 0 },
	{ 0 }
};

static int usage(struct xw_ctx *ctx, const char *object, const char *what)
{
	xw_fail(ctx, XW_EXIT_USAGE, 0, object, "%s", what);
	return EINVAL;
}

static int bad_number(struct xw_ctx *ctx, const char *object, const char *arg,
		      const char *what)
{
	xw_fail(ctx, XW_EXIT_DATAERR, 0, object, "'%s' is not %s", arg, what);
	return EINVAL;
}

static error_t check_end(struct sockmap_insert_opts *o)
{
	struct xw_ctx *ctx = o->common.ctx;
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

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct sockmap_insert_opts *o = state->input;
	struct xw_ctx *ctx = o->common.ctx;

	switch (key) {
	case ARGP_KEY_INIT:
		xw_common_init_children(state, &o->common);
		return 0;
	case KEY_MAP:
		o->map = arg;
		return 0;
	case KEY_QUEUE:
		if (xw_parse_u32(arg, 0, UINT32_MAX - 1, &o->queue))
			return bad_number(ctx, "--queue", arg,
					  "a queue number");
		return 0;
	case KEY_FD:
		if (xw_parse_fd(arg, &o->fd))
			return bad_number(ctx, "--fd", arg,
					  "a descriptor number");
		return 0;
	case KEY_PID:
		if (xw_parse_pid(arg, &o->pid))
			return bad_number(ctx, "--pid", arg, "a process id");
		return 0;
	case KEY_TARGET_FD:
		if (xw_parse_fd(arg, &o->target_fd))
			return bad_number(ctx, "--target-fd", arg,
					  "a descriptor number");
		return 0;
	case KEY_DELETE:
		o->del = true;
		return 0;
	case KEY_REPLACE:
		o->replace = true;
		return 0;
	case ARGP_KEY_END:
		return check_end(o);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child children[] = { XW_COMMON_CHILDREN, { 0 } };

static const struct argp argp = {
	options,
	parse_opt,
	NULL,
	"Put an AF_XDP socket into the pinned XSKMAP of a redirect install "
	"(<bpffs>/<device>/redirect_ip_map, or --map PATH) at the key of its "
	"RX queue.  A queue held by another socket is refused unless --replace. "
	"Runs on one pin directory are serialised by a lock on the directory.\v"
	"Examples:\n"
	"  xdpwire sockmap-insert --device eth0 --queue 0 --fd 3\n"
	"  xdpwire sockmap-insert --device eth0 --pid 4242 --target-fd 7",
	children,
	xw_help_filter,
	NULL
};

static const struct sockmap_insert_opts defaults = {
	.fd = -1,
	.target_fd = -1,
};

const struct xw_cmd_parser sockmap_insert_parser = {
	&argp, sizeof(struct sockmap_insert_opts), &defaults
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

static int delete (struct xw_ctx *ctx, struct sockmap_insert_opts *o,
		   int map_fd, const char *path)
{
	__u32 key = o->queue;
	char detail[32];

	/*
	 * The kernel neither lets user space look into an XSKMAP nor says
	 * whether the slot held a socket: all we can report is a cleared slot.
	 */
	snprintf(detail, sizeof(detail), "queue %u", o->queue);
	if (!bpf_map_delete_elem(map_fd, &key) || errno == ENOENT) {
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
	if (o->queue >= map.info.map.max_entries) {
		err = xw_fail(ctx, XW_EXIT_DATAERR, 0, "--queue",
			      "queue %u is outside %s (%u queues: 0-%u)",
			      o->queue, path, map.info.map.max_entries,
			      map.info.map.max_entries - 1);
		goto out;
	}
	if (o->del) {
		err = delete (ctx, o, map.fd, path);
		goto out;
	}
	sock = take_socket(ctx, o);
	if (sock < 0) {
		err = sock;
		goto out;
	}
	err = update(ctx, o, map.fd, sock, path);
out:
	if (sock >= 0 && o->pid > 0)
		close(sock);
	xw_pinned_close(&map);
	xw_pindir_close(&dir);
	return err;
}
