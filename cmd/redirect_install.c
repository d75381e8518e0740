/* redirect-install: all but the pass ports of a NIC into AF_XDP sockets. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "bpf/xw_abi.h"
#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/parse.h"
#include "core/report.h"
#include "install/install_cmd.h"
#include "pins/xdp_mode.h"
#include "cmds.h"

struct redirect_install_opts {
	struct xw_common_opts common;
	enum xw_xdp_mode mode;
	bool mode_given;
	uint16_t ports[XW_MAX_PASS_PORTS];
	size_t n_ports;
	bool unpin;
};

static const struct xw_option options[] = {
	XW_OPTION_MODE(struct redirect_install_opts),
	XW_OPTION("pass-port", XW_OPT_PORTS, struct redirect_install_opts,
		  ports, .metavar = "PORT",
		  .help = "TCP port (IPv4, IPv6) kept for the kernel stack; repeatable, up to 16 (default: 22)",
		  .given = offsetof(struct redirect_install_opts, n_ports)),
	XW_OPTION("unpin", XW_OPT_FLAG, struct redirect_install_opts, unpin,
		  .help = "Remove the install: detach it, unpin link, program and maps, and remove the directory when empty"),
	{ 0 }
};

static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	const struct redirect_install_opts *o = opts;

	if (xw_opts_unpin_alone(ctx, o->unpin, o->mode_given, o->n_ports))
		return EINVAL;
	return 0;
}

static const struct redirect_install_opts defaults = {
	.mode = XW_MODE_AUTO,
};

/*
 * --unpin only unlinks the owner's pins (the link's last pin detaches
 * the program): no capability.  An install in place is read by id,
 * which needs CAP_SYS_ADMIN: install.c says so when it meets one.
 */
static size_t caps(const void *opts, struct xw_caps_need *needs)
{
	const struct redirect_install_opts *o = opts;

	if (o->unpin)
		return 0;
	needs[0] = XW_CAPS_LOAD_PERFMON;
	return 1;
}

const struct xw_cmd xw_cmd_redirect_install = {
	XW_CMD_PARTS(redirect_install),
	.name = "redirect-install",
	.synopsis = "send a NIC's traffic to AF_XDP sockets, pinned",
	.doc = "Attach to a NIC an XDP program that hands every frame to the AF_XDP "
	       "socket of its RX queue, except TCP to a pass port (default: SSH) and "
	       "frames too short to parse, which go to the kernel stack.  Pins "
	       "<bpffs>/<device>/redirect_ip_map, redirect_counters, redirect_program "
	       "and redirect_link.  Re-running with the same options changes nothing; "
	       "with other options it replaces the program atomically and keeps the "
	       "map and the sockets in it.\v"
	       "Examples:\n"
	       "  xdpwire redirect-install --device eth0 --pass-port 22 --pass-port 2222\n"
	       "  xdpwire redirect-install --device eth0 --unpin",
	.check = check_options,
	.caps = caps,
	.needs = XW_NEEDS_DEVICE | XW_NEEDS_BPFFS,
};

int cmd_redirect_install(struct xw_ctx *ctx, void *opts)
{
	const struct redirect_install_opts *o = opts;
	const struct xw_installer_request req = { .ports = o->ports,
						  .n_ports = o->n_ports,
						  .mode = o->mode,
						  .unpin = o->unpin };

	return xw_install_program(ctx, &o->common.target, &xw_redirect_program,
				  &req);
}
