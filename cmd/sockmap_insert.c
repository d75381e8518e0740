/* sockmap-insert: put a runtime's AF_XDP socket into a pinned XSKMAP. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "../common/caps.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/parse.h"
#include "../common/sockmap_insert.h"
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
	  "The RX queue, i.e. the map key (default: the socket's bound queue; 0 with --delete)",
	  0 },
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
		o->queue_given = true;
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
	"RX queue.  The socket must be bound to that device and queue (with "
	"--map, to that queue).  A queue held by another socket is refused "
	"unless --replace. "
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

/*
 * Every mode, --delete too, runs the xsk_bind program, whose verifier
 * needs CAP_PERFMON (it reads and compares kernel pointers).
 */
static int caps(struct xw_ctx *ctx, const void *opts)
{
	const struct sockmap_insert_opts *o = opts;
	struct xw_caps_need needs[2] = { XW_CAPS_LOAD_PERFMON, XW_CAPS_NETNS };

	return xw_caps_require(ctx, needs, o->common.netns ? 2 : 1);
}

const struct xw_cmd_parser sockmap_insert_parser = {
	&argp, sizeof(struct sockmap_insert_opts), &defaults, caps
};

int cmd_sockmap_insert(struct xw_ctx *ctx, void *opts)
{
	const struct sockmap_insert_opts *o = opts;
	const struct xw_sockmap_request req = {
		.map = o->map,
		.queue = o->queue,
		.queue_given = o->queue_given,
		.fd = o->fd,
		.pid = o->pid,
		.target_fd = o->target_fd,
		.del = o->del,
		.replace = o->replace,
	};

	return xw_sockmap_insert(ctx, &o->common.target, &req);
}
