/*
 * The installers' command flows (install, --unpin, and what they report),
 * shared by redirect-install and tunnel-install.
 */
#ifndef XW_INSTALL_CMD_H
#define XW_INSTALL_CMD_H

#include "install.h"

struct xw_common_opts;
struct xw_ctx;

/* Locks the device's pin directory (creating it) and applies the request. */
int xw_install_run(struct xw_ctx *ctx, struct xw_common_opts *c,
		   struct xw_install *in, struct xw_install_result *res);

/* --unpin: removes layout's install and the directory if left empty. */
int xw_install_unpin(struct xw_ctx *ctx, struct xw_common_opts *c,
		     const struct xw_layout *layout);

/* The pin directory of the device, relative to the bpffs root. */
int xw_device_pindir(struct xw_ctx *ctx, struct xw_common_opts *c,
		     unsigned int flags, struct xw_pindir *dir);

#endif /* XW_INSTALL_CMD_H */
