// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * verify's canonical frames (common/diag/verify_frames.c), each run by
 * verify's own runner (verify_run.c) through the programs' skeletons, with
 * the verdict and the reason verify's model predicts: redirect with an
 * empty XSKMAP (every forwarded frame passes, no target), tunnel host with
 * slot 0 empty and filled (loopback, ifindex 1: a test run does not
 * transmit), tunnel veth.  A frame the builder got wrong (a short header,
 * a wrong ethertype) shows as another reason here before verify could
 * misjudge an install with it.
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
#include "diag/verify_frames.h"
#include "diag/verify_run.h"
#include "install/passcfg.h"
#include "redirect.skel.h"
#include "tunnel_host.skel.h"
#include "tunnel_veth.skel.h"

#define LOOPBACK_IFINDEX 1u
#define PASS_PORT 22
#define OTHER_PORT 9

struct fixture {
	struct redirect_bpf *redirect;
	struct tunnel_host_bpf *host;
	struct tunnel_veth_bpf *veth;
};

static int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const void *elf;
	size_t size;

	if (!fx)
		return -1;
	*state = fx;
	fx->redirect = redirect_bpf__open();
	fx->host = tunnel_host_bpf__open();
	fx->veth = tunnel_veth_bpf__open();
	if (!fx->redirect || !fx->host || !fx->veth)
		return -1;
	elf = redirect_bpf__elf_bytes(&size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&fx->redirect->rodata->cfg, NULL,
			 0, elf, size);
	elf = tunnel_host_bpf__elf_bytes(&size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&fx->host->rodata->cfg, NULL, 0,
			 elf, size);
	if (redirect_bpf__load(fx->redirect) ||
	    tunnel_host_bpf__load(fx->host) || tunnel_veth_bpf__load(fx->veth))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *fx = *state;

	redirect_bpf__destroy(fx->redirect);
	tunnel_host_bpf__destroy(fx->host);
	tunnel_veth_bpf__destroy(fx->veth);
	free(fx);
	return 0;
}

/* Sets slot 0 of a DEVMAP to ifindex, or empties it (0). */
static void slot0(int map_fd, uint32_t ifindex)
{
	uint32_t key = 0;

	if (ifindex)
		assert_int_equal(bpf_map_update_elem(map_fd, &key, &ifindex, 0),
				 0);
	else
		bpf_map_delete_elem(map_fd, &key);
}

/* Runs frame kind (to port) through prog: action and reason as given. */
static void expect(int prog_fd, int counters_fd, enum xw_vframe_kind kind,
		   uint16_t port, uint32_t action, int reason)
{
	struct xw_vverdict got;
	struct xw_vframe f;
	struct xw_vprog p;

	assert_int_equal(xw_vprog_init(&p, prog_fd, counters_fd, 0), 0);
	xw_vframe_build(&f, kind, NULL, port);
	assert_int_equal(xw_vprog_run(&p, &f, 0, &got), 0);
	xw_vprog_free(&p);
	if (got.action != action || got.reason != reason)
		fail_msg("frame %d: expected %s (%s), got %s (%s)", kind,
			 xw_xdp_action_name(action), xw_reason_name(reason),
			 xw_xdp_action_name(got.action),
			 xw_reason_name(got.reason));
}

/* The frames every install forwards, by the model. */
static const enum xw_vframe_kind forwarded[] = {
	XW_VF_UDP4,	 XW_VF_UDP6, XW_VF_TCP4,  XW_VF_TCP6,
	XW_VF_VLAN_UDP4, XW_VF_ARP,  XW_VF_NDISC,
};

#define N_FORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

static void test_redirect_empty_slot(void **state)
{
	struct fixture *fx = *state;
	int prog = bpf_program__fd(fx->redirect->progs.xw_redirect);
	int cnt = bpf_map__fd(fx->redirect->maps.counters);
	size_t i;

	for (i = 0; i < N_FORWARDED; i++)
		expect(prog, cnt, forwarded[i], OTHER_PORT, XDP_PASS,
		       XW_CNT_NO_TARGET);
	expect(prog, cnt, XW_VF_TCP4, PASS_PORT, XDP_PASS, XW_CNT_PASS_PORT);
	expect(prog, cnt, XW_VF_TCP6, PASS_PORT, XDP_PASS, XW_CNT_PASS_PORT);
	expect(prog, cnt, XW_VF_TRUNCATED, 0, XDP_PASS, XW_CNT_MALFORMED);
}

/* Unowned broadcast and multicast (arp, ndisc) are the host's. */
static void tunnel_host(struct fixture *fx, bool filled)
{
	int prog = bpf_program__fd(fx->host->progs.xw_tunnel_host);
	int cnt = bpf_map__fd(fx->host->maps.counters);
	size_t i;

	slot0(bpf_map__fd(fx->host->maps.dev_map),
	      filled ? LOOPBACK_IFINDEX : 0);
	for (i = 0; i < N_FORWARDED; i++) {
		bool group = forwarded[i] == XW_VF_ARP ||
			     forwarded[i] == XW_VF_NDISC;

		expect(prog, cnt, forwarded[i], OTHER_PORT,
		       filled && !group ? XDP_REDIRECT : XDP_PASS,
		       filled && !group ? XW_CNT_FORWARDED : XW_CNT_NO_TARGET);
	}
	expect(prog, cnt, XW_VF_TCP4, PASS_PORT, XDP_PASS, XW_CNT_PASS_PORT);
	expect(prog, cnt, XW_VF_TCP6, PASS_PORT, XDP_PASS, XW_CNT_PASS_PORT);
	expect(prog, cnt, XW_VF_TRUNCATED, 0, XDP_PASS, XW_CNT_MALFORMED);
}

static void test_tunnel_host_empty_slot(void **state)
{
	tunnel_host(*state, false);
}

static void test_tunnel_host_slot_filled(void **state)
{
	tunnel_host(*state, true);
}

/* The veth's program sends everything, the truncated frame too. */
static void test_tunnel_veth(void **state)
{
	struct fixture *fx = *state;
	int prog = bpf_program__fd(fx->veth->progs.xw_tunnel_veth);
	int cnt = bpf_map__fd(fx->veth->maps.counters);
	size_t i;

	slot0(bpf_map__fd(fx->veth->maps.dev_map), LOOPBACK_IFINDEX);
	for (i = 0; i < N_FORWARDED; i++)
		expect(prog, cnt, forwarded[i], OTHER_PORT, XDP_REDIRECT,
		       XW_CNT_FORWARDED);
	expect(prog, cnt, XW_VF_TRUNCATED, 0, XDP_REDIRECT, XW_CNT_FORWARDED);
	slot0(bpf_map__fd(fx->veth->maps.dev_map), 0);
	expect(prog, cnt, XW_VF_UDP4, OTHER_PORT, XDP_PASS, XW_CNT_NO_TARGET);
}

/* The frames' lengths: what the headers add up to, nothing more. */
static void test_frame_lengths(void **state)
{
	static const struct {
		enum xw_vframe_kind kind;
		uint32_t len;
	} want[] = {
		{ XW_VF_UDP4, 14 + 20 + 8 + 4 },
		{ XW_VF_UDP6, 14 + 40 + 8 + 4 },
		{ XW_VF_TCP4, 14 + 20 + 20 },
		{ XW_VF_TCP6, 14 + 40 + 20 },
		{ XW_VF_VLAN_UDP4, 14 + 4 + 20 + 8 + 4 },
		{ XW_VF_ARP, 14 + 28 },
		{ XW_VF_NDISC, 14 + 40 + 24 + 8 },
		{ XW_VF_TRUNCATED, 14 + 10 },
	};
	struct xw_vframe f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		xw_vframe_build(&f, want[i].kind, NULL, OTHER_PORT);
		assert_int_equal(f.len, want[i].len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_lengths),
		cmocka_unit_test(test_redirect_empty_slot),
		cmocka_unit_test(test_tunnel_host_empty_slot),
		cmocka_unit_test(test_tunnel_host_slot_filled),
		cmocka_unit_test(test_tunnel_veth),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
