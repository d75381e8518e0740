/*
 * tunnel-install: the XDP fast path between a host NIC and a sandbox's
 * veth.  Without --veth or --peer it sets up (or removes) the node's side
 * on the NIC; with one of them it wires (or unwires) one sandbox.
 */
#include <stdbool.h>
#include <stdint.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/parse.h"
#include "core/report.h"
#include "install/tunnel.h"
#include "net/ifname.h"
#include "pins/xdp_mode.h"
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
	struct xw_ip addrs[XW_MAX_SANDBOX_ADDRS];
	size_t n_addrs;
	bool addrs_from_netns;
	bool force;
	uint32_t max_sandboxes; /* 0: not given */
	uint32_t max_addresses;
};

/* The defaults, in the help text as owner_table.h has them. */
#define XW_TEXT(x) #x
#define XW_NUMBER_TEXT(x) XW_TEXT(x)

static const struct xw_option options[] = {
	XW_OPTION_MODE(struct tunnel_install_opts),
	XW_OPTION("pass-port", XW_OPT_PORTS, struct tunnel_install_opts, ports,
		  .metavar = "PORT",
		  .help = "TCP port (IPv4, IPv6) the NIC keeps for the kernel stack; repeatable, up to 16 (default: 22); node set-up only",
		  .given = offsetof(struct tunnel_install_opts, n_ports)),
	XW_OPTION("veth", XW_OPT_IFNAME, struct tunnel_install_opts, veth,
		  .metavar = "VETH",
		  .help = "Wire this sandbox: the host side of its veth pair",
		  .once = true),
	XW_OPTION("peer", XW_OPT_IFNAME, struct tunnel_install_opts, peer,
		  .metavar = "IFNAME",
		  .help = "Wire this sandbox: the sandbox side of its veth pair, inside the namespace --netns names; the host side is found through the kernel",
		  .once = true),
	XW_OPTION("unpin", XW_OPT_FLAG, struct tunnel_install_opts, unpin,
		  .help = "Remove: the node's install, or with --veth/--peer one sandbox's wiring"),
	XW_OPTION("address", XW_OPT_ADDRS, struct tunnel_install_opts, addrs,
		  .metavar = "ADDR",
		  .help = "Register the sandbox as the owner of this IPv4 or IPv6 address: the NIC sends it every frame for it, instead of the NIC's slot 0 pointing at the sandbox; repeatable, up to 32",
		  .given = offsetof(struct tunnel_install_opts, n_addrs)),
	XW_OPTION("addresses-from-netns", XW_OPT_FLAG,
		  struct tunnel_install_opts, addrs_from_netns,
		  .help = "Register the sandbox with the addresses its side of the pair has in --netns (as scrape reads them, IPv6 link-local left out); needs --peer"),
	XW_OPTION("force", XW_OPT_FLAG, struct tunnel_install_opts, force,
		  .help = "Register addresses the NIC itself has on this host too (the host loses that traffic; a warning says so)"),
	XW_OPTION("max-sandboxes", XW_OPT_U32, struct tunnel_install_opts,
		  max_sandboxes, .metavar = "N",
		  .help = "Sandboxes the NIC can register, 1-65536 (default: " XW_NUMBER_TEXT(
			  XW_DEFAULT_MAX_SANDBOXES) "); fixed once the node is installed; node set-up only",
		  .what = "a number of sandboxes (1-65536)", .min = 1,
		  .max = 65536),
	XW_OPTION("max-addresses", XW_OPT_U32, struct tunnel_install_opts,
		  max_addresses, .metavar = "N",
		  .help = "Addresses the NIC's sandboxes can own, per family (IPv4, IPv6), 1-1048576 (default: " XW_NUMBER_TEXT(
			  XW_DEFAULT_MAX_ADDRESSES) "); fixed once the node is installed; node set-up only",
		  .what = "a number of addresses (1-1048576)", .min = 1,
		  .max = 1048576),
	{ 0 }
};

/* A registration's options: with a sandbox, never with --unpin. */
static error_t check_register(struct xw_ctx *ctx,
			      const struct tunnel_install_opts *o)
{
	bool sandbox = o->veth || o->peer;
	bool addrs = o->n_addrs || o->addrs_from_netns;
	const char *opt = o->n_addrs ? "--address" : "--addresses-from-netns";

	if (o->addrs_from_netns && !(o->peer && o->common.netns)) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--addresses-from-netns",
			"needs --peer IFNAME and --netns PATH: the sandbox's side whose addresses it reads");
		return EINVAL;
	}
	if (addrs && !sandbox) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, opt,
			"registers a sandbox: needs --veth or --peer");
		return EINVAL;
	}
	if (o->force && !addrs) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--force",
			"belongs to a registration: needs --address or --addresses-from-netns");
		return EINVAL;
	}
	if (o->unpin && (addrs || o->force)) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, "--unpin",
			"takes no %s: removing a sandbox removes all its addresses",
			o->force ? "--force" : opt);
		return EINVAL;
	}
	return 0;
}

/* The table sizes belong to the node's install, made once. */
static error_t check_sizes(struct xw_ctx *ctx,
			   const struct tunnel_install_opts *o)
{
	const char *opt = o->max_sandboxes ? "--max-sandboxes" :
			  o->max_addresses ? "--max-addresses" :
					     NULL;

	if (!opt)
		return 0;
	if (o->veth || o->peer) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, opt,
			"belongs to the node set-up (without --veth or --peer): the NIC's tables are sized once, for every sandbox");
		return EINVAL;
	}
	if (o->unpin) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, opt,
			"sizes an install: --unpin takes none");
		return EINVAL;
	}
	return 0;
}

static error_t check_options(struct xw_ctx *ctx, void *opts)
{
	struct tunnel_install_opts *o = opts;
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
	if (check_register(ctx, o))
		return EINVAL;
	if (xw_opts_unpin_alone(ctx, o->unpin, o->mode_given, o->n_ports))
		return EINVAL;
	if (check_sizes(ctx, o))
		return EINVAL;
	/* With --peer, --netns names the sandbox; the host is here. */
	o->common.netns_is_peer = o->peer != NULL;
	return 0;
}

static const struct tunnel_install_opts defaults = {
	.mode = XW_MODE_AUTO,
};

/*
 * The node's program needs CAP_PERFMON for its verifier, the veth's does
 * not; --unpin only unlinks the owner's pins and clears a slot.
 */
static size_t caps(const void *opts, struct xw_caps_need *needs)
{
	const struct tunnel_install_opts *o = opts;

	if (o->unpin)
		return 0;
	needs[0] = o->veth || o->peer ? XW_CAPS_LOAD : XW_CAPS_LOAD_PERFMON;
	return 1;
}

const struct xw_cmd xw_cmd_tunnel_install = {
	XW_CMD_PARTS(tunnel_install),
	.name = "tunnel-install",
	.synopsis = "XDP fast path between a NIC and sandboxes' veths, pinned",
	.doc = "The XDP fast path between a host NIC and sandboxes' veth pairs.  "
	       "Node set-up (--device only) attaches to the NIC a program that sends "
	       "every frame to the device in slot 0 of <bpffs>/<device>/tunnel_host_map, "
	       "except TCP to a pass port (default: SSH) and frames too short to parse; "
	       "with the slot empty, frames go to the kernel stack.  Wiring a sandbox "
	       "(--veth, or --peer with --netns) attaches to the host side of its veth "
	       "a program that sends every frame to the NIC, pinned under "
	       "<bpffs>/<veth>/tunnel_veth_*, and points the NIC's slot 0 at the veth; "
	       "with --address or --addresses-from-netns it instead registers the sandbox "
	       "as the owner of those addresses, so that many sandboxes share the NIC, "
	       "each getting the frames for its own addresses.  "
	       "Re-running with the same options changes nothing.\v"
	       "Examples:\n"
	       "  xdpwire tunnel-install --device eth0\n"
	       "  xdpwire tunnel-install --device eth0 --max-sandboxes 64 --max-addresses 256\n"
	       "  xdpwire tunnel-install --device eth0 --veth veth1a2b\n"
	       "  xdpwire tunnel-install --device eth0 --peer eth0 --netns /run/netns/sandbox1\n"
	       "  xdpwire tunnel-install --device eth0 --veth veth1a2b --address 10.1.0.5 --address fd00::5\n"
	       "  xdpwire tunnel-install --device eth0 --peer eth0 --netns /run/netns/sandbox1 --addresses-from-netns\n"
	       "  xdpwire tunnel-install --device eth0 --veth veth1a2b --unpin",
	.check = check_options,
	.caps = caps,
	.needs = XW_NEEDS_DEVICE | XW_NEEDS_BPFFS,
};

int cmd_tunnel_install(struct xw_ctx *ctx, void *opts)
{
	const struct tunnel_install_opts *o = opts;
	const struct xw_tunnel_request req = {
		.node = { .ports = o->ports,
			  .n_ports = o->n_ports,
			  .mode = o->mode,
			  .unpin = o->unpin,
			  .max_sandboxes = o->max_sandboxes,
			  .max_addresses = o->max_addresses },
		.veth = o->veth,
		.peer = o->peer,
		.addrs = o->n_addrs ? o->addrs : NULL,
		.n_addrs = o->n_addrs,
		.addrs_from_netns = o->addrs_from_netns,
		.force = o->force,
	};

	return xw_tunnel_install(ctx, &o->common.target, &req);
}
