/*
 * The installers' command flows (install, --unpin, and what they report),
 * shared by redirect-install and tunnel-install.
 */
#ifndef XW_INSTALL_CMD_H
#define XW_INSTALL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"
#include "inspect/kinds.h"
#include "install/install.h"
#include "pins/xdp_mode.h"

struct xw_ctx;
struct xw_target;

/* Locks the device's pin directory (creating it) and applies the request. */
int xw_install_run(struct xw_ctx *ctx, const struct xw_target *t,
		   struct xw_install *in, struct xw_install_result *res);

/* --unpin: removes layout's install and the directory if left empty. */
int xw_install_unpin(struct xw_ctx *ctx, const struct xw_target *t,
		     const struct xw_layout *layout);

/* What an installer command asks for its device's install. */
struct xw_installer_request {
	const uint16_t *ports; /* pass ports; none: the program's default */
	size_t n_ports;
	enum xw_xdp_mode mode;
	bool unpin; /* remove the install instead */
	/*
	 * Tunnel host: --max-sandboxes, --max-addresses (0: not given; a
	 * re-run keeps the pinned sizes, a different given size is refused).
	 */
	uint32_t max_sandboxes;
	uint32_t max_addresses;
};

/*
 * An installer's whole run for program on t->dev: with req->unpin, removes
 * its install; else opens the program as asked and installs it, reporting
 * its pass ports and, for a per-queue map, the queues it covers.
 */
int xw_install_program(struct xw_ctx *ctx, const struct xw_target *t,
		       const struct xw_program *program,
		       const struct xw_installer_request *req);

/* The pin directory of the device, relative to the bpffs root. */
int xw_device_pindir(struct xw_ctx *ctx, const struct xw_target *t,
		     unsigned int flags, struct xw_pindir *dir);

#endif /* XW_INSTALL_CMD_H */
