/*
 * xdpwire: one binary, many subcommands (busybox style).  The table below is
 * the only list of subcommands: help, completion and the tests read it.
 * Each command's definition (struct xw_cmd, in its cmd/ file) names what
 * the dispatcher must establish before it runs, so that no subcommand
 * repeats the option parsing, capability, namespace, device and bpffs work.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/version.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/report.h"
#include "cmds.h"

/*
 * Every subcommand, in the order help and completion list them: adding one
 * is one file, cmd/<name>.c, defining xw_cmd_<name>, and one row here.
 */
#define XW_COMMANDS(row)                                              \
	row(redirect_install) row(tunnel_install) row(sockmap_insert) \
		row(scrape) row(status) row(pin_gc)

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

/*
 * Runs a subcommand.  A dry run (xdpwire __parse) stops after the options
 * were parsed and checked against the command table: it touches nothing,
 * so the tests can hold every example in the help and the man pages to
 * the parser.
 */
static int run(const struct xw_cmd *cmd, char *argv0, int argc, char **argv,
	       bool dry)
{
	struct xw_common_opts *common;
	struct xw_cmd_argp argp;
	struct xw_ctx ctx;
	void *opts;
	int code, err;

	opts = malloc(cmd->opts_size);
	if (!opts || xw_ctx_init(&ctx, cmd->name)) {
		fprintf(stderr, "xdpwire %s: out of memory\n", cmd->name);
		free(opts);
		return XW_EXIT_OSERR;
	}
	memcpy(opts, cmd->defaults, cmd->opts_size);
	common = opts;
	xw_cmd_argp_build(&argp, cmd, opts);
	xw_common_defaults(common, &ctx);
	/* argp names the program after argv[0] in its usage lines. */
	argv[0] = argv0;
	err = xw_argv_check(&ctx, &argp.argp, argc, argv);
	if (!err) {
		err = argp_parse(&argp.argp, argc, argv, XW_ARGP_FLAGS, NULL,
				 &argp);
		if (err && !xw_failed(&ctx))
			xw_fail(&ctx, XW_EXIT_USAGE, err, "options",
				"cannot parse");
	}
	if (!err)
		err = xw_check_needs(&ctx, common, cmd->needs);
	if (!err && !dry)
		err = xw_cmd_require_caps(&ctx, cmd, opts);
	if (!err && !dry) {
		xw_log_init(&ctx);
		err = xw_prepare(&ctx, common, cmd->needs);
	}
	if (!err && !dry) {
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
	NULL,
	NULL,
	"COMMAND [OPTION...]\nhelp [COMMAND]\n--version [-j|-p]",
	"xdpwire -- the host side of sandboxed-container networking with XDP: "
	"XDP programs, AF_XDP socket maps and their pins under the bpffs.\v",
	top_children,
	top_help_filter,
	NULL
};

static int top_error(const char *object, const char *what)
{
	char safe[256];

	xw_escape(object, strnlen(object, 64), safe, sizeof(safe));
	fprintf(stderr, "xdpwire: %s%s%s (see 'xdpwire --help')\n", safe,
		*object ? ": " : "", what);
	return XW_EXIT_USAGE;
}

/* Whether man(1) is there and has the page; its output is not wanted. */
static bool man_page_installed(const char *page)
{
	char *argv[] = { "man", "-w", (char *)page, NULL };
	posix_spawn_file_actions_t fa;
	int status, err;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return false;
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
					 O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
					 O_WRONLY, 0);
	err = posix_spawnp(&pid, "man", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return false;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

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
		return top_error(argv[2], "unexpected argument to help");
	cmd = xw_cmd_find(argv[1]);
	if (!cmd)
		return top_error(argv[1], "unknown command");
	snprintf(page, sizeof(page), "xdpwire-%s", cmd->name);
	if (isatty(STDOUT_FILENO) && man_page_installed(page)) {
		fflush(stdout);
		execlp("man", "man", "8", page, (char *)NULL);
	}
	snprintf(name, sizeof(name), "xdpwire %s", cmd->name);
	args[0] = name;
	args[1] = "--help";
	args[2] = NULL;
	return run(cmd, name, 2, args, false);
}

/* xdpwire --version [-j|-p], in any order. */
static int version(int argc, char **argv)
{
	bool json = false, pretty = false, asked = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V"))
			asked = true;
		else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			json = pretty = true;
		else
			return top_error(argv[i],
					 asked ? "unexpected argument" :
						 "unknown option");
	}
	if (!asked)
		return top_error(argv[1], "a command must come first");
	return xw_version_print(json, pretty);
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
		return run(cmd, argv[0], argc, argv, false);
	if (argc < 2)
		return top_error("", "no command given");
	if (!strcmp(argv[1], "__complete"))
		return cmd_complete(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	/* Hidden: xdpwire __parse COMMAND ARGS..., a dry run (see run()). */
	dry = !strcmp(argv[1], "__parse");
	if (dry) {
		argc--;
		argv++;
		if (argc < 2)
			return top_error("__parse", "no command given");
	}
	cmd = xw_cmd_find(argv[1]);
	if (cmd) {
		snprintf(name, sizeof(name), "xdpwire %s", cmd->name);
		return run(cmd, name, argc - 1, argv + 1, dry);
	}
	if (argv[1][0] != '-' || dry)
		return top_error(argv[1], "unknown command");
	if (is_any(argv[1], outputs))
		return version(argc, argv);
	if (!is_any(argv[1], helps) && strcmp(argv[1], "--usage"))
		return top_error(argv[1], "unknown option");
	if (argc > 2)
		return top_error(argv[2], "unexpected argument");
	argp_help(&top_argp, stdout,
		  strcmp(argv[1], "--usage") ? ARGP_HELP_STD_HELP :
					       ARGP_HELP_USAGE,
		  "xdpwire");
	return XW_EXIT_OK;
}
