/*
 * verify's runner: one frame through a loaded XDP program with
 * BPF_PROG_TEST_RUN (repeat 1, no live frames: nothing is sent), with the
 * program's reason read as the move of the install's per-CPU counters.
 */
#ifndef XW_VERIFY_RUN_H
#define XW_VERIFY_RUN_H

#include <stdint.h>

struct xw_vframe;

/* The reason an XW_CNT_* counter gives, or this when none can be told. */
#define XW_REASON_UNKNOWN (-1)

struct xw_vprog {
	int fd; /* the program the device runs */
	int counters_fd; /* the install's pinned counters, -1 if none */
	uint32_t ifindex; /* ctx.ingress_ifindex */
	int ncpus;
	uint64_t *percpu; /* ncpus values, for the counters' reads */
};

struct xw_vverdict {
	uint32_t action; /* XDP_PASS, XDP_REDIRECT... */
	/*
	 * The counter that moved by exactly one while the frame ran, all
	 * others still: XW_REASON_UNKNOWN when traffic moved more (or the
	 * program counts nothing), never a guess.
	 */
	int reason;
};

/* Sizes p's per-CPU buffer; -errno. */
int xw_vprog_init(struct xw_vprog *p, int fd, int counters_fd,
		  uint32_t ifindex);
void xw_vprog_free(struct xw_vprog *p);

/* Runs f through p as received on queue; -errno from the kernel. */
int xw_vprog_run(const struct xw_vprog *p, const struct xw_vframe *f,
		 uint32_t queue, struct xw_vverdict *v);

/* "pass", "redirect", "drop"...; "forwarded", "no target"... */
const char *xw_xdp_action_name(uint32_t action);
const char *xw_reason_name(int reason);

#endif /* XW_VERIFY_RUN_H */
