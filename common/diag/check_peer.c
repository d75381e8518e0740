/*
 * A veth's other end.  A frame redirected into a veth (ndo_xdp_xmit, as
 * the tunnel's node program does into a sandbox's veth) is put on the
 * peer's receive ring, which only NAPI drains: the peer needs an XDP
 * program of its own or GRO on (veth_xdp_xmit() drops it otherwise, and
 * counts it nowhere an operator looks).  And the device's own GRO.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag/check_facts.h"
#include "diag/finding.h"

static int peer(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const struct xw_check_end *p = &fx->peer;
	bool needed = fx->req->install == XW_CHECK_TUNNEL || fx->sandbox_veth;
	char fix[256];

	if (!p->name[0] || p->xdp_err || p->gro_err)
		return xw_finding_add(
			f, XW_LEVEL_WARN, "peer",
			"run check with CAP_SYS_ADMIN, which enters the peer's namespace to look",
			"%s's peer, ifindex %u%s, was not looked at: %s",
			fx->dev.name, fx->nd.peer, fx->peer_where,
			strerror(-(fx->peer_err	      ?:
					   p->xdp_err ?:
					   p->gro_err ?:
							-ENODEV)));
	if (p->xdp.prog_id)
		return xw_finding_add(
			f, XW_LEVEL_OK, "peer", NULL,
			"peer %s%s has XDP program id %u attached: its NAPI takes frames redirected into %s",
			p->name, fx->peer_where, p->xdp.prog_id, fx->dev.name);
	if (p->gro)
		return xw_finding_add(
			f, XW_LEVEL_OK, "peer", NULL,
			"peer %s%s has GRO on: its NAPI takes frames redirected into %s",
			p->name, fx->peer_where, fx->dev.name);
	snprintf(fix, sizeof(fix),
		 "attach an XDP program to %s (xdp-loader load %s ...) or `ethtool -K %s gro on`%s",
		 p->name, p->name, p->name,
		 fx->nd.peer_elsewhere ? ", in its namespace" : "");
	return xw_finding_add(
		f, needed ? XW_LEVEL_FAIL : XW_LEVEL_WARN, "peer", fix,
		"peer %s%s has no XDP program and GRO off: a frame redirected into %s (ndo_xdp_xmit) is dropped, the peer's receive side has no NAPI%s",
		p->name, fx->peer_where, fx->dev.name,
		needed ?
			(fx->sandbox_veth ?
				 " (it is a sandbox's veth: the tunnel redirects into it)" :
				 " (the tunnel redirects into it)") :
			" (a redirect install does not redirect into it)");
}

static int gro(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const struct xw_check_end *d = &fx->dev;

	if (d->gro_err)
		return xw_finding_add(f, XW_LEVEL_OK, "gro", NULL,
				      "%s: GRO state not read (%s)", d->name,
				      strerror(-d->gro_err));
	return xw_finding_add(
		f, XW_LEVEL_OK, "gro", NULL, "%s has GRO %s%s", d->name,
		d->gro ? "on" : "off",
		fx->veth && d->gro && d->xdp.prog_id ?
			" with XDP attached: frames the XDP program passes are GRO'ed by its NAPI" :
			"");
}

int xw_check_peer(struct xw_ctx *ctx, const struct xw_check_facts *fx,
		  struct xw_findings *f)
{
	(void)ctx;
	if (!fx->veth)
		return gro(fx, f);
	return peer(fx, f) ?: gro(fx, f);
}
