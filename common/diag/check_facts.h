/*
 * What check reads of the device and, for a veth, of its other end,
 * once, before judging it: the checks (check_*.c) only reason over these.
 * A fact that could not be read has its err set, and the check that needs
 * it says so instead of guessing.
 */
#ifndef XW_CHECK_FACTS_H
#define XW_CHECK_FACTS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag/check.h"
#include "net/ethtool.h"
#include "net/netlink.h"
#include "pins/bpffs.h"
#include "pins/xdp.h"

struct xw_findings;
struct xw_layout;

/* One end: the device, or the veth peer. */
struct xw_check_end {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	uint32_t mtu;
	int mtu_err;
	bool gro;
	int gro_err;
	struct xw_xdp_state xdp;
	int xdp_err;
	struct xw_channels ch;
	int ch_err;
};

struct xw_check_facts {
	const struct xw_check_request *req;
	struct xw_netdev nd; /* kind, RX queues, IFLA_LINK */
	struct xw_check_end dev;
	uint64_t features;
	int features_err; /* -ENOENT: the kernel does not report them */
	struct xw_channels ch;
	int ch_err;
	bool veth;
	/* A veth's other end; peer_err when it could not be looked at. */
	struct xw_check_end peer;
	int peer_err;
	char peer_where[64]; /* "" (here) or " (netns id N)" */
	/* The bpffs root (fd -1 when unusable, fs_why saying why). */
	struct xw_bpffs fs;
	char fs_why[512];
	int fs_exit; /* the exit code an install would meet there */
	/* xdpwire's own install whose link holds the attached program. */
	const struct xw_layout *own;
	uint32_t own_link_id;
	bool sandbox_veth; /* DEV carries xdpwire's tunnel veth link pin */
};

/* Reads every fact; -errno only when the run cannot go on (recorded). */
int xw_check_facts_read(struct xw_ctx *ctx, const struct xw_check_request *req,
			struct xw_check_facts *fx);

/*
 * Runs fn(arg) in the namespace of the veth's peer (entered and left
 * again: CAP_SYS_ADMIN); fn's return, or -errno when it cannot be
 * entered (recorded only when this process could not come back).
 */
int xw_check_in_peer_ns(struct xw_ctx *ctx, const struct xw_check_facts *fx,
			int (*fn)(void *arg), void *arg);

/*
 * Opens the bpffs root (quietly: the bpffs check reports it) and finds
 * xdpwire's installs on the device there; close with xw_check_facts_free.
 */
int xw_check_pins_read(struct xw_check_facts *fx);
void xw_check_facts_free(struct xw_check_facts *fx);

/* The checks, each adding its findings; -ENOMEM or a recorded failure. */
int xw_check_device(struct xw_ctx *ctx, const struct xw_check_facts *fx,
		    struct xw_findings *f);
int xw_check_queues(struct xw_ctx *ctx, struct xw_check_facts *fx,
		    struct xw_findings *f);
int xw_check_peer(struct xw_ctx *ctx, const struct xw_check_facts *fx,
		  struct xw_findings *f);
int xw_check_host(struct xw_ctx *ctx, struct xw_check_facts *fx,
		  struct xw_findings *f);

#endif /* XW_CHECK_FACTS_H */
