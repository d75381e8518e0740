#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/parse.h"

int xw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts blanks, signs and 0x: a script typo must not. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int xw_parse_port(const char *s, uint16_t *out)
{
	uint32_t v;
	int err = xw_parse_u32(s, 1, 65535, &v);

	if (!err)
		*out = (uint16_t)v;
	return err;
}

int xw_parse_fd(const char *s, int *out)
{
	uint32_t v;
	int err = xw_parse_u32(s, 0, INT_MAX, &v);

	if (!err)
		*out = (int)v;
	return err;
}

int xw_parse_pid(const char *s, int *out)
{
	uint32_t v;
	int err = xw_parse_u32(s, 1, INT_MAX, &v);

	if (!err)
		*out = (int)v;
	return err;
}

/*
 * Addresses a sandbox may not own, by class: none of them names one host
 * on the link, so a frame to it is not the sandbox's alone.  Unspecified
 * and loopback never leave a host, multicast and broadcast go to many,
 * and an IPv4-mapped IPv6 address is an IPv4 address in disguise (it
 * would dodge the IPv4 table's conflict check).
 */
static const char *ipv4_refusal(const uint8_t *a)
{
	if (!a[0] && !a[1] && !a[2] && !a[3])
		return "unspecified";
	if (a[0] == 127)
		return "loopback";
	if ((a[0] & 0xf0) == 0xe0)
		return "multicast";
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "broadcast";
	return NULL;
}

static const char *ipv6_refusal(const uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	size_t k;

	if (a[0] == 0xff)
		return "multicast";
	if (!memcmp(a, mapped, sizeof(mapped)))
		return "IPv4-mapped IPv6";
	for (k = 0; k < 15 && !a[k]; k++)
		;
	if (k == 15 && a[15] <= 1)
		return a[15] ? "loopback" : "unspecified";
	return NULL;
}

const char *xw_ip_refusal(const struct xw_ip *ip)
{
	switch (ip->family) {
	case AF_INET:
		return ipv4_refusal(ip->a);
	case AF_INET6:
		return ipv6_refusal(ip->a);
	}
	return "not an IP address";
}

int xw_parse_ip(const char *s, struct xw_ip *out)
{
	struct xw_ip ip = { 0 };

	/*
	 * inet_pton takes exactly one address: no prefix, blank, zone or
	 * the shorthand forms inet_aton would guess at ("10.1", "0x0a...").
	 */
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip.a) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, s, ip.a) == 1)
		ip.family = AF_INET6;
	else
		return -EINVAL;
	*out = ip;
	return xw_ip_refusal(&ip) ? -EDOM : 0;
}

const char *xw_ip_str(const struct xw_ip *ip, char *buf)
{
	if ((ip->family != AF_INET && ip->family != AF_INET6) ||
	    !inet_ntop(ip->family, ip->a, buf, XW_IP_STRLEN))
		snprintf(buf, XW_IP_STRLEN, "(family %u)", ip->family);
	return buf;
}

int xw_ip_cmp(const struct xw_ip *a, const struct xw_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, a->family == AF_INET ? 4 : sizeof(a->a));
}
