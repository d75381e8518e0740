/*
 * Which capabilities a command needs, decided before it does anything:
 * a run that lacks one is refused in one line naming it (exit 77), not
 * left to fail half-way with the kernel's EPERM and libbpf's verifier
 * dump.  The needs were measured per command and mode on the kernel the
 * man pages name (see their CAPABILITIES sections).
 */
#ifndef XW_CAPS_H
#define XW_CAPS_H

#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct xw_ctx;

#define XW_CAP(c) ((uint64_t)1 << (c))

/*
 * One need: all of caps, or else all of alt (0: no alternative).  The
 * kernel takes CAP_SYS_ADMIN for each of CAP_BPF, CAP_PERFMON and, in
 * program loads, CAP_NET_ADMIN: hence "CAP_SYS_ADMIN, or CAP_BPF with
 * ...".  why, for a need without alternative, says what needs it.
 */
struct xw_caps_need {
	uint64_t caps;
	uint64_t alt;
	const char *why;
};

/* Loading and attaching XDP programs whose verifier needs CAP_PERFMON. */
#define XW_CAPS_LOAD_PERFMON                                   \
	((struct xw_caps_need){ .caps = XW_CAP(CAP_SYS_ADMIN), \
				.alt = XW_CAP(CAP_BPF) |       \
				       XW_CAP(CAP_NET_ADMIN) | \
				       XW_CAP(CAP_PERFMON) })
/* Loading and attaching an XDP program the verifier takes with CAP_BPF. */
#define XW_CAPS_LOAD                                           \
	((struct xw_caps_need){ .caps = XW_CAP(CAP_SYS_ADMIN), \
				.alt = XW_CAP(CAP_BPF) |       \
				       XW_CAP(CAP_NET_ADMIN) })

/* --netns: setns(2) needs CAP_SYS_ADMIN, whatever the command. */
#define XW_CAPS_NETNS                                          \
	((struct xw_caps_need){ .caps = XW_CAP(CAP_SYS_ADMIN), \
				.why = "--netns enters a network namespace" })

/* Whether the effective set has cap (a CAP_* number); false if unknown. */
bool xw_has_cap(int cap);

/* The effective set as a mask of XW_CAP() bits; 0 if unknown. */
uint64_t xw_caps_effective(void);

/*
 * Checks the needs in order against the effective set; the first one not
 * met fails the run with exit 77 and one line: "missing capability
 * CAP_PERFMON (needs CAP_SYS_ADMIN, or CAP_BPF with CAP_NET_ADMIN and
 * CAP_PERFMON)".  Returns 0 when all are met.
 */
int xw_caps_require(struct xw_ctx *ctx, const struct xw_caps_need *needs,
		    size_t n);

/*
 * A kernel call refused late for lack of CAP_SYS_ADMIN, which the needs
 * above could not foresee (what is pinned decides): the same one line.
 */
int xw_caps_fail_sys_admin(struct xw_ctx *ctx, const char *why);

#endif /* XW_CAPS_H */
