/*
 * Puts back what an interrupted scrape --steal journaled: each address by
 * the very request that adds it (made by libnl from the dumped address,
 * so with its flags and lifetimes), then the routes.  Only requests that
 * add an address or a route are sent, whatever the file says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "core/exit.h"
#include "core/report.h"
#include "scrape/steal.h"
#include "scrape/steal_journal.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The request in hex, checked to be one message adding type; or NULL. */
static struct nlmsghdr *decode(struct json_object *hex, uint16_t type,
			       size_t body)
{
	const char *text = json_object_get_string(hex);
	size_t k, len = text ? strlen(text) / 2 : 0;
	struct nlmsghdr *hdr;
	uint8_t *b;

	if (!json_object_is_type(hex, json_type_string) ||
	    strlen(text) != 2 * len || len < NLMSG_LENGTH(body) || len > 65536)
		return NULL;
	b = malloc(len);
	if (!b)
		return NULL;
	for (k = 0; k < len; k++) {
		int hi = hex_value(text[2 * k]),
		    lo = hex_value(text[2 * k + 1]);

		if (hi < 0 || lo < 0) {
			free(b);
			return NULL;
		}
		b[k] = (uint8_t)(hi << 4 | lo);
	}
	hdr = (struct nlmsghdr *)b;
	if (hdr->nlmsg_len != len || hdr->nlmsg_type != type) {
		free(b);
		return NULL;
	}
	/* An add that never replaces: what is there already stays. */
	hdr->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	return hdr;
}

static int send_request(struct nl_sock *sk, struct nlmsghdr *hdr)
{
	struct nl_msg *msg = nlmsg_convert(hdr);

	free(hdr);
	if (!msg)
		return -NLE_NOMEM;
	return nl_send_sync(sk, msg);
}

struct replay {
	struct xw_ctx *ctx;
	struct nl_sock *sk;
	struct xw_journal *j;
	bool report;
	bool stale; /* the journal of another namespace */
};

static int bad_journal(struct replay *r, const char *what)
{
	return xw_fail(r->ctx, XW_EXIT_DATAERR, 0, r->j->path,
		       "not a journal of scrape --steal (%s): left alone",
		       what);
}

static int put_address(struct replay *r, struct json_object *a)
{
	struct json_object *name, *index, *addr, *req;
	struct ifaddrmsg *ifa;
	struct nlmsghdr *hdr;
	char detail[96];
	int err;

	if (!json_object_object_get_ex(a, "interface", &name) ||
	    !json_object_object_get_ex(a, "ifindex", &index) ||
	    !json_object_object_get_ex(a, "address", &addr) ||
	    !json_object_object_get_ex(a, "request", &req) ||
	    !json_object_is_type(name, json_type_string) ||
	    !json_object_is_type(index, json_type_int) ||
	    !json_object_is_type(addr, json_type_string))
		return bad_journal(r, "an address without its fields");
	hdr = decode(req, RTM_NEWADDR, sizeof(*ifa));
	ifa = hdr ? NLMSG_DATA(hdr) : NULL;
	if (!ifa || (int64_t)ifa->ifa_index != json_object_get_int64(index) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)) {
		free(hdr);
		return bad_journal(r, "an address request that is not one");
	}
	snprintf(detail, sizeof(detail), "%s to %s",
		 json_object_get_string(addr), json_object_get_string(name));
	err = send_request(r->sk, hdr);
	if (err == -NLE_EXIST) {
		xw_debug(r->ctx, 1, "address %s: still there", detail);
		return 0;
	}
	/* Gone with its interface: there is nowhere to put it back. */
	if (err == -NLE_NODEV) {
		xw_warn(r->ctx, json_object_get_string(name),
			"gone (ifindex %d): address %s cannot be put back",
			json_object_get_int(index),
			json_object_get_string(addr));
		return 0;
	}
	if (err)
		return xw_fail(r->ctx, xw_exit_for_nl(err), 0,
			       json_object_get_string(name),
			       "cannot put back address %s: %s (journal %s kept)",
			       json_object_get_string(addr), nl_geterror(err),
			       r->j->path);
	if (r->report)
		xw_change(r->ctx, &(struct xw_change){ .action = "restored",
						       .object = "address",
						       .detail = detail });
	else
		xw_debug(r->ctx, 1, "put back address %s", detail);
	return 0;
}

/*
 * Routes the kernel made for the addresses are back with them (EEXIST);
 * one whose device or gateway is gone cannot come back, and says so.
 */
static void put_route(struct replay *r, struct json_object *req)
{
	struct nlmsghdr *hdr = decode(req, RTM_NEWROUTE, sizeof(struct rtmsg));
	int err;

	if (!hdr) {
		xw_warn(r->ctx, r->j->path,
			"a route request that is not one: skipped");
		return;
	}
	err = send_request(r->sk, hdr);
	/* Its interface is gone: the address warning said so. */
	if (err == -NLE_NODEV)
		xw_debug(r->ctx, 1,
			 "a route of an interface gone: not put back");
	else if (err && err != -NLE_EXIST)
		xw_warn(r->ctx, "routes", "cannot put back a route: %s",
			nl_geterror(err));
}

static int replay(struct replay *r, struct json_object *doc)
{
	struct json_object *v, *cookie, *addrs, *routes;
	size_t k;
	int err;

	if (!json_object_object_get_ex(doc, "version", &v) ||
	    json_object_get_int(v) != 1 ||
	    !json_object_object_get_ex(doc, "netns_cookie", &cookie) ||
	    !json_object_object_get_ex(doc, "addresses", &addrs) ||
	    !json_object_object_get_ex(doc, "routes", &routes) ||
	    !json_object_is_type(addrs, json_type_array) ||
	    !json_object_is_type(routes, json_type_array))
		return bad_journal(
			r,
			"version 1 with netns_cookie, addresses, routes expected");
	/*
	 * Inodes of namespaces are reused, cookies are not (until a reboot,
	 * which empties /run): this journal's namespace has gone, and its
	 * addresses with it.
	 */
	if (json_object_get_uint64(cookie) != r->j->cookie) {
		xw_warn(r->ctx, r->j->path,
			"journal of a namespace that is gone (this one has its inode): removed");
		r->stale = true;
		return 0;
	}
	for (k = 0; k < json_object_array_length(addrs); k++) {
		err = put_address(r, json_object_array_get_idx(addrs, k));
		if (err)
			return err;
	}
	for (k = 0; k < json_object_array_length(routes); k++)
		put_route(r, json_object_array_get_idx(routes, k));
	return 0;
}

int xw_steal_replay(struct xw_ctx *ctx, struct nl_sock *sk,
		    struct xw_journal *j, bool report, bool *found)
{
	struct replay r = { ctx, sk, j, report, false };
	struct json_object *doc;
	int err;

	*found = false;
	err = xw_journal_read(ctx, j, &doc);
	if (err || !doc)
		return err;
	*found = true;
	xw_debug(ctx, 1,
		 "%s: an interrupted --steal: putting back what it took",
		 j->path);
	err = replay(&r, doc);
	json_object_put(doc);
	if (!err)
		err = xw_journal_remove(ctx, j);
	/* Nothing of this namespace was in it. */
	*found = !r.stale;
	return err;
}
