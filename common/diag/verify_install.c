/* One install verified, and the report of many; see verify.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include <unistd.h>

#include "core/exit.h"
#include "core/json.h"
#include "core/report.h"
#include "diag/verify_int.h"
#include "inspect/found.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "pins/pin.h"

/* A redirect install's queues: its XSKMAP has a slot per RX queue. */
static uint32_t queues_of(const struct xw_found_install *in)
{
	const struct xw_found_pin *m = xw_found_map(in, XW_MAP_TARGETS);
	uint32_t n = m->obj.fd >= 0 ? m->obj.info.map.max_entries : 1;

	if (in->layout != &xw_redirect_layout || !n)
		return 1;
	return n < XW_VERIFY_MAX_QUEUES ? n : XW_VERIFY_MAX_QUEUES;
}

/* Slot 0 of a tunnel install's DEVMAP, readable from user space. */
static void read_slot0(struct xw_vinstall *v)
{
	const struct xw_found_pin *m = xw_found_map(v->in, XW_MAP_TARGETS);
	uint32_t key = 0, val = 0;

	if (v->in->layout == &xw_redirect_layout || m->obj.fd < 0 ||
	    bpf_map_lookup_elem(m->obj.fd, &key, &val))
		val = 0;
	v->slot0 = val;
	if (val && !if_indextoname(val, v->slot0_name))
		snprintf(v->slot0_name, sizeof(v->slot0_name), "ifindex:%u",
			 val);
}

int xw_verify_install(struct xw_ctx *ctx, const struct xw_pindir *dir,
		      struct xw_found_dir *d, struct xw_found_install *in,
		      const struct xw_verify_opts *o, struct xw_verify_group *g)
{
	const struct xw_found_pin *cnt = xw_found_map(in, XW_MAP_COUNTERS);
	char esc[4 * IF_NAMESIZE];
	struct xw_vinstall v;
	int err;

	memset(&v, 0, sizeof(v));
	xw_escape(d->device, strlen(d->device), esc, sizeof(esc));
	v.ctx = ctx;
	v.dir = dir;
	v.d = d;
	v.in = in;
	v.o = o;
	v.g = g;
	v.esc_dev = esc;
	v.ifindex = d->ifindex;
	v.n_queues = queues_of(in);
	read_slot0(&v);
	err = xw_vprog_init(&v.prog, -1, cnt->obj.fd, d->ifindex);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, "verify",
			       "cannot size per-CPU values");
	err = xw_verify_program(&v);
	if (!err)
		err = xw_verify_frames(&v);
	if (!err)
		err = xw_verify_state(&v);
	if (!err && in->layout != &xw_tunnel_veth_layout)
		err = xw_verify_errors(&v);
	if (v.prog.fd >= 0)
		close(v.prog.fd);
	xw_vprog_free(&v.prog);
	if (err == -ENOMEM)
		return xw_fail(ctx, XW_EXIT_OSERR, ENOMEM, "verify",
			       "cannot build the report");
	return err;
}

struct xw_verify_group *xw_verify_group_add(struct xw_verify_report *r,
					    const char *device,
					    const char *kind)
{
	struct xw_verify_group *g;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;

		g = realloc(r->g, cap * sizeof(*g));
		if (!g)
			return NULL;
		r->g = g;
		r->cap = cap;
	}
	g = &r->g[r->n];
	memset(g, 0, sizeof(*g));
	g->frames = json_object_new_array();
	if (!g->frames)
		return NULL;
	r->n++;
	snprintf(g->device, sizeof(g->device), "%s", device);
	g->kind = kind;
	return g;
}

void xw_verify_report_free(struct xw_verify_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		xw_findings_free(&r->g[i].f);
		json_object_put(r->g[i].frames);
	}
	free(r->g);
	memset(r, 0, sizeof(*r));
}

void xw_verify_report_print(const struct xw_verify_report *r, FILE *out)
{
	char esc[4 * IF_NAMESIZE];
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct xw_verify_group *g = &r->g[i];

		xw_escape(g->device, strlen(g->device), esc, sizeof(esc));
		fprintf(out, "%s%s (%s): %zu ok, %zu warn, %zu fail\n",
			i ? "\n" : "", esc, g->kind, g->f.count[XW_LEVEL_OK],
			g->f.count[XW_LEVEL_WARN], g->f.count[XW_LEVEL_FAIL]);
		xw_findings_print(&g->f, out);
	}
}

struct json_object *xw_verify_report_json(const struct xw_verify_report *r)
{
	struct json_object *arr = json_object_new_array(), *o;
	size_t i;

	for (i = 0; arr && i < r->n; i++) {
		o = json_object_new_object();
		xw_json_add_str(o, "device", r->g[i].device);
		xw_json_add_str(o, "kind", r->g[i].kind);
		xw_json_add(o, "findings", xw_findings_json(&r->g[i].f));
		xw_json_add(o, "frames", json_object_get(r->g[i].frames));
		json_object_array_add(arr, o);
	}
	return arr;
}

size_t xw_verify_report_fails(const struct xw_verify_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->g[i].f.count[XW_LEVEL_FAIL];
	return n;
}
