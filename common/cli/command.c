#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "cli/cli.h"
#include "cli/command.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/parse.h"
#include "core/report.h"
#include "net/ifname.h"
#include "pins/xdp_mode.h"

/* Above any character: argp would take a printable key for -KEY. */
#define KEY_OF_INDEX(i) (0x100 + (int)(i))

static void *field(void *opts, size_t offset)
{
	return (char *)opts + offset;
}

static error_t bad_value(struct xw_ctx *ctx, const char *object,
			 const char *arg, const char *what)
{
	xw_fail(ctx, XW_EXIT_DATAERR, 0, object, "'%s' is not %s", arg, what);
	return EINVAL;
}

static error_t add_port(struct xw_ctx *ctx, const char *object, const char *arg,
			uint16_t *ports, size_t *n)
{
	if (*n == XW_MAX_PASS_PORTS) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, object, "at most %d pass ports",
			XW_MAX_PASS_PORTS);
		return EINVAL;
	}
	if (xw_parse_port(arg, &ports[*n]))
		return bad_value(ctx, object, arg, "a TCP port (1-65535)");
	(*n)++;
	return 0;
}

static bool listed(const struct xw_ip *ips, size_t n, const struct xw_ip *ip)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!xw_ip_cmp(&ips[k], ip))
			return true;
	return false;
}

/*
 * An address a sandbox would own.  A repeat is dropped, not refused: a
 * runtime may list an address from two sources, and it means the same.
 */
static error_t add_addr(struct xw_ctx *ctx, const char *object, const char *arg,
			struct xw_ip *ips, size_t *n)
{
	struct xw_ip ip;
	int err = xw_parse_ip(arg, &ip);

	if (err == -EDOM) {
		/* An address's text is short: it was one, of a refused class. */
		char named[128];

		snprintf(named, sizeof(named), "%s %s", object, arg);
		xw_fail(ctx, XW_EXIT_DATAERR, 0, named,
			"%s: a sandbox cannot own it", xw_ip_refusal(&ip));
		return EINVAL;
	}
	if (err)
		return bad_value(ctx, object, arg,
				 "an IPv4 or IPv6 address (no prefix)");
	if (listed(ips, *n, &ip))
		return 0;
	if (*n == XW_MAX_SANDBOX_ADDRS) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, object,
			"at most %d addresses per sandbox",
			XW_MAX_SANDBOX_ADDRS);
		return EINVAL;
	}
	ips[(*n)++] = ip;
	return 0;
}

static error_t store(struct xw_ctx *ctx, const struct xw_option *opt,
		     const char *object, char *arg, void *opts)
{
	void *to = field(opts, opt->field);
	const char *why;

	switch (opt->type) {
	case XW_OPT_FLAG:
		*(bool *)to = true;
		return 0;
	case XW_OPT_IFNAME:
		why = xw_ifname_problem(arg);
		if (why) {
			xw_fail(ctx, XW_EXIT_DATAERR, 0, object,
				"'%s' is not a valid device name: %s", arg,
				why);
			return EINVAL;
		}
		/* fall through */
	case XW_OPT_STRING:
		*(const char **)to = arg;
		return 0;
	case XW_OPT_U32:
		if (xw_parse_u32(arg, opt->min, opt->max, to))
			return bad_value(ctx, object, arg, opt->what);
		return 0;
	case XW_OPT_FD:
		if (xw_parse_fd(arg, to))
			return bad_value(ctx, object, arg, opt->what);
		return 0;
	case XW_OPT_PID:
		if (xw_parse_pid(arg, to))
			return bad_value(ctx, object, arg, opt->what);
		return 0;
	case XW_OPT_MODE:
		if (xw_parse_mode(arg, to))
			return bad_value(ctx, object, arg,
					 "a mode (auto, native or generic)");
		return 0;
	case XW_OPT_PORTS:
		return add_port(ctx, object, arg, to, field(opts, opt->given));
	case XW_OPT_ADDRS:
		return add_addr(ctx, object, arg, to, field(opts, opt->given));
	}
	return EINVAL;
}

static error_t parse_one(struct xw_ctx *ctx, const struct xw_option *opt,
			 char *arg, void *opts)
{
	char object[64];

	snprintf(object, sizeof(object), "--%s", opt->name);
	if (opt->once && *(const char **)field(opts, opt->field)) {
		xw_fail(ctx, XW_EXIT_USAGE, 0, object, "specified twice");
		return EINVAL;
	}
	/* Given, even when the value is then refused: the check is moot. */
	if (opt->given && opt->type != XW_OPT_PORTS &&
	    opt->type != XW_OPT_ADDRS)
		*(bool *)field(opts, opt->given) = true;
	return store(ctx, opt, object, arg, opts);
}

/* The table row argp's key stands for, or NULL for argp's own keys. */
static const struct xw_option *option_of_key(const struct xw_cmd *cmd, int key)
{
	const struct xw_option *opt = cmd->options;
	int i;

	for (i = 0; opt && opt->name; i++, opt++)
		if (KEY_OF_INDEX(i) == key)
			return opt;
	return NULL;
}

static error_t parse_cmd(int key, char *arg, struct argp_state *state)
{
	struct xw_cmd_argp *a = state->input;
	struct xw_common_opts *common = a->opts;
	const struct xw_option *opt;

	switch (key) {
	case ARGP_KEY_INIT:
		xw_common_init_children(state, common);
		return 0;
	case ARGP_KEY_END:
		return a->cmd->check ? a->cmd->check(common->ctx, a->opts) : 0;
	default:
		opt = option_of_key(a->cmd, key);
		if (!opt)
			return ARGP_ERR_UNKNOWN;
		return parse_one(common->ctx, opt, arg, a->opts);
	}
}

error_t xw_opts_unpin_alone(struct xw_ctx *ctx, bool unpin, bool mode_given,
			    size_t n_ports)
{
	if (!unpin || !(mode_given || n_ports))
		return 0;
	xw_fail(ctx, XW_EXIT_USAGE, 0, "--unpin",
		"takes no --mode or --pass-port");
	return EINVAL;
}

int xw_cmd_require_caps(struct xw_ctx *ctx, const struct xw_cmd *cmd,
			const void *opts)
{
	const struct xw_common_opts *common = opts;
	struct xw_caps_need needs[XW_MAX_OPTION_CAPS + 2];
	size_t n = 0;

	if (common->netns && cmd->netns_caps_first)
		needs[n++] = XW_CAPS_NETNS;
	if (cmd->need.caps)
		needs[n++] = cmd->need;
	if (cmd->caps)
		n += cmd->caps(opts, needs + n);
	if (common->netns && !cmd->netns_caps_first)
		needs[n++] = XW_CAPS_NETNS;
	return xw_caps_require(ctx, needs, n);
}

void xw_cmd_argp_build(struct xw_cmd_argp *a, const struct xw_cmd *cmd,
		       void *opts)
{
	const struct xw_option *opt;
	size_t i;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->opts = opts;
	for (i = 0, opt = cmd->options; opt && opt->name; i++, opt++) {
		assert(i < XW_MAX_CMD_OPTIONS);
		a->argp_options[i] = (struct argp_option){
			.name = opt->name,
			.key = KEY_OF_INDEX(i),
			.arg = opt->metavar,
			.doc = opt->help,
		};
	}
	a->children[0] = (struct argp_child){
		.argp = cmd->target ?: &xw_target_argp,
		.header = "Target:",
		.group = 1,
	};
	a->children[1] = (struct argp_child){
		.argp = cmd->output ?: &xw_output_argp,
		.header = "Output:",
		.group = 2,
	};
	a->children[2] =
		(struct argp_child){ .argp = &xw_help_argp, .group = -1 };
	a->argp = (struct argp){
		.options = a->argp_options,
		.parser = parse_cmd,
		.doc = cmd->doc,
		.children = a->children,
		.help_filter = xw_help_filter,
	};
}

/*
 * Runs a subcommand.  A dry run (xdpwire __parse) stops after the options
 * were parsed and checked against the command table: it touches nothing,
 * so the tests can hold every example in the help and the man pages to
 * the parser.
 */
int xw_cmd_run(const struct xw_cmd *cmd, char *argv0, int argc, char **argv,
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

int xw_top_error(const char *object, const char *what)
{
	char safe[256];

	xw_escape(object, strnlen(object, 64), safe, sizeof(safe));
	fprintf(stderr, "xdpwire: %s%s%s (see 'xdpwire --help')\n", safe,
		*object ? ": " : "", what);
	return XW_EXIT_USAGE;
}
