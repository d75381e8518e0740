/* The subcommands, as the command table in xdpwire.c sees them. */
#ifndef XW_CMDS_H
#define XW_CMDS_H

#include <argp.h>
#include <stddef.h>

struct xw_ctx;

/* How the dispatcher parses a subcommand's options into a fresh struct. */
struct xw_cmd_parser {
	const struct argp *argp;
	size_t opts_size;
	const void *defaults; /* begins with struct xw_common_opts */
	/*
	 * Refuses the run (exit 77) when the effective capabilities cannot
	 * do what these options ask, before anything is touched.
	 */
	int (*caps)(struct xw_ctx *ctx, const void *opts);
};

struct xw_cmd {
	const char *name;
	const char *synopsis;
	const struct xw_cmd_parser *parser;
	int (*run)(struct xw_ctx *ctx, void *opts);
	unsigned int needs; /* XW_NEEDS_* of cli.h */
};

extern const struct xw_cmd xw_cmds[];
const struct xw_cmd *xw_cmd_find(const char *name);

extern const struct xw_cmd_parser redirect_install_parser;
int cmd_redirect_install(struct xw_ctx *ctx, void *opts);

extern const struct xw_cmd_parser tunnel_install_parser;
int cmd_tunnel_install(struct xw_ctx *ctx, void *opts);

extern const struct xw_cmd_parser scrape_parser;
int cmd_scrape(struct xw_ctx *ctx, void *opts);

extern const struct xw_cmd_parser sockmap_insert_parser;
int cmd_sockmap_insert(struct xw_ctx *ctx, void *opts);

extern const struct xw_cmd_parser status_parser;
int cmd_status(struct xw_ctx *ctx, void *opts);

extern const struct xw_cmd_parser pin_gc_parser;
int cmd_pin_gc(struct xw_ctx *ctx, void *opts);

/* Hidden: what completion and the help/man/completion sync test read. */
int cmd_complete(int argc, char **argv);

#endif /* XW_CMDS_H */
