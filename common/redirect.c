#include <arpa/inet.h>
#include <errno.h>

#include "ctx.h"
#include "exit.h"
#include "layout.h"
#include "passcfg.h"
#include "redirect.h"
#include "redirect.skel.h"

int xw_redirect_open(struct xw_ctx *ctx, const uint16_t *ports, size_t n_ports,
		     uint32_t queues, enum xw_xdp_mode mode,
		     struct xw_redirect_req *req)
{
	struct xw_install *in = &req->install;
	const void *elf;
	size_t elf_size;
	int err;

	req->skel = redirect_bpf__open();
	if (!req->skel)
		return xw_fail(ctx, XW_EXIT_OSERR, errno, "redirect",
			       "cannot open the embedded BPF object");
	elf = redirect_bpf__elf_bytes(&elf_size);
	xw_pass_cfg_fill((struct xw_pass_cfg *)&req->skel->rodata->cfg, ports,
			 n_ports, elf, elf_size);
	/* One socket slot per RX queue: the program keys by rx_queue_index. */
	err = bpf_map__set_max_entries(req->skel->maps.xsk_map, queues);
	if (err) {
		xw_redirect_close(req);
		return xw_fail(ctx, XW_EXIT_OSERR, -err, "redirect",
			       "cannot size the socket map");
	}
	in->layout = &xw_redirect_layout;
	in->obj = req->skel->obj;
	in->prog = req->skel->progs.xw_redirect;
	in->rodata = req->skel->maps.rodata;
	in->maps[XW_REDIRECT_MAP_XSKS] = req->skel->maps.xsk_map;
	in->maps[XW_REDIRECT_MAP_COUNTERS] = req->skel->maps.counters;
	in->mode = mode;
	return 0;
}

void xw_redirect_close(struct xw_redirect_req *req)
{
	redirect_bpf__destroy(req->skel);
	req->skel = NULL;
}

size_t xw_redirect_ports(const struct xw_redirect_req *req, uint16_t *out)
{
	const volatile struct xw_pass_cfg *cfg = &req->skel->rodata->cfg;
	size_t i;

	for (i = 0; i < cfg->n_ports; i++)
		out[i] = ntohs(cfg->ports[i]);
	return i;
}
