/* The subcommands, as the command table in xdpwire.c sees them. */
#ifndef XW_CMDS_H
#define XW_CMDS_H

#include "cli/command.h"

struct xw_ctx;

/* The table, NULL-terminated, and a lookup by exact name. */
extern const struct xw_cmd *const xw_cmds[];
const struct xw_cmd *xw_cmd_find(const char *name);

/* What each command runs, once the dispatcher has prepared its target. */
int cmd_redirect_install(struct xw_ctx *ctx, void *opts);
int cmd_tunnel_install(struct xw_ctx *ctx, void *opts);
int cmd_scrape(struct xw_ctx *ctx, void *opts);
int cmd_sockmap_insert(struct xw_ctx *ctx, void *opts);
int cmd_status(struct xw_ctx *ctx, void *opts);
int cmd_verify(struct xw_ctx *ctx, void *opts);
int cmd_pin_gc(struct xw_ctx *ctx, void *opts);
int cmd_check(struct xw_ctx *ctx, void *opts);

/* Hidden: what completion and the help/man/completion sync test read. */
int cmd_complete(int argc, char **argv);

#endif /* XW_CMDS_H */
