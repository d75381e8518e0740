/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The redirect XDP program loaded for BPF_PROG_TEST_RUN, once per pass-port
 * configuration, and expect(): run one frame, check the verdict by the
 * exact change of every per-CPU counter.  No socket is in the XSKMAP, so a
 * frame the program would forward comes back as XDP_PASS counted under
 * NO_TARGET.  A program that cannot load fails every test that needs it,
 * never skips it.  Include after <cmocka.h>.
 */
#ifndef XW_REDIRECT_FIXTURE_H
#define XW_REDIRECT_FIXTURE_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/xw_abi.h"
#include "install/passcfg.h"
#include "redirect.skel.h"
#include "xw_frame.h"

enum which { P_DEFAULT, P_CUSTOM, P_FULL, P_COUNT };

struct prog {
	const char *name;
	struct redirect_bpf *skel;
	int err;
};

struct fixture {
	struct prog p[P_COUNT];
	int ncpus;
	uint64_t *percpu;
};

static const uint16_t custom_ports[] = { 8080, 2222 };
/* Every slot used: the last one must still be looked at. */
static const uint16_t full_ports[XW_MAX_PASS_PORTS] = {
	1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007,
	1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015,
};

/* Open, configure as common/install/request.c does, load. */
static inline void xw_load(struct prog *p, const char *name,
			   const uint16_t *ports, size_t n)
{
	const void *elf;
	size_t size;

	p->name = name;
	p->skel = redirect_bpf__open();
	if (!p->skel) {
		p->err = -errno;
		return;
	}
	elf = redirect_bpf__elf_bytes(&size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&p->skel->rodata->cfg, ports, n,
			 elf, size);
	p->err = redirect_bpf__load(p->skel);
	if (p->err) {
		redirect_bpf__destroy(p->skel);
		p->skel = NULL;
	}
}

static inline int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->ncpus = libbpf_num_possible_cpus();
	if (fx->ncpus > 0)
		fx->percpu = calloc(fx->ncpus, sizeof(uint64_t));
	xw_load(&fx->p[P_DEFAULT], "default (22)", NULL, 0);
	xw_load(&fx->p[P_CUSTOM], "2222+8080", custom_ports, 2);
	xw_load(&fx->p[P_FULL], "1000..1015", full_ports, XW_MAX_PASS_PORTS);
	*state = fx;
	return 0;
}

static inline int group_teardown(void **state)
{
	struct fixture *fx = *state;
	int i;

	for (i = 0; i < P_COUNT; i++)
		redirect_bpf__destroy(fx->p[i].skel);
	free(fx->percpu);
	free(fx);
	return 0;
}

/* The loaded program, or a failure saying why there is none. */
static inline struct prog *use(void **state, enum which w)
{
	struct fixture *fx = *state;
	struct prog *p = &fx->p[w];

	if (fx->ncpus <= 0 || !fx->percpu)
		fail_msg("cannot size per-CPU values: %d", fx->ncpus);
	if (!p->skel)
		fail_msg("program %s did not load: %s", p->name,
			 strerror(-p->err));
	return p;
}

/* Each counter summed over all CPUs. */
static inline void read_counters(struct fixture *fx, struct prog *p,
				 uint64_t out[XW_CNT_MAX])
{
	int fd = bpf_map__fd(p->skel->maps.counters);
	uint32_t key;
	int cpu;

	for (key = 0; key < XW_CNT_MAX; key++) {
		assert_int_equal(bpf_map_lookup_elem(fd, &key, fx->percpu), 0);
		out[key] = 0;
		for (cpu = 0; cpu < fx->ncpus; cpu++)
			out[key] += fx->percpu[cpu];
	}
}

static const char *const counter_names[XW_CNT_MAX] = {
	[XW_CNT_FORWARDED] = "FORWARDED",
	[XW_CNT_PASS_PORT] = "PASS_PORT",
	[XW_CNT_NO_TARGET] = "NO_TARGET",
	[XW_CNT_MALFORMED] = "MALFORMED",
};

/* Runs f once through program w: XDP_PASS and exactly counter want +1. */
static inline void expect(void **state, enum which w, const struct frame *f,
			  enum xw_counter want)
{
	struct prog *p = use(state, w);
	int fd = bpf_program__fd(p->skel->progs.xw_redirect);
	uint64_t before[XW_CNT_MAX], after[XW_CNT_MAX];
	struct bpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = f->b,
		.data_size_in = (uint32_t)f->len,
		.repeat = 1,
	};
	int i;

	read_counters(*state, p, before);
	assert_int_equal(bpf_prog_test_run_opts(fd, &opts), 0);
	read_counters(*state, p, after);
	for (i = 0; i < XW_CNT_MAX; i++)
		if (after[i] - before[i] != (uint64_t)(i == (int)want))
			fail_msg("%s, %zu-byte frame: %s +%llu, want %s +1",
				 p->name, f->len, counter_names[i],
				 (unsigned long long)(after[i] - before[i]),
				 counter_names[want]);
	assert_int_equal(opts.retval, XDP_PASS);
}

#endif /* XW_REDIRECT_FIXTURE_H */
