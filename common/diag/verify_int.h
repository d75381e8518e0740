/*
 * verify's pieces (verify_prog.c, verify_model.c, verify_state.c) and what
 * they share while one install is verified.
 */
#ifndef XW_VERIFY_INT_H
#define XW_VERIFY_INT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "bpf/xw_abi.h"
#include "diag/verify.h"
#include "diag/verify_run.h"

struct xw_sandbox_list;

/* Queues verify looks at, at most: an XSKMAP's slots beyond are not run. */
#define XW_VERIFY_MAX_QUEUES 64

/* What verify learnt of a redirect install's queue from its udp4 probe. */
enum xw_vslot {
	XW_VSLOT_UNKNOWN,
	XW_VSLOT_EMPTY,
	XW_VSLOT_FILLED,
};

struct xw_vinstall {
	struct xw_ctx *ctx;
	const struct xw_pindir *dir;
	struct xw_found_dir *d;
	struct xw_found_install *in;
	const struct xw_verify_opts *o;
	struct xw_verify_group *g;
	const char *esc_dev; /* the device's name, escaped */
	uint32_t ifindex;
	struct xw_vprog prog; /* the attached program, fd -1 if none */
	uint32_t prog_id;
	/* The pass ports the model expects, and the program's own. */
	uint16_t ports[XW_MAX_PASS_PORTS];
	size_t n_ports;
	bool have_prog_ports;
	uint16_t prog_ports[XW_MAX_PASS_PORTS];
	size_t n_prog_ports;
	uint16_t other_port; /* a port that is no pass port */
	/* redirect: its queues, and what each slot's probe told. */
	uint32_t n_queues;
	enum xw_vslot slot[XW_VERIFY_MAX_QUEUES];
	/* tunnel: slot 0 of the targets map, 0 if empty. */
	uint32_t slot0;
	char slot0_name[IF_NAMESIZE];
	/* frames that failed, for the sandboxes' findings */
	size_t frames_failed;
};

/*
 * The program the device runs, against the install's: the link,
 * program and config findings; leaves v->prog.fd -1 when nothing runs.
 */
int xw_verify_program(struct xw_vinstall *v);

/* The frames, each run and judged: the frame findings. */
int xw_verify_frames(struct xw_vinstall *v);

/* The state findings: queues, slot 0, sandboxes. */
int xw_verify_state(struct xw_vinstall *v);

/*
 * redirect-errors: the drivers' error and drop counters of the device and
 * its targets since the last run (verify_errors.c).
 */
int xw_verify_errors(struct xw_vinstall *v);

/* "22, 2222" into buf. */
void xw_ports_str(const uint16_t *ports, size_t n, char *buf, size_t size);

#endif /* XW_VERIFY_INT_H */
