#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "ctx.h"
#include "log.h"

/* libbpf's print callback has no user pointer: the ladder lives here. */
static int lib_verbose;
static const char *lib_cmd = "";

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char line[1024];
	int n;

	if (level == LIBBPF_DEBUG && lib_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && lib_verbose < 1)
		return 0;
	/* libbpf ends its lines itself; keep our prefix so logs are greppable. */
	n = snprintf(line, sizeof(line), "xdpwire %s: libbpf: ", lib_cmd);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fputs(line, stderr);
	return 0;
}

void xw_log_init(const struct xw_ctx *ctx)
{
	lib_verbose = ctx->verbose;
	lib_cmd = ctx->cmd;
	libbpf_set_print(print_libbpf);
}
