/*
 * INTERIM, to be deleted when p15-addrs-ready is merged: weak stand-ins
 * for the address functions of core/parse.h this part calls, so the
 * branch links and its tests run before that part lands.  The real,
 * strong definitions replace these at link time.
 */
#include <arpa/inet.h>
#include <string.h>

#include "core/parse.h"

#define XW_WEAK __attribute__((weak))

XW_WEAK const char *xw_ip_str(const struct xw_ip *ip, char *buf)
{
	return inet_ntop(ip->family, ip->a, buf, XW_IP_STRLEN) ?: "?";
}

XW_WEAK int xw_ip_cmp(const struct xw_ip *a, const struct xw_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, sizeof(a->a));
}
