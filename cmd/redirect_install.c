/* redirect-install: all but the pass ports of a NIC into AF_XDP sockets. */
#include <stdbool.h>
#include <stdint.h>

#include "../bpf/xw_abi.h"
#include "../common/caps.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/install_cmd.h"
#include "../common/parse.h"
#include "cmds.h"

struct redirect_install_opts {
	struct xw_common_opts common;
	enum xw_xdp_mode mode;
	bool mode_given;
	uint16_t ports[XW_MAX_PASS_PORTS];
	size_t n_ports;
	bool unpin;
};

enum {
	KEY_MODE = XW_KEY_CMD_BASE,
	KEY_PASS_PORT,
	KEY_UNPIN,
};

static const struct argp_option options[] = {
	{ "mode", KEY_MODE, "MODE", 0,
	  "XDP mode: auto (native, else generic), native or generic (default: auto)",
	  0 },
	{ "pass-port", KEY_PASS_PORT, "PORT", 0,
	  "TCP port (IPv4, IPv6) kept for the kernel stack; repeatable, up to 16 (default: 22)",
	  0 },
	{ "unpin", KEY_UNPIN, NULL, 0,
	  "Remove the install: detach it, unpin link, program and maps, and remove the directory when empty",
	  0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct redirect_install_opts *o = state->input;
	struct xw_ctx *ctx = o->common.ctx;

	switch (key) {
	case ARGP_KEY_INIT:
		xw_common_init_children(state, &o->common);
		return 0;
	case KEY_MODE:
		o->mode_given = true;
		return xw_opt_mode(ctx, arg, &o->mode);
	case KEY_PASS_PORT:
		return xw_opt_pass_port(ctx, arg, o->ports, &o->n_ports);
	case KEY_UNPIN:
		o->unpin = true;
		return 0;
	case ARGP_KEY_END:
		if (o->unpin && (o->mode_given || o->n_ports)) {
			xw_fail(ctx, XW_EXIT_USAGE, 0, "--unpin",
				"takes no --mode or --pass-port");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child children[] = { XW_COMMON_CHILDREN, { 0 } };

static const struct argp argp = {
	options,
	parse_opt,
	NULL,
	"Attach to a NIC an XDP program that hands every frame to the AF_XDP "
	"socket of its RX queue, except TCP to a pass port (default: SSH) and "
	"frames too short to parse, which go to the kernel stack.  Pins "
	"<bpffs>/<device>/redirect_ip_map, redirect_counters, redirect_program "
	"and redirect_link.  Re-running with the same options changes nothing; "
	"with other options it replaces the program atomically and keeps the "
	"map and the sockets in it.\v"
	"Examples:\n"
	"  xdpwire redirect-install --device eth0 --pass-port 22 --pass-port 2222\n"
	"  xdpwire redirect-install --device eth0 --unpin",
	children,
	xw_help_filter,
	NULL
};

static const struct redirect_install_opts defaults = {
	.mode = XW_MODE_AUTO,
};

/*
 * --unpin only unlinks the owner's pins (the link's last pin detaches
 * the program): no capability.  An install in place is read by id,
 * which needs CAP_SYS_ADMIN: install.c says so when it meets one.
 */
static int caps(struct xw_ctx *ctx, const void *opts)
{
	const struct redirect_install_opts *o = opts;
	struct xw_caps_need needs[2];
	size_t n = 0;

	if (!o->unpin)
		needs[n++] = XW_CAPS_LOAD_PERFMON;
	if (o->common.netns)
		needs[n++] = XW_CAPS_NETNS;
	return xw_caps_require(ctx, needs, n);
}

const struct xw_cmd_parser redirect_install_parser = {
	&argp, sizeof(struct redirect_install_opts), &defaults, caps
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
