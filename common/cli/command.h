/*
 * A declared subcommand.  It lists its own options in a table (name,
 * value, help, type, the field of its options struct), and one generic
 * argp parser reads them, as xdp-tools' DEFINE_OPTION tables do.  argp
 * still lays out --help and --usage, so the text stays argp's; the keys
 * argp needs come from the table index, never from a list kept by hand.
 * The shared target, output and help options stay cli.h's children.  One
 * struct xw_cmd per command says the rest: its help, the capabilities it
 * needs, what it runs and what the dispatcher prepares for it.
 */
#ifndef XW_COMMAND_H
#define XW_COMMAND_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/caps.h"
#include "pins/xdp_mode.h"

struct xw_ctx;

/* What a command's caps() may add, at most. */
#define XW_MAX_OPTION_CAPS 2

enum xw_opt_type {
	XW_OPT_FLAG, /* bool, true when given */
	XW_OPT_STRING, /* const char *, as given */
	XW_OPT_IFNAME, /* const char *, a valid device name */
	XW_OPT_U32, /* uint32_t in [min, max] */
	XW_OPT_FD, /* int, a descriptor number */
	XW_OPT_PID, /* int, a process id */
	XW_OPT_MODE, /* enum xw_xdp_mode, by its name */
	XW_OPT_PORTS, /* uint16_t[XW_MAX_PASS_PORTS], appended; size_t count */
	/*
	 * struct xw_ip[XW_MAX_SANDBOX_ADDRS], appended (a repeat of one
	 * address is dropped); size_t count.  xw_parse_ip()'s refusals.
	 */
	XW_OPT_ADDRS,
};

struct xw_option {
	const char *name;
	const char *metavar; /* NULL for a flag */
	const char *help;
	enum xw_opt_type type;
	size_t field; /* offsetof() in the command's options struct */
	/*
	 * offsetof() a bool set when the option is given (XW_OPT_PORTS,
	 * XW_OPT_ADDRS: a size_t count of the values).  0, the common
	 * part's ctx, is none.
	 */
	size_t given;
	/* A second time is refused (XW_OPT_IFNAME, XW_OPT_STRING). */
	bool once;
	/* What a value must be, for "'ARG' is not WHAT" (XW_OPT_U32...). */
	const char *what;
	uint32_t min, max; /* XW_OPT_U32 */
};

/*
 * One row of a command's table: the option's name and type, the field of
 * the options struct it sets, and further designated initialisers
 * (.metavar, .help, .given...).
 */
#define XW_OPTION(_name, _type, _struct, _field, ...)           \
	{                                                       \
		.name = (_name), .type = (_type),               \
		.field = offsetof(_struct, _field), __VA_ARGS__ \
	}

/* The installers' --mode: the same words for each. */
#define XW_OPTION_MODE(_struct)                                               \
	XW_OPTION("mode", XW_OPT_MODE, _struct, mode, .metavar = "MODE",      \
		  .help = "XDP mode: auto (native, else generic), native or " \
			  "generic (default: auto)",                          \
		  .given = offsetof(_struct, mode_given))

/* Options a subcommand declares, at most: more trips an assertion. */
#define XW_MAX_CMD_OPTIONS 16

/*
 * Cross-option checks once every option was read: 0, or EINVAL with the
 * failure recorded.  May complete the options from one another.
 */
typedef error_t (*xw_opts_check_fn)(struct xw_ctx *ctx, void *opts);

/* A subcommand, declared: one per cmd/ file, one row in xdpwire.c. */
struct xw_cmd {
	const char *name;
	const char *synopsis; /* its line in xdpwire --help */
	const char *doc; /* argp's: what it does, \v, examples */
	const struct xw_option *options; /* ends with a NULL name */
	/* The shared children it takes (cli.h); NULL: the full ones. */
	const struct argp *target;
	const struct argp *output;
	size_t opts_size; /* begins with struct xw_common_opts */
	const void *defaults;
	xw_opts_check_fn check; /* NULL: no cross-option rule */
	/* The capabilities every run needs (.caps 0: none), checked first. */
	struct xw_caps_need need;
	/*
	 * Those these options need besides, in the order they are checked:
	 * fills needs[XW_MAX_OPTION_CAPS], returns how many.  NULL: none.
	 */
	size_t (*caps)(const void *opts, struct xw_caps_need *needs);
	/* --netns's own need is checked after the others, or else before. */
	bool netns_caps_first;
	int (*run)(struct xw_ctx *ctx, void *opts);
	unsigned int needs; /* XW_NEEDS_* of cli.h */
};

/*
 * The members of xw_cmd_<id> that each cmd/<id>.c names alike: struct
 * <id>_opts with its options[] and defaults, and cmd_<id>().  The
 * definition adds .name, .synopsis, .doc, .needs, and what it needs of
 * .check, .need and .caps.
 */
#define XW_CMD_PARTS(id)                                           \
	.options = options, .opts_size = sizeof(struct id##_opts), \
	.defaults = &defaults, .run = cmd_##id

/* An install's --unpin with --mode or --pass-port: EINVAL, recorded. */
error_t xw_opts_unpin_alone(struct xw_ctx *ctx, bool unpin, bool mode_given,
			    size_t n_ports);

/*
 * Refuses the run (exit 77) when the effective capabilities cannot do what
 * cmd with these options asks, before anything is touched.
 */
int xw_cmd_require_caps(struct xw_ctx *ctx, const struct xw_cmd *cmd,
			const void *opts);

/* What argp_parse() needs for one command, built from its table. */
struct xw_cmd_argp {
	struct argp argp;
	struct argp_option argp_options[XW_MAX_CMD_OPTIONS + 1];
	struct argp_child children[4];
	const struct xw_cmd *cmd;
	void *opts;
};

/*
 * Fills a for parsing cmd's options into opts (may be NULL to only read
 * the options): argp_parse(&a->argp, argc, argv, XW_ARGP_FLAGS, NULL, a).
 */
void xw_cmd_argp_build(struct xw_cmd_argp *a, const struct xw_cmd *cmd,
		       void *opts);

/*
 * Runs cmd with argv (argv[0] is replaced by argv0, the name argp's usage
 * lines show): parse, check, require capabilities, prepare the target,
 * run, report.  A dry run (xdpwire __parse) stops after the options were
 * parsed and checked: it touches nothing.  Returns the exit code.
 */
int xw_cmd_run(const struct xw_cmd *cmd, char *argv0, int argc, char **argv,
	       bool dry);

/* A usage error of xdpwire's own command line: one line, exit 64. */
int xw_top_error(const char *object, const char *what);

#endif /* XW_COMMAND_H */
