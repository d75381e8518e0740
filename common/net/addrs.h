/*
 * The addresses a device has, as a sandbox would own them: what
 * tunnel-install --addresses-from-netns registers for the sandbox side of
 * a veth.  The reading is scrape's (an interface that is down has none;
 * every IPv4 and IPv6 local address of one that is up), and the rule of
 * what a runtime copies is scrape --steal's, kept here once.
 */
#ifndef XW_NET_ADDRS_H
#define XW_NET_ADDRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"

struct nl_addr;
struct nl_sock;
struct xw_ctx;

/*
 * The addresses of ifindex in the namespace of sk, sorted (xw_ip_cmp)
 * and each once, into out[max]; *n how many there are.  A device that is
 * down has none (n 0), as scrape skips it.  Every address is given, of
 * whatever class (the kernel lets 127.0.0.2 be put on a veth): a caller
 * registering them holds each to xw_ip_refusal() and xw_addr_copied().
 * -ENODEV (not recorded): no such device; -E2BIG (not recorded): more
 * than max, *n says how many, out holds the first max; else a netlink
 * failure, recorded.
 */
int xw_addrs_read(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		  struct xw_ip *out, size_t max, size_t *n);

/*
 * As xw_addrs_read(), whether the device is up or not (no such device:
 * none): the addresses it holds, its own again the moment it is up.
 */
int xw_addrs_held(struct xw_ctx *ctx, struct nl_sock *sk, uint32_t ifindex,
		  struct xw_ip *out, size_t max, size_t *n);

/*
 * Whether a runtime copies ip from the device into the sandbox, and so
 * whether scrape --steal takes it away: not an IPv6 link-local one
 * (fe80::/10), which each side makes its own and neighbour discovery on
 * the interface needs.
 */
bool xw_addr_copied(const struct xw_ip *ip);

/*
 * A libnl address as an xw_ip: false unless it is 4 bytes of AF_INET or
 * 16 of AF_INET6 (libnl trusts a dump's lengths; a short one is not read
 * past).
 */
bool xw_addr_from_nl(const struct nl_addr *a, struct xw_ip *ip);

#endif /* XW_NET_ADDRS_H */
