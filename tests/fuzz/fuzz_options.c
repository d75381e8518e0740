// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Option values: numbers, ports, descriptors, pids and XDP modes.  What a
 * parser accepts must be in its range, and a number it accepts must be
 * all decimal digits (no sign, blank or 0x) of the value it gave.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "pins/xdp_mode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A number accepted from s: s is its digits ("05" is 5). */
static void same_text(const char *s, unsigned long long v)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) ||
	    strtoull(s, NULL, 10) != v)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	enum xw_xdp_mode mode;
	uint32_t u;
	uint16_t port;
	int fd, pid;

	if (!s)
		return -1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!xw_parse_u32(s, 3, 70000, &u)) {
		if (u < 3 || u > 70000)
			abort();
		same_text(s, u);
	}
	if (!xw_parse_port(s, &port)) {
		if (!port)
			abort();
		same_text(s, port);
	}
	if (!xw_parse_fd(s, &fd)) {
		if (fd < 0)
			abort();
		same_text(s, (unsigned long long)fd);
	}
	if (!xw_parse_pid(s, &pid)) {
		if (pid < 1)
			abort();
		same_text(s, (unsigned long long)pid);
	}
	if (!xw_parse_mode(s, &mode) && strcmp(xw_mode_name(mode), s))
		abort();
	free(s);
	return 0;
}
