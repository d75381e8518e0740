/*
 * Typed parsers for option values, each with range checks, so that no
 * subcommand parses a number by hand.  They return 0 or -EINVAL/-ERANGE and
 * never print: the option parser reports with the option's name.
 */
#ifndef XW_PARSE_H
#define XW_PARSE_H

#include <stdint.h>

/* Decimal only: a leading zero or sign is not a different number here. */
int xw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* A TCP port, 1..65535. */
int xw_parse_port(const char *s, uint16_t *out);

/* A file descriptor number of this process, 0..INT_MAX. */
int xw_parse_fd(const char *s, int *out);

/* A process id, 1..INT_MAX. */
int xw_parse_pid(const char *s, int *out);

/* An IPv4 or IPv6 address, in network byte order (IPv4 in a[0..3]). */
struct xw_ip {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t a[16];
};

/* Longest text xw_ip_str() writes, with the NUL: INET6_ADDRSTRLEN. */
#define XW_IP_STRLEN 46

/*
 * A single host address a sandbox may own: IPv4 dotted quad or IPv6 text
 * (inet_pton), no prefix, not unspecified, loopback, multicast, IPv4
 * broadcast or IPv4-mapped IPv6.  -EINVAL: not an address; -EDOM: an
 * address of a refused class (the parser reports which).
 */
int xw_parse_ip(const char *s, struct xw_ip *out);

/*
 * Why xw_parse_ip() refused s with -EDOM, for its message: "loopback"...;
 * NULL for an address a sandbox may own (xw_parse_ip() fills out either
 * way, so an address read elsewhere is held to the same rule).
 */
const char *xw_ip_refusal(const struct xw_ip *ip);

/* ip as text (inet_ntop) into buf of XW_IP_STRLEN; returns buf. */
const char *xw_ip_str(const struct xw_ip *ip, char *buf);

/* Total order for sorting and equality: family, then bytes. */
int xw_ip_cmp(const struct xw_ip *a, const struct xw_ip *b);

#endif /* XW_PARSE_H */
