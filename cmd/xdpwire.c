/*
 * xdpwire: one binary, many subcommands (busybox style).  The table below is
 * the only list of subcommands: help, completion and the tests read it.
 * A row names what the dispatcher must establish before the subcommand
 * runs, so that no subcommand repeats the namespace, device and bpffs work.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cli.h"
#include "../common/ctx.h"
#include "../common/exit.h"
#include "../common/log.h"
#include "cmds.h"

#ifndef XW_VERSION
#define XW_VERSION "unknown"
#endif

const char *argp_program_version = "xdpwire " XW_VERSION;

const struct xw_cmd xw_cmds[] = {
	{ "redirect-install", "send a NIC's traffic to AF_XDP sockets, pinned",
	  &redirect_install_parser, cmd_redirect_install,
	  XW_NEEDS_DEVICE | XW_NEEDS_BPFFS },
	{ "tunnel-install",
	  "XDP fast path between a NIC and sandboxes' veths, pinned",
	  &tunnel_install_parser, cmd_tunnel_install,
	  XW_NEEDS_DEVICE | XW_NEEDS_BPFFS },
	{ "sockmap-insert", "put an AF_XDP socket into a pinned XSKMAP",
	  &sockmap_insert_parser, cmd_sockmap_insert, XW_BPFFS_IF_DEVICE },
	{ "scrape",
	  "a network namespace's interfaces, addresses, routes and gateways, as JSON",
	  &scrape_parser, cmd_scrape, 0 },
	{ "status", "every install's pins, programs, maps and health",
	  &status_parser, cmd_status, XW_NEEDS_BPFFS | XW_DEVICE_MAY_BE_GONE },
	{ "pin-gc", "remove stale pins, or --repair them", &pin_gc_parser,
	  cmd_pin_gc, XW_NEEDS_BPFFS | XW_DEVICE_MAY_BE_GONE },
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct xw_cmd *xw_cmd_find(const char *name)
{
	const struct xw_cmd *cmd;

	/* Exact names only: an abbreviation must not change meaning later. */
	for (cmd = xw_cmds; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

static int run(const struct xw_cmd *cmd, char *argv0, int argc, char **argv)
{
	const struct xw_cmd_parser *p = cmd->parser;
	struct xw_common_opts *common;
	struct xw_ctx ctx;
	void *opts;
	int code, err;

	opts = malloc(p->opts_size);
	if (!opts || xw_ctx_init(&ctx, cmd->name)) {
		fprintf(stderr, "xdpwire %s: out of memory\n", cmd->name);
		free(opts);
		return XW_EXIT_OSERR;
	}
	memcpy(opts, p->defaults, p->opts_size);
	common = opts;
	xw_common_defaults(common, &ctx);
	/* argp names the program after argv[0] in its usage lines. */
	argv[0] = argv0;
	err = xw_argv_check(&ctx, p->argp, argc, argv);
	if (!err) {
		err = argp_parse(p->argp, argc, argv, 0, NULL, opts);
		if (err && !xw_failed(&ctx))
			xw_fail(&ctx, XW_EXIT_USAGE, err, "options",
				"cannot parse");
	}
	if (!err) {
		xw_log_init(&ctx);
		err = xw_prepare(&ctx, common, cmd->needs);
	}
	if (!err) {
		err = cmd->run(&ctx, opts);
		if (err && !xw_failed(&ctx))
			xw_fail(&ctx, XW_EXIT_OSERR, err < 0 ? -err : 0,
				cmd->name, "failed");
	}
	xw_common_release(common);
	code = xw_ctx_finish(&ctx);
	xw_ctx_free(&ctx);
	free(opts);
	return code;
}

static char *top_help_filter(int key, const char *text, void *input)
{
	const struct xw_cmd *cmd;
	char *buf = NULL, *extra;
	size_t size = 0;
	FILE *f;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return xw_help_filter(key, text, input);
	f = open_memstream(&buf, &size);
	if (!f)
		return (char *)text;
	fputs("Commands:\n", f);
	for (cmd = xw_cmds; cmd->name; cmd++)
		fprintf(f, "  %-18s %s\n", cmd->name, cmd->synopsis);
	fputs("\nRun 'xdpwire COMMAND --help' for a command's options.  A link "
	      "named after a command (redirect-install -> xdpwire) runs that "
	      "command.",
	      f);
	fclose(f);
	extra = buf;
	return extra;
}

static const struct argp top_argp = {
	NULL,
	NULL,
	"COMMAND [OPTION...]",
	"xdpwire -- the host side of sandboxed-container networking with XDP: "
	"XDP programs, AF_XDP socket maps and their pins under the bpffs.\v",
	NULL,
	top_help_filter,
	NULL
};

static int top_error(const char *object, const char *what)
{
	fprintf(stderr, "xdpwire: %s%s%s (see 'xdpwire --help')\n", object,
		*object ? ": " : "", what);
	return XW_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct xw_cmd *cmd;
	char name[64];

	base = base ? base + 1 : argv[0];
	cmd = xw_cmd_find(base);
	if (cmd)
		return run(cmd, argv[0], argc, argv);
	if (argc < 2)
		return top_error("", "no command given");
	if (!strcmp(argv[1], "__complete"))
		return cmd_complete(argc - 1, argv + 1);
	cmd = xw_cmd_find(argv[1]);
	if (cmd) {
		snprintf(name, sizeof(name), "xdpwire %s", cmd->name);
		return run(cmd, name, argc - 1, argv + 1);
	}
	if (argv[1][0] != '-')
		return top_error(argv[1], "unknown command");
	if (strcmp(argv[1], "--help") && strcmp(argv[1], "-?") &&
	    strcmp(argv[1], "--usage") && strcmp(argv[1], "--version") &&
	    strcmp(argv[1], "-V"))
		return top_error(argv[1], "unknown option");
	if (argc > 2)
		return top_error(argv[2], "unexpected argument");
	/* Only help and version reach argp; both print to stdout, exit 0. */
	argp_parse(&top_argp, 2, argv, 0, NULL, NULL);
	return XW_EXIT_OK;
}
