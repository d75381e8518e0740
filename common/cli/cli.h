/*
 * What every subcommand's command line shares: the target options
 * (--device, --device-idx, --netns, --bpffs), the output options (-j, -p,
 * -v, -q), help and version, a strict pre-scan of argv, and the
 * preconditions the dispatcher establishes before a subcommand runs.  A
 * command takes only the shared options that mean something to it: the
 * others are refused as unknown, never silently accepted.
 */
#ifndef XW_CLI_H
#define XW_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/parse.h"
#include "pins/target.h"

struct xw_ctx;

#define XW_DEFAULT_BPFFS "/sys/fs/bpf"

/* Every subcommand's options struct starts with this. */
struct xw_common_opts {
	struct xw_ctx *ctx;
	const char *device;
	uint32_t device_idx;
	int devices_given;
	const char *bpffs;
	const char *netns;
	/* --netns names a peer's namespace; the work is done here. */
	bool netns_is_peer;
	/* Resolved by xw_prepare(), released by xw_common_release(). */
	struct xw_target target;
};

/*
 * Where the keys of an argp written by hand may start (tests/unit): the
 * shared children's are cli.c's own, and a command's come from its table.
 */
#define XW_KEY_CMD_BASE 0x200

/* --device, --device-idx, --netns, --bpffs */
extern const struct argp xw_target_argp;
/* The same without --bpffs, for a command that touches no pins. */
extern const struct argp xw_target_nopins_argp;
/* -j, -p, -v, -q */
extern const struct argp xw_output_argp;
/* The same without -q, for a command that changes nothing. */
extern const struct argp xw_output_noquiet_argp;
/* -h (-?), --help, --usage, -V, --version; argp's own are turned off. */
extern const struct argp xw_help_argp;

/* argp_parse() flags for a subcommand: help comes from xw_help_argp. */
#define XW_ARGP_FLAGS ARGP_NO_HELP

/* A command's children: the target and output options it takes, and help. */
/* clang-format off */
#define XW_CHILDREN(target, output)			\
	{ &(target), 0, "Target:", 1 },			\
	{ &(output), 0, "Output:", 2 },			\
	{ &xw_help_argp, 0, NULL, -1 }
/* clang-format on */

#define XW_COMMON_CHILDREN XW_CHILDREN(xw_target_argp, xw_output_argp)

void xw_common_defaults(struct xw_common_opts *c, struct xw_ctx *ctx);

/* For a subcommand parser's ARGP_KEY_INIT: every child gets c. */
void xw_common_init_children(struct argp_state *state,
			     struct xw_common_opts *c);

/*
 * Checks argv against argp's option tree before argp sees it: exact names
 * only (getopt would take --dev for --device, and a new option could change
 * what an abbreviation in somebody's script means), every value present, no
 * stray arguments.  Records a usage failure with one line per problem.
 */
int xw_argv_check(struct xw_ctx *ctx, const struct argp *argp, int argc,
		  char **argv);

/* Preconditions a command-table row can ask for. */
#define XW_NEEDS_DEVICE 0x1 /* exactly one of --device and --device-idx */
#define XW_NEEDS_BPFFS 0x2 /* the bpffs root, opened and checked */
#define XW_BPFFS_IF_DEVICE 0x4 /* the bpffs root, when a device names pins */
#define XW_DEVICE_MAY_BE_GONE 0x8 /* --device NAME may be deleted: ifindex 0 */

/* What the command table asks of the options alone; touches nothing. */
int xw_check_needs(struct xw_ctx *ctx, const struct xw_common_opts *c,
		   unsigned int needs);
/* Resolves c's target options into c->target, as needs asks. */
int xw_prepare(struct xw_ctx *ctx, struct xw_common_opts *c,
	       unsigned int needs);
void xw_common_release(struct xw_common_opts *c);

/* Calls fn for every option of argp and its children. */
void xw_argp_for_each_option(const struct argp *argp,
			     void (*fn)(const struct argp_option *opt,
					void *data),
			     void *data);

/* help_filter for every subcommand: appends the exit codes. */
char *xw_help_filter(int key, const char *text, void *input);

#endif /* XW_CLI_H */
