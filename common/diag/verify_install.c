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

/* Renders r's current group into the report and frees it. */
static int seal(struct xw_verify_report *r)
{
	struct xw_verify_group *g = &r->cur;
	char esc[4 * IF_NAMESIZE];
	struct json_object *o;
	int err = 0;

	if (!r->have_cur)
		return 0;
	r->have_cur = false;
	r->fails += g->f.count[XW_LEVEL_FAIL];
	if (r->json) {
		o = json_object_new_object();
		if (!o) {
			err = -ENOMEM;
			goto out;
		}
		xw_json_add_str(o, "device", g->device);
		xw_json_add_str(o, "kind", g->kind);
		xw_json_add(o, "findings", xw_findings_json(&g->f));
		xw_json_add(o, "frames", json_object_get(g->frames));
		err = xw_json_text_add(r->installs, o);
		json_object_put(o);
	} else {
		xw_escape(g->device, strlen(g->device), esc, sizeof(esc));
		fprintf(r->text_f, "%s%s (%s): %zu ok, %zu warn, %zu fail\n",
			r->n > 1 ? "\n" : "", esc, g->kind,
			g->f.count[XW_LEVEL_OK], g->f.count[XW_LEVEL_WARN],
			g->f.count[XW_LEVEL_FAIL]);
		xw_findings_print(&g->f, r->text_f);
	}
out:
	xw_findings_free(&g->f);
	json_object_put(g->frames);
	g->frames = NULL;
	return err;
}

struct xw_verify_group *xw_verify_group_add(struct xw_verify_report *r,
					    const char *device,
					    const char *kind)
{
	struct xw_verify_group *g = &r->cur;

	if (seal(r))
		return NULL;
	if (r->json && !r->installs && !(r->installs = xw_json_text_array()))
		return NULL;
	if (!r->json && !r->text_f &&
	    !(r->text_f = open_memstream(&r->text, &r->text_size)))
		return NULL;
	memset(g, 0, sizeof(*g));
	g->frames = json_object_new_array();
	if (!g->frames)
		return NULL;
	r->have_cur = true;
	r->n++;
	snprintf(g->device, sizeof(g->device), "%s", device);
	g->kind = kind;
	return g;
}

int xw_verify_report_finish(struct xw_verify_report *r)
{
	int err = seal(r);

	if (r->json && !r->installs && !(r->installs = xw_json_text_array()))
		return -ENOMEM;
	if (r->text_f && fclose(r->text_f))
		err = err ?: -ENOMEM;
	r->text_f = NULL;
	return err;
}

void xw_verify_report_free(struct xw_verify_report *r)
{
	if (r->have_cur) {
		xw_findings_free(&r->cur.f);
		json_object_put(r->cur.frames);
	}
	if (r->text_f)
		fclose(r->text_f);
	free(r->text);
	json_object_put(r->installs);
	memset(r, 0, sizeof(*r));
}
