/*
 * scrape's driver: one dump per object kind into struct xw_scrape, then
 * what is derived from them; and the helpers the object files share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/socket.h>

#include "core/exit.h"
#include "core/report.h"
#include "scrape/scrape.h"
#include "scrape/scrape_parts.h"

/* Routes arrive 64 KiB at a time, in one read each (no peek first). */
#define XW_DUMP_BUF (64 * 1024)

const char *xw_scrape_family_name(int family)
{
	return family == AF_INET ? "inet" : "inet6";
}

struct json_object *xw_scrape_lladdr(struct nl_addr *a)
{
	const uint8_t *b;
	char buf[3 * 32];
	size_t i, len = 0, n = a ? nl_addr_get_len(a) : 0;

	if (!n || n > 32)
		return NULL;
	b = nl_addr_get_binary_addr(a);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%02x",
					i ? ":" : "", b[i]);
	return json_object_new_string(buf);
}

int xw_scrape_nl_fail(struct xw_ctx *ctx, const char *what, int err)
{
	return xw_fail(ctx, XW_EXIT_OSERR, 0, "netlink", "cannot dump %s: %s",
		       what, nl_geterror(err));
}

int xw_scrape_read(struct xw_ctx *ctx, struct xw_scrape *s)
{
	int err;

	s->interfaces = json_object_new_array();
	s->loopback = json_object_new_array();
	s->skipped = json_object_new_array();
	s->gateways = json_object_new_object();
	s->defaults[0] = json_object_new_array();
	s->defaults[1] = json_object_new_array();
	nl_socket_disable_msg_peek(s->sk);
	err = nl_socket_set_msg_buf_size(s->sk, XW_DUMP_BUF);
	if (err)
		return xw_scrape_nl_fail(ctx, "anything", err);
	err = xw_scrape_read_links(ctx, s);
	if (!err)
		err = xw_scrape_read_addrs(ctx, s);
	if (!err)
		err = xw_scrape_read_routes(ctx, s);
	if (!err)
		err = xw_scrape_read_neighbors(ctx, s);
	if (!err)
		err = xw_scrape_gateways(ctx, s);
	return err;
}

void xw_scrape_free(struct xw_scrape *s)
{
	size_t k;

	json_object_put(s->interfaces);
	json_object_put(s->loopback);
	json_object_put(s->skipped);
	json_object_put(s->gateways);
	json_object_put(s->defaults[0]);
	json_object_put(s->defaults[1]);
	if (s->addr_cache)
		nl_cache_free(s->addr_cache);
	for (k = 0; k < s->n_routes; k++)
		nl_object_put(s->routes[k]);
	free(s->routes);
	free(s->ifaces);
}
