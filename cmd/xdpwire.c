/*
 * xdpwire: one binary, many subcommands (busybox style).  The table below is
 * the only list of subcommands: help, completion and the tests read it.
 * Each command's definition (struct xw_cmd, in its cmd/ file) names what
 * the dispatcher must establish before it runs, so that no subcommand
 * repeats the option parsing, capability, namespace, device and bpffs work.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/command.h"
#include "cli/man_page.h"
#include "cli/version.h"
#include "core/exit.h"
#include "cmds.h"

/*
 * Every subcommand, in the order help and completion list them: adding one
 * is one file, cmd/<name>.c, defining xw_cmd_<name>, and one row here.
 */
#define XW_COMMANDS(row)                                              \
	row(redirect_install) row(tunnel_install) row(sockmap_insert) \
		row(scrape) row(check) row(status) row(verify) row(pin_gc)

#define XW_DECLARE(id) extern const struct xw_cmd xw_cmd_##id;
#define XW_ROW(id) &xw_cmd_##id,

XW_COMMANDS(XW_DECLARE)

const struct xw_cmd *const xw_cmds[] = { XW_COMMANDS(XW_ROW) NULL };

const struct xw_cmd *xw_cmd_find(const char *name)
{
	const struct xw_cmd *const *cmd;

	/* Exact names only: an abbreviation must not change meaning later. */
	for (cmd = xw_cmds; *cmd; cmd++)
		if (!strcmp((*cmd)->name, name))
			return *cmd;
	return NULL;
}

static char *top_help_filter(int key, const char *text, void *input)
{
	const struct xw_cmd *const *cmd;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return xw_help_filter(key, text, input);
	f = open_memstream(&buf, &size);
	if (!f)
		return (char *)text;
	/* A synopsis fits its line: argp would wrap it to column 0. */
	fputs("Commands:\n", f);
	for (cmd = xw_cmds; *cmd; cmd++)
		fprintf(f, "  %-18s %s\n", (*cmd)->name, (*cmd)->synopsis);
	fputs("\n'xdpwire help COMMAND' shows a command's options and "
	      "examples.\nA link named after a command "
	      "(redirect-install -> xdpwire) runs that command.",
	      f);
	fclose(f);
	return buf;
}

static const struct argp_child top_children[] = {
	{ &xw_help_argp, 0, NULL, -1 },
	{ 0 },
};

static const struct argp top_argp = {
	.args_doc = "COMMAND [OPTION...]\nhelp [COMMAND]\n--version [-j|-p]",
	.doc = "xdpwire -- the host side of sandboxed-container networking with XDP: "
	       "XDP programs, AF_XDP socket maps and their pins under the bpffs.\v",
	.children = top_children,
	.help_filter = top_help_filter,
};

/*
 * xdpwire help [COMMAND], as git's: the man page for a person at a
 * terminal when it is installed, the --help text otherwise (a pipe, a
 * script, a node without man pages).
 */
static int help(int argc, char **argv)
{
	const struct xw_cmd *cmd;
	char page[64], name[64];
	char *args[3];

	if (argc == 1) {
		argp_help(&top_argp, stdout, ARGP_HELP_STD_HELP, "xdpwire");
		return XW_EXIT_OK;
	}
	if (argc > 2)
		return xw_top_error(argv[2], "unexpected argument to help");
	cmd = xw_cmd_find(argv[1]);
	if (!cmd)
		return xw_top_error(argv[1], "unknown command");
	snprintf(page, sizeof(page), "xdpwire-%s", cmd->name);
	if (isatty(STDOUT_FILENO) && xw_man_page_installed(page)) {
		fflush(stdout);
		execlp("man", "man", "8", page, (char *)NULL);
	}
	snprintf(name, sizeof(name), "xdpwire %s", cmd->name);
	args[0] = name;
	args[1] = "--help";
	args[2] = NULL;
	return xw_cmd_run(cmd, name, 2, args, false);
}

static bool is_any(const char *arg, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(arg, *names))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const char *const helps[] = { "--help", "-h", "-?", NULL };
	static const char *const outputs[] = { "--version", "-V", "-j",
					       "--json",    "-p", "--pretty",
					       NULL };
	const char *base = strrchr(argv[0], '/');
	const struct xw_cmd *cmd;
	char name[64];
	bool dry;

	base = base ? base + 1 : argv[0];
	cmd = xw_cmd_find(base);
	if (cmd)
		return xw_cmd_run(cmd, argv[0], argc, argv, false);
	if (argc < 2)
		return xw_top_error("", "no command given");
	if (!strcmp(argv[1], "__complete"))
		return cmd_complete(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	/* Hidden: xdpwire __parse COMMAND ARGS..., a dry run (see xw_cmd_run()). */
	dry = !strcmp(argv[1], "__parse");
	if (dry) {
		argc--;
		argv++;
		if (argc < 2)
			return xw_top_error("__parse", "no command given");
	}
	cmd = xw_cmd_find(argv[1]);
	if (cmd) {
		snprintf(name, sizeof(name), "xdpwire %s", cmd->name);
		return xw_cmd_run(cmd, name, argc - 1, argv + 1, dry);
	}
	if (argv[1][0] != '-' || dry)
		return xw_top_error(argv[1], "unknown command");
	if (is_any(argv[1], outputs))
		return xw_version_main(argc, argv);
	if (!is_any(argv[1], helps) && strcmp(argv[1], "--usage"))
		return xw_top_error(argv[1], "unknown option");
	if (argc > 2)
		return xw_top_error(argv[2], "unexpected argument");
	argp_help(&top_argp, stdout,
		  strcmp(argv[1], "--usage") ? ARGP_HELP_STD_HELP :
					       ARGP_HELP_USAGE,
		  "xdpwire");
	return XW_EXIT_OK;
}
