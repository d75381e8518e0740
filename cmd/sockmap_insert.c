/* sockmap-insert: put a runtime's AF_XDP socket into a pinned XSKMAP. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/parse.h"
#include "core/report.h"
#include "install/sockmap_insert.h"
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
