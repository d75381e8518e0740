/*
 * RX queues against the sockets a runtime binds: a redirect install hands
 * each frame to the socket of the queue it came in on, so a runtime that
 * binds queue 0 only never sees what the NIC hashed to the other queues.
 * --set-channels is the one change check may make, asked for by name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/exit.h"
#include "core/fault.h"
#include "core/report.h"
#include "diag/check_facts.h"
#include "diag/finding.h"
#include "net/ethtool.h"
#include "pins/target.h"

/* RX queues in use: combined channels carry RX too. */
static uint32_t rx_queues(const struct xw_check_facts *fx)
{
	if (fx->ch_err)
		return fx->nd.rx_queues;
	return fx->ch.rx + fx->ch.combined;
}

/* The ethtool -L words this device takes, from its channel maxima. */
static void channels_words(const struct xw_check_facts *fx, uint32_t n,
			   char *buf, size_t size)
{
	if (!fx->ch_err && !fx->ch.max_combined && fx->ch.max_rx)
		snprintf(buf, size, "rx %u tx %u", n, n);
	else
		snprintf(buf, size, "combined %u", n);
}

struct peer_set {
	const char *name;
	const struct xw_channels *ch;
};

static int peer_set(void *arg)
{
	const struct peer_set *p = arg;

	return xw_ethtool_set_channels(p->name, p->ch);
}

static int peer_reread(void *arg)
{
	struct xw_check_end *e = arg;

	e->ch_err = xw_ethtool_channels(e->name, &e->ch);
	return 0;
}

/*
 * A veth takes XDP natively only while its peer has no more TX queues
 * than it has RX queues (veth_xdp_set(): ENOSPC; its xdp_features are
 * cleared meanwhile): the peer's channels are set first, and put back if
 * the device's cannot be.
 */
static int set_veth_peer(struct xw_ctx *ctx, struct xw_check_facts *fx,
			 uint32_t n, struct xw_channels *old)
{
	struct xw_channels want;
	struct peer_set p = { .name = fx->peer.name, .ch = &want };
	char words[48];
	int err;

	if (!fx->peer.name[0] || fx->peer.ch_err)
		return xw_fail_errno(
			ctx,
			-(fx->peer_err		  ?:
				  fx->peer.ch_err ?:
						    -ENODEV),
			fx->dev.name,
			"--set-channels: cannot read the channels of its peer");
	*old = fx->peer.ch;
	want = fx->peer.ch;
	want.rx = want.tx = n;
	err = xw_fault("set-channels") ?:
		      xw_check_in_peer_ns(ctx, fx, peer_set, &p);
	if (err)
		return xw_failed(ctx) ?
			       err :
			       xw_fail_errno(
				       ctx, -err, fx->peer.name,
				       "--set-channels %u: cannot set the channels of %s's peer",
				       n, fx->dev.name);
	snprintf(words, sizeof(words), "rx %u tx %u", n, n);
	xw_change(ctx, &(struct xw_change){ .action = "set",
					    .object = "channels",
					    .path = fx->peer.name,
					    .detail = words });
	return 0;
}

static int set_channels(struct xw_ctx *ctx, struct xw_check_facts *fx)
{
	const char *dev = fx->dev.name;
	uint32_t n = fx->req->set_channels;
	struct xw_channels want, peer_old;
	struct peer_set undo = { .name = fx->peer.name, .ch = &peer_old };
	char words[48];
	int err;

	if (fx->ch_err)
		return xw_fail_errno(ctx, -fx->ch_err, dev,
				     "--set-channels: cannot read channels");
	want = fx->ch;
	if (fx->ch.max_combined) {
		if (n > fx->ch.max_combined)
			goto over;
		want.combined = n;
	} else {
		if (n > fx->ch.max_rx || n > fx->ch.max_tx)
			goto over;
		want.rx = want.tx = n;
	}
	if (fx->veth) {
		size_t mark = xw_change_mark(ctx);

		err = set_veth_peer(ctx, fx, n, &peer_old);
		if (err)
			return err;
		err = xw_fault("set-channels") ?:
			      xw_ethtool_set_channels(dev, &want);
		if (err) {
			xw_fail_errno(ctx, -err, dev,
				      "--set-channels %u: cannot set channels",
				      n);
			/* Put the peer's back; what stays changed stays listed. */
			if (!xw_check_in_peer_ns(ctx, fx, peer_set, &undo))
				xw_change_rollback(ctx, mark);
			return err;
		}
		xw_check_in_peer_ns(ctx, fx, peer_reread, &fx->peer);
	} else {
		err = xw_fault("set-channels") ?:
			      xw_ethtool_set_channels(dev, &want);
		if (err)
			return xw_fail_errno(
				ctx, -err, dev,
				"--set-channels %u: cannot set channels", n);
	}
	channels_words(fx, n, words, sizeof(words));
	xw_change(ctx, &(struct xw_change){ .action = "set",
					    .object = "channels",
					    .path = dev,
					    .detail = words });
	fx->ch_err = xw_ethtool_channels(dev, &fx->ch);
	return 0;
over:
	return xw_fail(ctx, XW_EXIT_DATAERR, 0, "--set-channels",
		       "%u is over what %s takes (%u combined, %u rx, %u tx)",
		       n, dev, fx->ch.max_combined, fx->ch.max_rx,
		       fx->ch.max_tx);
}

/* A veth whose peer sends on more queues than it receives on: ENOSPC. */
static int veth_peer_queues(const struct xw_check_facts *fx, uint32_t n,
			    struct xw_findings *f)
{
	char fix[300];

	snprintf(fix, sizeof(fix),
		 "ethtool -L %s rx %u tx %u%s, or xdpwire check --device %s --set-channels %u, which sets both ends",
		 fx->peer.name, n, n,
		 fx->nd.peer_elsewhere ? " in its namespace" : "", fx->dev.name,
		 n);
	return xw_finding_add(
		f, XW_LEVEL_WARN, "queues", fix,
		"%u RX queue(s), but peer %s%s sends on %u: a veth takes native XDP only while its peer has no more TX queues than it has RX queues (the attach fails, ENOSPC, and the kernel reports no xdp-features meanwhile)",
		n, fx->peer.name, fx->peer_where, fx->peer.ch.tx);
}

int xw_check_queues(struct xw_ctx *ctx, struct xw_check_facts *fx,
		    struct xw_findings *f)
{
	const char *dev = fx->dev.name;
	char words[48], fix[400], how[96];
	uint32_t n;
	int err;

	if (fx->req->set_channels) {
		err = set_channels(ctx, fx);
		if (err)
			return err;
	}
	n = rx_queues(fx);
	if (fx->ch_err)
		snprintf(how, sizeof(how),
			 "%u RX queue(s) (rtnetlink; no ethtool channels: %s)",
			 n, strerror(-fx->ch_err));
	else
		snprintf(how, sizeof(how),
			 "%u RX queue(s) (ethtool channels: %u rx, %u combined; created with %u)",
			 n, fx->ch.rx, fx->ch.combined, fx->nd.rx_queues);
	if (fx->veth && fx->peer.name[0] && !fx->peer.ch_err &&
	    fx->peer.ch.tx > n) {
		err = veth_peer_queues(fx, n, f);
		if (err)
			return err;
	}
	if (fx->req->install == XW_CHECK_TUNNEL)
		return xw_finding_add(
			f, XW_LEVEL_OK, "queues", NULL,
			"%s: a tunnel install redirects from every queue alike",
			how);
	if (n <= 1)
		return xw_finding_add(
			f, XW_LEVEL_OK, "queues", NULL,
			"%s: a runtime's socket on queue 0 gets every frame",
			how);
	channels_words(fx, 1, words, sizeof(words));
	snprintf(fix, sizeof(fix),
		 "ethtool -L %s %s (or xdpwire check --device %s --set-channels 1), or steering rules (ethtool -N %s flow-type ... action 0), or a runtime that binds a socket to each queue",
		 dev, words, dev, dev);
	return xw_finding_add(
		f, XW_LEVEL_WARN, "queues", fix,
		"%s: a runtime that binds only queue 0 loses every frame the device hashes to the other %u",
		how, n - 1);
}
