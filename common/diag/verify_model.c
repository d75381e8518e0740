/*
 * The frames and the model: what each canonical frame must get from an
 * install, written from its configuration and maps (verify.h), then run
 * through the attached program and compared.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/bpf.h>

#include "core/json.h"
#include "core/parse.h"
#include "diag/verify_frames.h"
#include "diag/verify_int.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "inspect/sandboxes.h"

/* What a frame must get: the action, why, and where it must go. */
struct expect {
	uint32_t action;
	int reason; /* XW_CNT_*; for a probe, XW_REASON_UNKNOWN */
	char target[96]; /* "queue 0's socket", "" for none */
	bool probe; /* redirect's udp4: either, and the slot is learnt */
};

static void want(struct expect *e, uint32_t action, int reason,
		 const char *target)
{
	e->action = action;
	e->reason = reason;
	e->probe = false;
	snprintf(e->target, sizeof(e->target), "%s", target);
}

/* Where forwarded frames go on queue q: the slot's target or the kernel. */
static void forwarded(const struct xw_vinstall *v, uint32_t q, struct expect *e)
{
	char t[64];

	if (v->in->layout == &xw_redirect_layout) {
		snprintf(t, sizeof(t), "queue %u's socket", q);
		if (v->slot[q] == XW_VSLOT_FILLED)
			return want(e, XDP_REDIRECT, XW_CNT_FORWARDED, t);
		if (v->slot[q] == XW_VSLOT_EMPTY)
			return want(e, XDP_PASS, XW_CNT_NO_TARGET, "");
		want(e, XDP_REDIRECT, XW_CNT_FORWARDED, t);
		e->probe = true;
		return;
	}
	snprintf(t, sizeof(t), "slot 0's %s", v->slot0_name);
	if (v->slot0)
		return want(e, XDP_REDIRECT, XW_CNT_FORWARDED, t);
	want(e, XDP_PASS, XW_CNT_NO_TARGET, "");
}

static void describe(char *buf, size_t size, uint32_t action, int reason,
		     const char *target)
{
	if (target && target[0])
		snprintf(buf, size, "%s (%s)", xw_xdp_action_name(action),
			 target);
	else
		snprintf(buf, size, "%s (%s)", xw_xdp_action_name(action),
			 xw_reason_name(reason));
}

static void add_frame_json(struct xw_vinstall *v, const char *name, uint32_t q,
			   const struct expect *e,
			   const struct xw_vverdict *got, bool ok)
{
	struct json_object *o;

	if (!v->g->frames)
		return;
	o = json_object_new_object();
	if (!o)
		return;
	xw_json_add_str(o, "frame", name);
	xw_json_add_u64(o, "queue", q);
	xw_json_add_str(o, "expected", xw_xdp_action_name(e->action));
	xw_json_add(o, "expected_target", xw_json_str_nonempty(e->target));
	xw_json_add_str(o, "expected_reason", xw_reason_name(e->reason));
	xw_json_add_str(o, "got",
			got ? xw_xdp_action_name(got->action) : "not run");
	xw_json_add_str(o, "reason",
			xw_reason_name(got ? got->reason : XW_REASON_UNKNOWN));
	xw_json_add_bool(o, "ok", ok);
	json_object_array_add(v->g->frames, o);
}

/*
 * Runs f on queue q and judges it against e; with check NULL no finding
 * is added (a sandbox's frames: the sandbox's finding sums them up).
 * Returns -errno only when the finding cannot be kept; *ok says.
 */
static int run_one(struct xw_vinstall *v, const char *name, uint32_t q,
		   const struct xw_vframe *f, struct expect *e, bool finding,
		   bool *ok)
{
	char check[64], exp[128], got_s[128];
	struct xw_vverdict got;
	int err;

	snprintf(check, sizeof(check), q ? "frame %s queue %u" : "frame %s",
		 name, q);
	err = xw_vprog_run(&v->prog, f, q, &got);
	if (err) {
		*ok = false;
		v->frames_failed++;
		add_frame_json(v, name, q, e, NULL, false);
		return finding ? xw_finding_add(&v->g->f, XW_LEVEL_FAIL, check,
						NULL,
						"BPF_PROG_TEST_RUN failed: %s",
						strerror(-err)) :
				 0;
	}
	if (e->probe) {
		/* The slot is what the probe shows, if the program says why. */
		if (got.action == XDP_REDIRECT &&
		    got.reason != XW_CNT_NO_TARGET)
			v->slot[q] = XW_VSLOT_FILLED;
		else if (got.action == XDP_PASS &&
			 got.reason == XW_CNT_NO_TARGET)
			v->slot[q] = XW_VSLOT_EMPTY;
		if (v->slot[q] != XW_VSLOT_UNKNOWN)
			forwarded(v, q, e);
	}
	*ok = got.action == e->action &&
	      (got.reason == e->reason || got.reason == XW_REASON_UNKNOWN);
	describe(exp, sizeof(exp), e->action, e->reason, e->target);
	describe(got_s, sizeof(got_s), got.action, got.reason, NULL);
	add_frame_json(v, name, q, e, &got, *ok);
	if (!*ok)
		v->frames_failed++;
	if (!finding)
		return 0;
	if (e->probe && !*ok)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, check, NULL,
			"expected redirect (queue %u's socket) or pass (no target), got %s: queue %u's slot cannot be told",
			q, got_s, q);
	return xw_finding_add(&v->g->f, *ok ? XW_LEVEL_OK : XW_LEVEL_FAIL,
			      check, NULL, "expected %s, got %s", exp, got_s);
}

/* The frames of the canonical set every install gets, on queue q. */
static int run_set(struct xw_vinstall *v, uint32_t q)
{
	const struct xw_layout *l = v->in->layout;
	bool veth = l == &xw_tunnel_veth_layout,
	     host = l == &xw_tunnel_host_layout;
	static const struct {
		const char *name;
		enum xw_vframe_kind kind;
	} plain[] = {
		{ "udp4", XW_VF_UDP4 },
		{ "udp6", XW_VF_UDP6 },
		{ "tcp4", XW_VF_TCP4 },
		{ "tcp6", XW_VF_TCP6 },
		{ "vlan-udp4", XW_VF_VLAN_UDP4 },
		{ "arp", XW_VF_ARP },
		{ "ndisc", XW_VF_NDISC },
		{ "truncated", XW_VF_TRUNCATED },
	};
	struct xw_vframe f;
	struct expect e;
	char name[32];
	size_t i;
	bool ok;
	int err;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		enum xw_vframe_kind k = plain[i].kind;

		forwarded(v, q, &e);
		if (!veth && k == XW_VF_TRUNCATED)
			want(&e, XDP_PASS, XW_CNT_MALFORMED, "");
		/* Broadcast and multicast nobody owns are the host's. */
		if (host && (k == XW_VF_ARP || k == XW_VF_NDISC))
			want(&e, XDP_PASS, XW_CNT_NO_TARGET, "");
		xw_vframe_build(&f, k, NULL, v->other_port);
		err = run_one(v, plain[i].name, q, &f, &e, true, &ok);
		if (err)
			return err;
	}
	for (i = 0; !veth && i < 2 * v->n_ports; i++) {
		uint16_t port = v->ports[i / 2];

		snprintf(name, sizeof(name), "tcp%c-pass-%u", i % 2 ? '6' : '4',
			 port);
		want(&e, XDP_PASS, XW_CNT_PASS_PORT, "");
		xw_vframe_build(&f, i % 2 ? XW_VF_TCP6 : XW_VF_TCP4, NULL,
				port);
		err = run_one(v, name, q, &f, &e, true, &ok);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A sandbox's addresses, each a TCP frame to a pass port: owned, it goes
 * to the sandbox whatever the port; not, the pass port keeps it for the
 * host.  (A UDP frame could not tell the sandbox from slot 0's device:
 * both are a redirect counted forwarded.)
 */
static int run_sandbox(struct xw_vinstall *v, const struct xw_sandbox *s)
{
	char veth[IF_NAMESIZE + 16], check[80], name[96], addr[XW_IP_STRLEN];
	char bad[256] = "";
	uint16_t port = v->n_ports ? v->ports[0] : 22;
	struct xw_vframe f;
	struct expect e;
	size_t i, n_bad = 0;
	bool ok;
	int err;

	if (s->veth[0])
		snprintf(veth, sizeof(veth), "%s", s->veth);
	else
		snprintf(veth, sizeof(veth), "ifindex:%u", s->ifindex);
	snprintf(check, sizeof(check), "sandbox %s", veth);
	/* Not committed and not wired here: pin-gc's, nobody's traffic. */
	if (!s->committed && s->health == XW_HEALTH_STALE)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_WARN, check, "xdpwire pin-gc",
			"not registered (%s): its addresses are not probed",
			s->why);
	for (i = 0; i < s->n_addrs; i++) {
		xw_ip_str(&s->addrs[i].ip, addr);
		snprintf(name, sizeof(name), "sandbox %s %s", veth, addr);
		want(&e, XDP_REDIRECT, XW_CNT_FORWARDED, check);
		xw_vframe_build(&f,
				s->addrs[i].ip.family == AF_INET6 ? XW_VF_TCP6 :
								    XW_VF_TCP4,
				&s->addrs[i].ip, port);
		err = run_one(v, name, 0, &f, &e, false, &ok);
		if (err)
			return err;
		if (!ok && n_bad++ < 4)
			snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
				 "%s%s", n_bad > 1 ? ", " : "", addr);
	}
	if (n_bad)
		return xw_finding_add(
			&v->g->f, XW_LEVEL_FAIL, check,
			"re-register it: xdpwire tunnel-install --device NIC --veth VETH --address ...",
			"frames to %s%s did not redirect to %s%s", bad,
			n_bad > 4 ? "..." : "", veth,
			s->committed ?
				"" :
				": it is not committed in tunnel_host_sandbox_map");
	return xw_finding_add(&v->g->f, XW_LEVEL_OK, check, NULL,
			      "%zu address(es) redirect to %s", s->n_addrs,
			      veth);
}

/*
 * Whether the device has RX queue q: the kernel refuses a test run on a
 * queue the device does not have (EINVAL), and only that.
 */
static bool has_queue(const struct xw_vinstall *v, uint32_t q)
{
	struct xw_vverdict got;
	struct xw_vframe f;

	xw_vframe_build(&f, XW_VF_TRUNCATED, NULL, 0);
	return xw_vprog_run(&v->prog, &f, q, &got) != -EINVAL;
}

int xw_verify_frames(struct xw_vinstall *v)
{
	uint32_t q, n = v->in->layout == &xw_redirect_layout ? v->n_queues : 1;
	size_t i;
	int err;

	if (v->prog.fd < 0)
		return 0;
	for (q = 0; q < n; q++) {
		if (q && !has_queue(v, q)) {
			/* The XSKMAP may have more slots than the device queues. */
			v->n_queues = q;
			break;
		}
		err = run_set(v, q);
		if (err)
			return err;
	}
	if (v->in->layout != &xw_tunnel_host_layout || !v->d->sandboxes)
		return 0;
	for (i = 0; i < v->d->sandboxes->n; i++) {
		err = run_sandbox(v, &v->d->sandboxes->s[i]);
		if (err)
			return err;
	}
	return 0;
}
