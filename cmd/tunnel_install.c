/*
 * tunnel-install: the XDP fast path between a host NIC and a sandbox's
 * veth.  Without --veth or --peer it sets up (or removes) the node's side
 * on the NIC; with one of them it wires (or unwires) one sandbox.
 */
#include <stdbool.h>
#include <stdint.h>

#include "../bpf/xw_abi.h"
#include "../common/caps.h"
#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/ifname.h"
#include "../common/parse.h"
#include "../common/tunnel.h"
#include "cmds.h"

struct tunnel_install_opts {
	struct xw_common_opts common;
	enum xw_xdp_mode mode;
	bool mode_given;
	uint16_t ports[XW_MAX_PASS_PORTS];
	size_t n_ports;
	const char *veth;
	const char *peer;
	bool unpin;
};

enum {
	KEY_MODE = XW_KEY_CMD_BASE,
	KEY_PASS_PORT,
	KEY_VETH,
	KEY_PEER,
	KEY_UNPIN,
};

static const struct argp_option options[] = {
	{ "mode", KEY_MODE, "MODE", 0,
	  "XDP mode: auto (native, else generic), native or generic (default: auto)",
	  0 },
	{ "pass-port", KEY_PASS_PORT, "PORT", 0,
	  "TCP port (IPv4, IPv6) the NIC keeps for the kernel stack; repeatable, up to 16 (default: 22); node set-up only",
	  0 },
	{ "veth", KEY_VETH, "VETH", 0,
	  "Wire this sandbox: the host side of its veth pair", 0 },
	{ "peer", KEY_PEER, "IFNAME", 0,
	  "Wire this sandbox: the sandbox side of its veth pair, inside the namespace --netns names; the host side is found through the kernel",
	  0 },
	{ "unpin", KEY_UNPIN, NULL, 0,
	  "Remove: the node's install, or with --veth/--peer one sandbox's wiring",
	  0 },
	{ 0 }
};

static int check_name(struct xw_ctx *ctx, const char *option, const char *arg)
{
	const char *why = xw_ifname_problem(arg);

	if (!why)
		return 0;
	xw_fail(ctx, XW_EXIT_DATAERR, 0, option,
		"'%s' is not a valid device name: %s", arg, why);
	return EINVAL;
}

static error_t check_end(struct tunnel_install_opts *o)
{
	struct xw_ctx *ctx = o->common.ctx;
	bool sandbox = o->veth || o->peer;

	if (o->veth && o->peer) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--peer",
			"give --veth or --peer, not both");
		return EINVAL;
	}
	if (o->peer && !o->common.netns) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--peer",
			"needs --netns PATH, the sandbox's network namespace");
		return EINVAL;
	}
	if (sandbox && o->n_ports) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--pass-port",
			"belongs to the node set-up (without --veth or --peer): the veth sends every frame to the NIC");
		return EINVAL;
	}
	if (o->unpin && (o->mode_given || o->n_ports)) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--unpin",
			"takes no --mode or --pass-port");
		return EINVAL;
	}
	/* With --peer, --netns names the sandbox; the host is here. */
	o->common.netns_is_peer = o->peer != NULL;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tunnel_install_opts *o = state->input;
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
	case KEY_VETH:
	case KEY_PEER:
		if (key == KEY_VETH ? o->veth : o->peer) {
			xw_fail(ctx, XW_EXIT_USAGE, 0,
				key == KEY_VETH ? "--veth" : "--peer",
				"specified twice");
			return EINVAL;
		}
		if (check_name(ctx, key == KEY_VETH ? "--veth" : "--peer", arg))
			return EINVAL;
		if (key == KEY_VETH)
			o->veth = arg;
		else
			o->peer = arg;
		return 0;
	case KEY_UNPIN:
		o->unpin = true;
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
	"The XDP fast path between a host NIC and sandboxes' veth pairs.  "
	"Node set-up (--device only) attaches to the NIC a program that sends "
	"every frame to the device in slot 0 of <bpffs>/<device>/tunnel_host_map, "
	"except TCP to a pass port (default: SSH) and frames too short to parse; "
	"with the slot empty, frames go to the kernel stack.  Wiring a sandbox "
	"(--veth, or --peer with --netns) attaches to the host side of its veth "
	"a program that sends every frame to the NIC, pinned under "
	"<bpffs>/<veth>/tunnel_veth_*, and points the NIC's slot 0 at the veth.  "
	"Re-running with the same options changes nothing.\v"
	"Examples:\n"
	"  xdpwire tunnel-install --device eth0\n"
	"  xdpwire tunnel-install --device eth0 --veth veth1a2b\n"
	"  xdpwire tunnel-install --device eth0 --peer eth0 --netns /run/netns/sandbox1\n"
	"  xdpwire tunnel-install --device eth0 --veth veth1a2b --unpin",
	children,
	xw_help_filter,
	NULL
};

static const struct tunnel_install_opts defaults = {
	.mode = XW_MODE_AUTO,
};

/*
 * The node's program needs CAP_PERFMON for its verifier, the veth's does
 * not; --unpin only unlinks the owner's pins and clears a slot.
 */
static int caps(struct xw_ctx *ctx, const void *opts)
{
	const struct tunnel_install_opts *o = opts;
	struct xw_caps_need needs[2];
	size_t n = 0;

	if (!o->unpin)
		needs[n++] = o->veth || o->peer ? XW_CAPS_LOAD :
						  XW_CAPS_LOAD_PERFMON;
	if (o->common.netns)
		needs[n++] = XW_CAPS_NETNS;
	return xw_caps_require(ctx, needs, n);
}

const struct xw_cmd_parser tunnel_install_parser = {
	&argp, sizeof(struct tunnel_install_opts), &defaults, caps
};

int cmd_tunnel_install(struct xw_ctx *ctx, void *opts)
{
	const struct tunnel_install_opts *o = opts;
	const struct xw_tunnel_request req = {
		.node = { .ports = o->ports,
			  .n_ports = o->n_ports,
			  .mode = o->mode,
			  .unpin = o->unpin },
		.veth = o->veth,
		.peer = o->peer,
	};

	return xw_tunnel_install(ctx, &o->common.target, &req);
}
