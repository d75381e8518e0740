#include <arpa/inet.h>
#include <errno.h>

#include <bpf/libbpf.h>

#include "bpf/owner_table.h"
#include "core/exit.h"
#include "core/report.h"
#include "install/passcfg.h"
#include "install/request.h"
#include "pins/xdp_mode.h"

/*
 * Our objects keep exactly one struct xw_pass_cfg in .rodata.  Before load
 * the initial value is libbpf's writable copy, the one a skeleton's
 * ->rodata points at; libbpf 1.1 merely declares it const.
 */
static struct xw_pass_cfg *cfg_of(struct bpf_map *rodata)
{
	size_t size = 0;
	const void *cfg = bpf_map__initial_value(rodata, &size);

	return size == sizeof(struct xw_pass_cfg) ? (void *)cfg : NULL;
}

static int fill(struct xw_ctx *ctx, const struct xw_program *pg,
		const uint16_t *ports, size_t n_ports, uint32_t queues,
		struct xw_request *req)
{
	struct xw_install *in = &req->install;
	const void *elf;
	size_t size;
	int err;

	/* The skeleton found them all, or would not open. */
	if (!cfg_of(in->rodata))
		return -ENOENT;
	elf = pg->elf_bytes(&size);
	xw_pass_cfg_fill(cfg_of(in->rodata), ports, n_ports, elf, size);
	if (pg->queue_sized_map < 0)
		return 0;
	/* One slot per RX queue: the program keys by rx_queue_index. */
	err = bpf_map__set_max_entries(in->maps[pg->queue_sized_map], queues);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, pg->layout->kind,
			       "cannot size the %s map",
			       pg->map_names[pg->queue_sized_map]);
	return 0;
}

int xw_request_open(struct xw_ctx *ctx, const struct xw_program *pg,
		    const uint16_t *ports, size_t n_ports, uint32_t queues,
		    enum xw_xdp_mode mode, struct xw_request *req)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = pg->object_name);
	int err;

	req->program = pg;
	req->install.layout = pg->layout;
	req->install.sized_maps = 0;
	req->install.mode = mode;
	req->skel = pg->open_skel(&opts, &req->install);
	if (!req->skel)
		return xw_fail(ctx, XW_EXIT_OSERR, errno, pg->layout->kind,
			       "cannot open the embedded BPF object");
	req->obj = req->install.obj;
	err = fill(ctx, pg, ports, n_ports, queues, req);
	if (err) {
		if (!xw_failed(ctx))
			xw_fail(ctx, XW_EXIT_OSERR, -err, pg->layout->kind,
				"the embedded BPF object lacks %s's program, maps or configuration",
				pg->prog_name);
		xw_request_close(req);
	}
	return err;
}

uint32_t xw_owner_table_slots(uint32_t max_addresses)
{
	uint32_t n = 1;

	/* The option stops at 2^20; 2^30 keeps the product in range. */
	while (n < max_addresses && n < 1u << 30)
		n <<= 1;
	return n * XW_OWNER_SLOTS_PER_ADDR;
}

static int size_role(struct xw_ctx *ctx, struct xw_request *req, int role,
		     uint32_t entries)
{
	const struct xw_program *pg = req->program;
	struct xw_install *in = &req->install;
	int err;

	if (role >= XW_LAYOUT_MAX_MAPS || role >= pg->layout->n_maps ||
	    !in->maps[role])
		return xw_fail(ctx, XW_EXIT_OSERR, EINVAL, pg->layout->kind,
			       "has no map to size in role %d", role);
	err = bpf_map__set_max_entries(in->maps[role], entries);
	if (err)
		return xw_fail(ctx, XW_EXIT_OSERR, -err, pg->layout->kind,
			       "cannot size the %s map", pg->map_names[role]);
	in->sized_maps |= 1u << role;
	return 0;
}

int xw_request_size(struct xw_ctx *ctx, struct xw_request *req,
		    uint32_t max_sandboxes, uint32_t max_addresses)
{
	uint32_t slots = xw_owner_table_slots(max_addresses);
	int err = 0;

	if (max_sandboxes)
		err = size_role(ctx, req, XW_MAP_SANDBOXES, max_sandboxes);
	if (!err && max_addresses)
		err = size_role(ctx, req, XW_MAP_OWNERS4, slots);
	if (!err && max_addresses)
		err = size_role(ctx, req, XW_MAP_OWNERS6, slots);
	return err;
}

void xw_request_close(struct xw_request *req)
{
	if (req->skel)
		req->program->destroy_skel(req->skel);
	req->skel = NULL;
	req->obj = NULL;
}

const struct xw_pass_cfg *xw_request_cfg(const struct xw_request *req)
{
	return cfg_of(req->install.rodata);
}

size_t xw_request_ports(const struct xw_request *req, uint16_t *out)
{
	const struct xw_pass_cfg *cfg = xw_request_cfg(req);
	size_t i;

	for (i = 0; i < cfg->n_ports; i++)
		out[i] = ntohs(cfg->ports[i]);
	return i;
}
