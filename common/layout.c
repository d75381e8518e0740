#include <bpf/bpf.h>

#include "../bpf/xw_abi.h"
#include "layout.h"

const struct xw_layout xw_redirect_layout = {
	.kind = "redirect",
	.link = { "redirect_link", XW_OBJ_LINK, BPF_LINK_TYPE_XDP },
	.prog = { "redirect_program", XW_OBJ_PROG, BPF_PROG_TYPE_XDP },
	.maps = {
		[XW_REDIRECT_MAP_XSKS] = { "redirect_ip_map", XW_OBJ_MAP,
					   BPF_MAP_TYPE_XSKMAP, 4, 4, 0 },
		[XW_REDIRECT_MAP_COUNTERS] = { "redirect_counters", XW_OBJ_MAP,
					       BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
					       XW_CNT_MAX },
	},
	.n_maps = 2,
	.device_bound_maps = 1u << XW_REDIRECT_MAP_XSKS,
	.excludes = NULL,
};
