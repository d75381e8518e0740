#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "ctx.h"
#include "log.h"

/* libbpf's print callback has no user pointer: the ladder lives here. */
static int lib_verbose;
static const char *lib_cmd = "";

/*
 * Without -v, libbpf's warnings wait for the end of the run: when it
 * fails for lack of permission, the one error line says all there is to
 * say, and libbpf's guesses (RLIMIT_MEMLOCK, CONFIG_BPF_SYSCALL) would
 * only mislead.  Otherwise they print before the outcome.
 */
static char held[4096];
static size_t held_len;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char line[1024];
	const char *text;
	int n;

	if (level == LIBBPF_DEBUG && lib_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && lib_verbose < 1)
		return 0;
	/* Most of libbpf's lines carry "libbpf: " already; ours replaces it. */
	n = snprintf(line, sizeof(line), "xdpwire %s: libbpf: ", lib_cmd);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	text = line + n;
	if (!strncmp(text, "libbpf: ", 8))
		memmove(line + n, text + 8, strlen(text + 8) + 1);
	if (lib_verbose) {
		fputs(line, stderr);
		return 0;
	}
	n = (int)strlen(line);
	if (held_len + n < sizeof(held)) {
		memcpy(held + held_len, line, n);
		held_len += n;
	}
	return 0;
}

void xw_log_init(const struct xw_ctx *ctx)
{
	lib_verbose = ctx->verbose;
	lib_cmd = ctx->cmd;
	held_len = 0;
	libbpf_set_print(print_libbpf);
}

void xw_log_flush(bool drop)
{
	if (held_len && !drop) {
		fflush(stderr);
		if (write(STDERR_FILENO, held, held_len) < 0)
			held_len = 0;
	}
	held_len = 0;
}
