// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tunnel XDP programs through BPF_PROG_TEST_RUN.  tunnel host keeps TCP
 * to a pass port and malformed frames for the kernel and forwards the rest
 * to slot 0 of its DEVMAP, or passes them while the slot is empty; tunnel
 * veth forwards everything.  The slot is filled with loopback (ifindex 1,
 * present in every namespace): a test run does not transmit, it returns
 * XDP_REDIRECT.  Each verdict is checked by its return value and by the
 * exact change of every per-CPU counter.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/owner_table.h"
#include "bpf/xw_abi.h"
#include "install/passcfg.h"
#include "tunnel_host.skel.h"
#include "tunnel_veth.skel.h"
#include "xw_frame.h"

#define LOOPBACK_IFINDEX 1u

struct fixture {
	struct tunnel_host_bpf *host;
	struct tunnel_veth_bpf *veth;
	int ncpus;
	uint64_t *percpu;
};

/* The program's file descriptors, its counters and DEVMAP. */
struct prog {
	int prog_fd, counters_fd, map_fd;
};

static int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const void *elf;
	size_t size;

	if (!fx)
		return -1;
	*state = fx;
	fx->ncpus = libbpf_num_possible_cpus();
	if (fx->ncpus <= 0)
		return -1;
	fx->percpu = calloc(fx->ncpus, sizeof(uint64_t));
	fx->host = tunnel_host_bpf__open();
	fx->veth = tunnel_veth_bpf__open();
	if (!fx->percpu || !fx->host || !fx->veth)
		return -1;
	/* Configured as the loader does: the default pass port, 22. */
	elf = tunnel_host_bpf__elf_bytes(&size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&fx->host->rodata->cfg, NULL, 0,
			 elf, size);
	if (tunnel_host_bpf__load(fx->host) || tunnel_veth_bpf__load(fx->veth))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *fx = *state;

	tunnel_host_bpf__destroy(fx->host);
	tunnel_veth_bpf__destroy(fx->veth);
	free(fx->percpu);
	free(fx);
	return 0;
}

static struct prog host_prog(void **state)
{
	struct fixture *fx = *state;

	return (struct prog){
		bpf_program__fd(fx->host->progs.xw_tunnel_host),
		bpf_map__fd(fx->host->maps.counters),
		bpf_map__fd(fx->host->maps.dev_map),
	};
}

static struct prog veth_prog(void **state)
{
	struct fixture *fx = *state;

	return (struct prog){
		bpf_program__fd(fx->veth->progs.xw_tunnel_veth),
		bpf_map__fd(fx->veth->maps.counters),
		bpf_map__fd(fx->veth->maps.dev_map),
	};
}

static void slot(const struct prog *p, uint32_t ifindex)
{
	uint32_t key = 0;

	if (ifindex)
		assert_int_equal(bpf_map_update_elem(p->map_fd, &key, &ifindex,
						     BPF_ANY),
				 0);
	else if (bpf_map_delete_elem(p->map_fd, &key))
		assert_int_equal(errno, ENOENT);
}

static void read_counters(void **state, const struct prog *p,
			  uint64_t out[XW_CNT_MAX])
{
	struct fixture *fx = *state;
	uint32_t key;
	int cpu;

	for (key = 0; key < XW_CNT_MAX; key++) {
		assert_int_equal(bpf_map_lookup_elem(p->counters_fd, &key,
						     fx->percpu),
				 0);
		out[key] = 0;
		for (cpu = 0; cpu < fx->ncpus; cpu++)
			out[key] += fx->percpu[cpu];
	}
}

/* Runs f once: the verdict is action, and only counter want moved, by 1. */
static void expect(void **state, const struct prog *p, const struct frame *f,
		   uint32_t action, enum xw_counter want)
{
	uint64_t before[XW_CNT_MAX], after[XW_CNT_MAX];
	struct bpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = f->b,
		.data_size_in = (uint32_t)f->len,
		.repeat = 1,
	};
	int i;

	read_counters(state, p, before);
	assert_int_equal(bpf_prog_test_run_opts(p->prog_fd, &opts), 0);
	read_counters(state, p, after);
	for (i = 0; i < XW_CNT_MAX; i++)
		if (after[i] - before[i] != (uint64_t)(i == (int)want))
			fail_msg("counter %d moved by %llu, want counter %d +1",
				 i, (unsigned long long)(after[i] - before[i]),
				 want);
	assert_int_equal(opts.retval, action);
}

static void udp4_frame(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	eth(f, ETHERTYPE_IP);
	ipv4(f, IPPROTO_UDP, 5, 0);
	udp(f, 40000, 9999);
}

static void test_host_forwards_to_the_slot(void **state)
{
	struct prog p = host_prog(state);
	struct frame f;

	slot(&p, LOOPBACK_IFINDEX);
	udp4_frame(&f);
	expect(state, &p, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	memset(&f, 0, sizeof(f));
	tcp6(&f, 80);
	expect(state, &p, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
}

static void test_host_keeps_ssh(void **state)
{
	struct prog p = host_prog(state);
	struct frame f;

	slot(&p, LOOPBACK_IFINDEX);
	memset(&f, 0, sizeof(f));
	tcp4(&f, 22);
	expect(state, &p, &f, XDP_PASS, XW_CNT_PASS_PORT);
	memset(&f, 0, sizeof(f));
	tcp6(&f, 22);
	expect(state, &p, &f, XDP_PASS, XW_CNT_PASS_PORT);
}

static void test_host_passes_malformed(void **state)
{
	struct prog p = host_prog(state);
	struct frame f;

	slot(&p, LOOPBACK_IFINDEX);
	udp4_frame(&f);
	f.len = f.l3 + 10; /* half an IPv4 header */
	expect(state, &p, &f, XDP_PASS, XW_CNT_MALFORMED);
}

static void test_host_empty_slot_passes(void **state)
{
	struct prog p = host_prog(state);
	struct frame f;

	slot(&p, 0);
	udp4_frame(&f);
	expect(state, &p, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

/* The sandbox's frames all leave: a TCP/22 from inside is its own. */
static void test_veth_forwards_everything(void **state)
{
	struct prog p = veth_prog(state);
	struct frame f;

	slot(&p, LOOPBACK_IFINDEX);
	memset(&f, 0, sizeof(f));
	tcp4(&f, 22);
	expect(state, &p, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
	udp4_frame(&f);
	f.len = f.l3 + 10;
	expect(state, &p, &f, XDP_REDIRECT, XW_CNT_FORWARDED);
}

static void test_veth_empty_slot_passes(void **state)
{
	struct prog p = veth_prog(state);
	struct frame f;

	slot(&p, 0);
	udp4_frame(&f);
	expect(state, &p, &f, XDP_PASS, XW_CNT_NO_TARGET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_forwards_to_the_slot),
		cmocka_unit_test(test_host_keeps_ssh),
		cmocka_unit_test(test_host_passes_malformed),
		cmocka_unit_test(test_host_empty_slot_passes),
		cmocka_unit_test(test_veth_forwards_everything),
		cmocka_unit_test(test_veth_empty_slot_passes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
