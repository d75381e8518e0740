/*
 * The health of the installs in one pin directory, as status shows it and
 * pin-gc acts on it.  Everything is read, nothing is trusted and nothing is
 * changed: a pin of the wrong kind or a planted symlink is a finding, not
 * a failure.
 *
 *   ok      every pin there and right, the link attached to the named
 *           device and running the pinned program with the pinned maps;
 *   stale   the device is gone or the link detached from it; for a veth
 *           install of ours, also when the NIC in its slot 0 has no
 *           tunnel install (tunnel_host_link) or the slot is empty;
 *   broken  a pin missing or of the wrong type, or the program attached
 *           without our link pin;
 *   other-netns  the link is attached in another network namespace than
 *           the one judging, which could not be found to judge it there;
 *   foreign entries that belong to no install of ours.
 *
 * An install of the runtime's own (see xw_found_install.runtime) is ok
 * when its link is attached to the named device, stale when the device is
 * gone, broken otherwise.
 */
#ifndef XW_HEALTH_H
#define XW_HEALTH_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "bpf/xw_abi.h"
#include "inspect/found.h"
#include "inspect/kinds.h"

struct xw_ctx;
struct xw_pindir;

struct xw_found_dir {
	char device[IF_NAMESIZE]; /* the name the directory stands for */
	uint32_t ifindex; /* of that device now, 0 if there is none */
	bool checked; /* devices could be looked up (our namespace) */
	struct xw_found_install installs[XW_N_LAYOUTS];
	int n_installs;
	char (*foreign)[NAME_MAX + 1]; /* entries of no install of ours */
	int n_foreign;
	char (*temporary)[NAME_MAX + 1]; /* xw_tmp_* left by a crash */
	int n_temporary;
	/*
	 * The tunnel host install's sandboxes (sandboxes.h), listed and
	 * judged apart: they never change the install's own health.  NULL
	 * when there is none, or sandboxes_err says why (-ENOENT: it has no
	 * address tables; else the read's -errno).
	 */
	struct xw_sandbox_list *sandboxes;
	int sandboxes_err;
};

/*
 * Inspects the locked directory dir, which stands for device: its installs
 * and their health, its foreign and temporary entries.  With checked
 * false (a directory of another namespace) devices are not looked up and
 * only the link's own state counts.
 */
int xw_health_inspect(struct xw_ctx *ctx, const struct xw_pindir *dir,
		      const char *device, bool checked,
		      struct xw_found_dir *out);
void xw_health_free(struct xw_found_dir *d);

/*
 * For a directory inspected unchecked because its namespace could not be
 * found or entered: an install its pins and link cannot fault is not ok
 * either, only not judged; it becomes other-netns, for the reason why.
 */
void xw_health_unjudged(struct xw_found_dir *d, const char *why);

/* Whether an install's link is attached in another namespace. */
static inline bool xw_health_elsewhere(const struct xw_found_dir *d)
{
	int k;

	for (k = 0; k < d->n_installs; k++)
		if (d->installs[k].health == XW_HEALTH_OTHER_NETNS)
			return true;
	return false;
}

const char *xw_health_name(enum xw_health h);
const char *xw_gc_action_name(enum xw_gc_action a);

#endif /* XW_HEALTH_H */
