// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Option values: numbers, ports, descriptors, pids, XDP modes and the
 * addresses a sandbox owns.  What a parser accepts must be in its range,
 * a number it accepts must be all decimal digits (no sign, blank or 0x)
 * of the value it gave, and an address it accepts or refuses by class
 * must be one address whose text reads back as the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

/* Accepted: of no refused class; -EDOM: of one; either way one address. */
static void check_ip(const char *s)
{
	struct xw_ip ip, again;
	char buf[XW_IP_STRLEN];
	int err = xw_parse_ip(s, &ip);

	if (err == -EINVAL)
		return;
	if ((err && err != -EDOM) || !xw_ip_refusal(&ip) != !err ||
	    strpbrk(s, "/% \t\n") ||
	    (ip.family != AF_INET && ip.family != AF_INET6))
		abort();
	if (xw_parse_ip(xw_ip_str(&ip, buf), &again) != err ||
	    xw_ip_cmp(&ip, &again))
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
	check_ip(s);
	free(s);
	return 0;
}
