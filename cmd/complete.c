/*
 * xdpwire __complete: the command and option lists, read from the argp
 * tables, for bash completion and for the test that holds --help, the man
 * pages and completion together.  Hidden: not part of the interface.
 *
 *   xdpwire __complete                  the subcommands
 *   xdpwire __complete CMD              CMD's long options, "--name [ARG]"
 *   xdpwire __complete --values ARG     the fixed values of an ARG (MODE,
 *                                       INSTALL)
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/exit.h"
#include "core/parse.h"
#include "core/report.h"
#include "diag/check.h"
#include "pins/xdp_mode.h"
#include "cmds.h"

static void print_option(const struct argp_option *opt, void *data)
{
	(void)data;
	if (!opt->name || opt->flags & OPTION_HIDDEN)
		return;
	if (opt->arg)
		printf("--%s %s\n", opt->name, opt->arg);
	else
		printf("--%s\n", opt->name);
}

int cmd_complete(int argc, char **argv)
{
	const struct xw_cmd *const *each;
	const struct xw_cmd *cmd;
	struct xw_cmd_argp argp;
	int m;

	if (argc == 1) {
		for (each = xw_cmds; *each; each++)
			printf("%s\n", (*each)->name);
		return XW_EXIT_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "--values")) {
		if (!strcmp(argv[2], "MODE"))
			for (m = XW_MODE_AUTO; m <= XW_MODE_GENERIC; m++)
				printf("%s\n", xw_mode_name(m));
		if (!strcmp(argv[2], "INSTALL"))
			for (m = XW_CHECK_REDIRECT; m <= XW_CHECK_TUNNEL; m++)
				printf("%s\n", xw_check_install_name(m));
		return XW_EXIT_OK;
	}
	cmd = argc == 2 ? xw_cmd_find(argv[1]) : NULL;
	if (!cmd) {
		char safe[256];

		xw_escape(argc > 1 ? argv[1] : "",
			  argc > 1 ? strnlen(argv[1], 64) : 0, safe,
			  sizeof(safe));
		fprintf(stderr, "xdpwire __complete: %s: unknown command\n",
			safe);
		return XW_EXIT_USAGE;
	}
	xw_cmd_argp_build(&argp, cmd, NULL);
	xw_argp_for_each_option(&argp.argp, print_option, NULL);
	return XW_EXIT_OK;
}
