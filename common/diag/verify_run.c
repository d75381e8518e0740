/* verify's runner; see verify_run.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/xw_abi.h"
#include "diag/verify_frames.h"
#include "diag/verify_run.h"

int xw_vprog_init(struct xw_vprog *p, int fd, int counters_fd, uint32_t ifindex)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->counters_fd = counters_fd;
	p->ifindex = ifindex;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0)
		return p->ncpus ?: -EINVAL;
	p->percpu = calloc(p->ncpus, sizeof(*p->percpu));
	return p->percpu ? 0 : -ENOMEM;
}

void xw_vprog_free(struct xw_vprog *p)
{
	free(p->percpu);
	p->percpu = NULL;
}

/* Each counter summed over the CPUs; false if one cannot be read. */
static bool read_counters(const struct xw_vprog *p, uint64_t out[XW_CNT_MAX])
{
	uint32_t key;
	int cpu;

	if (p->counters_fd < 0)
		return false;
	for (key = 0; key < XW_CNT_MAX; key++) {
		if (bpf_map_lookup_elem(p->counters_fd, &key, p->percpu))
			return false;
		out[key] = 0;
		for (cpu = 0; cpu < p->ncpus; cpu++)
			out[key] += p->percpu[cpu];
	}
	return true;
}

static int reason_of(const uint64_t before[XW_CNT_MAX],
		     const uint64_t after[XW_CNT_MAX])
{
	int k, reason = XW_REASON_UNKNOWN;

	for (k = 0; k < XW_CNT_MAX; k++) {
		uint64_t d = after[k] - before[k];

		if (!d)
			continue;
		if (d != 1 || reason != XW_REASON_UNKNOWN)
			return XW_REASON_UNKNOWN;
		reason = k;
	}
	return reason;
}

int xw_vprog_run(const struct xw_vprog *p, const struct xw_vframe *f,
		 uint32_t queue, struct xw_vverdict *v)
{
	struct xdp_md ctx = {
		.data_end = f->len,
		.ingress_ifindex = p->ifindex,
		.rx_queue_index = queue,
	};
	uint8_t out[sizeof(f->b)];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->b,
		    .data_size_in = f->len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	uint64_t before[XW_CNT_MAX], after[XW_CNT_MAX];
	bool counted;

	counted = read_counters(p, before);
	if (bpf_prog_test_run_opts(p->fd, &opts))
		return -errno;
	v->action = opts.retval;
	v->reason = XW_REASON_UNKNOWN;
	if (counted && read_counters(p, after))
		v->reason = reason_of(before, after);
	return 0;
}

const char *xw_xdp_action_name(uint32_t action)
{
	switch (action) {
	case XDP_ABORTED:
		return "aborted";
	case XDP_DROP:
		return "drop";
	case XDP_PASS:
		return "pass";
	case XDP_TX:
		return "tx";
	case XDP_REDIRECT:
		return "redirect";
	}
	return "unknown action";
}

const char *xw_reason_name(int reason)
{
	switch (reason) {
	case XW_CNT_FORWARDED:
		return "forwarded";
	case XW_CNT_PASS_PORT:
		return "pass port";
	case XW_CNT_NO_TARGET:
		return "no target";
	case XW_CNT_MALFORMED:
		return "malformed";
	}
	return "reason unknown";
}
