#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "core/log.h"
#include "core/report.h"

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

/*
 * Each line of libbpf's text gets our prefix and has its control
 * characters and invalid UTF-8 escaped: its messages quote pin paths
 * and names a user gave, and a line of it must not pass for another's.
 */
static size_t escape_lines(const char *prefix, const char *text, char *out,
			   size_t size)
{
	size_t n = 0, len, plen = strlen(prefix);
	const char *nl;

	while (*text && n + plen + 2 < size) {
		nl = strchr(text, '\n');
		len = nl ? (size_t)(nl - text) : strlen(text);
		memcpy(out + n, prefix, plen);
		n += plen;
		n += xw_escape(text, len, out + n, size - n - 1);
		out[n++] = '\n';
		text += len + (nl ? 1 : 0);
	}
	out[n] = '\0';
	return n;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char prefix[64], text[1024], line[4096];
	size_t n;

	if (level == LIBBPF_DEBUG && lib_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && lib_verbose < 1)
		return 0;
	/* Most of libbpf's lines carry "libbpf: " already; ours replaces it. */
	snprintf(prefix, sizeof(prefix), "xdpwire %s: libbpf: ", lib_cmd);
	vsnprintf(text, sizeof(text), fmt, ap);
	n = escape_lines(prefix, text + (strncmp(text, "libbpf: ", 8) ? 0 : 8),
			 line, sizeof(line));
	if (lib_verbose) {
		fputs(line, stderr);
		return 0;
	}
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
