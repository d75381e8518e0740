#include <arpa/inet.h>
#include <sys/socket.h>

#include <netlink/addr.h>

#include "net/nladdr.h"

const char *xw_nladdr_ip(const struct nl_addr *a, char *buf, size_t size)
{
	int family = a ? nl_addr_get_family(a) : 0;
	unsigned int want = family == AF_INET ? 4 : 16;

	if ((family != AF_INET && family != AF_INET6) ||
	    nl_addr_get_len(a) != want)
		return NULL;
	return inet_ntop(family, nl_addr_get_binary_addr(a), buf,
			 (socklen_t)size);
}
