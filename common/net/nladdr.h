/*
 * nladdr: a libnl address as an IP address's text, only when it is one.
 * libnl's own nl_addr2str hands inet_ntop an address of any length under
 * the family it was given (found by tests/fuzz/fuzz_nl_objects): an
 * AF_INET address of one byte is read 3 bytes past its end.
 */
#ifndef XW_NLADDR_H
#define XW_NLADDR_H

#include <stddef.h>

struct nl_addr;

/* As inet_ntop writes it; NULL unless a is 4 bytes of AF_INET or 16 of AF_INET6. */
const char *xw_nladdr_ip(const struct nl_addr *a, char *buf, size_t size);

#endif /* XW_NLADDR_H */
