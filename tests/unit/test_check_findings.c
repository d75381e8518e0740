// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * check's judgements over facts made up here, no device needed: the
 * single-buffer MTU limit and its edge, which end of a veth decides,
 * when a peer without NAPI fails and when it only warns, the queue
 * words the fix gives, and the xdp_features names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/report.h"
#include "diag/check.h"
#include "diag/check_facts.h"
#include "diag/finding.h"
#include "net/xdp_features.h"

static uint32_t limit(void)
{
	return (uint32_t)sysconf(_SC_PAGESIZE) - 256 - 320 - 14;
}

/* A veth "v0" with its peer "p0" here, everything readable, one queue. */
static void veth_facts(struct xw_check_facts *fx, struct xw_check_request *req)
{
	memset(fx, 0, sizeof(*fx));
	memset(req, 0, sizeof(*req));
	fx->req = req;
	fx->veth = true;
	fx->fs.fd = -1;
	snprintf(fx->nd.kind, sizeof(fx->nd.kind), "veth");
	fx->nd.rx_queues = 1;
	fx->nd.peer = 7;
	snprintf(fx->dev.name, sizeof(fx->dev.name), "v0");
	fx->dev.mtu = 1500;
	snprintf(fx->peer.name, sizeof(fx->peer.name), "p0");
	fx->peer.mtu = 1500;
	fx->peer.ch.max_rx = fx->peer.ch.max_tx = 4;
	fx->peer.ch.rx = fx->peer.ch.tx = 1;
	fx->features = XW_XDP_ACT_BASIC | XW_XDP_ACT_REDIRECT |
		       XW_XDP_ACT_RX_SG;
	fx->ch.max_rx = fx->ch.max_tx = 4;
	fx->ch.rx = fx->ch.tx = 1;
}

static const struct xw_finding *find(const struct xw_findings *f,
				     const char *check)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].check, check))
			return &f->v[i];
	fail_msg("no finding %s", check);
	return NULL;
}

static void test_mtu_edge_is_the_peers(void **state)
{
	struct xw_check_request req;
	struct xw_check_facts fx;
	struct xw_findings f = { 0 };

	(void)state;
	veth_facts(&fx, &req);
	fx.peer.mtu = limit();
	fx.dev.mtu = 9000; /* the device's own does not decide */
	assert_int_equal(xw_check_device(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "mtu")->level, XW_LEVEL_OK);
	xw_findings_free(&f);

	fx.peer.mtu = limit() + 1;
	assert_int_equal(xw_check_device(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "mtu")->level, XW_LEVEL_FAIL);
	assert_non_null(strstr(find(&f, "mtu")->fix, "ip link set dev p0 mtu"));
	xw_findings_free(&f);

	/* Not a veth: the same limit is a warning, drivers differ. */
	fx.veth = false;
	fx.dev.mtu = limit() + 1;
	assert_int_equal(xw_check_device(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "mtu")->level, XW_LEVEL_WARN);
	xw_findings_free(&f);
}

static void test_features(void **state)
{
	struct xw_check_request req;
	struct xw_check_facts fx;
	struct xw_findings f = { 0 };

	(void)state;
	veth_facts(&fx, &req);
	assert_int_equal(xw_check_device(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "xdp-features")->level, XW_LEVEL_OK);
	assert_int_equal(find(&f, "multi-buffer")->level, XW_LEVEL_WARN);
	xw_findings_free(&f);

	fx.features = 0;
	assert_int_equal(xw_check_device(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "xdp-features")->level, XW_LEVEL_WARN);
	assert_non_null(
		strstr(find(&f, "xdp-features")->fix, "--mode generic"));
	xw_findings_free(&f);

	fx.features_err = -ENOENT;
	assert_int_equal(xw_check_device(NULL, &fx, &f), 0);
	assert_non_null(strstr(find(&f, "xdp-features")->why, "not reported"));
	xw_findings_free(&f);
}

static void test_peer_levels(void **state)
{
	struct xw_check_request req;
	struct xw_check_facts fx;
	struct xw_findings f = { 0 };

	(void)state;
	veth_facts(&fx, &req);
	assert_int_equal(xw_check_peer(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "peer")->level, XW_LEVEL_WARN);
	xw_findings_free(&f);

	req.install = XW_CHECK_TUNNEL;
	assert_int_equal(xw_check_peer(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "peer")->level, XW_LEVEL_FAIL);
	xw_findings_free(&f);

	req.install = XW_CHECK_REDIRECT;
	fx.sandbox_veth = true;
	assert_int_equal(xw_check_peer(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "peer")->level, XW_LEVEL_FAIL);
	xw_findings_free(&f);

	fx.peer.gro = true;
	assert_int_equal(xw_check_peer(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "peer")->level, XW_LEVEL_OK);
	xw_findings_free(&f);

	fx.peer.gro = false;
	fx.peer.xdp.prog_id = 42;
	assert_int_equal(xw_check_peer(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "peer")->level, XW_LEVEL_OK);
	assert_non_null(strstr(find(&f, "peer")->why, "id 42"));
	xw_findings_free(&f);
}

static void test_queue_words(void **state)
{
	struct xw_check_request req;
	struct xw_check_facts fx;
	struct xw_findings f = { 0 };

	(void)state;
	veth_facts(&fx, &req);
	fx.ch.rx = 4;
	fx.peer.ch.tx = 4;
	assert_int_equal(xw_check_queues(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "queues")->level, XW_LEVEL_WARN);
	assert_non_null(
		strstr(find(&f, "queues")->fix, "ethtool -L v0 rx 1 tx 1"));
	xw_findings_free(&f);

	/* A NIC with combined channels. */
	fx.veth = false;
	fx.ch.max_rx = fx.ch.rx = 0;
	fx.ch.max_combined = 8;
	fx.ch.combined = 8;
	assert_int_equal(xw_check_queues(NULL, &fx, &f), 0);
	assert_non_null(
		strstr(find(&f, "queues")->fix, "ethtool -L v0 combined 1"));
	xw_findings_free(&f);

	/* A tunnel redirects from every queue. */
	req.install = XW_CHECK_TUNNEL;
	assert_int_equal(xw_check_queues(NULL, &fx, &f), 0);
	assert_int_equal(find(&f, "queues")->level, XW_LEVEL_OK);
	xw_findings_free(&f);

	/* A veth whose peer sends on more queues than it receives on. */
	veth_facts(&fx, &req);
	fx.peer.ch.tx = 2;
	assert_int_equal(xw_check_queues(NULL, &fx, &f), 0);
	assert_int_equal(f.count[XW_LEVEL_WARN], 1);
	assert_non_null(strstr(f.v[0].why, "sends on 2"));
	xw_findings_free(&f);
}

static void test_feature_names(void **state)
{
	char buf[128];

	(void)state;
	xw_xdp_features_names(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	xw_xdp_features_names(0x7f, buf, sizeof(buf));
	assert_string_equal(
		buf,
		"basic, redirect, ndo-xmit, xsk-zerocopy, hw-offload, rx-sg, ndo-xmit-sg");
	xw_xdp_features_names(XW_XDP_ACT_NDO_XMIT | XW_XDP_ACT_NDO_XMIT_SG, buf,
			      sizeof(buf));
	assert_string_equal(buf, "ndo-xmit, ndo-xmit-sg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtu_edge_is_the_peers),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_peer_levels),
		cmocka_unit_test(test_queue_words),
		cmocka_unit_test(test_feature_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
