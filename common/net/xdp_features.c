#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "net/xdp_features.h"

/* From the netdev family's spec (include/uapi/linux/netdev.h). */
#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_A_DEV_MAX 8

struct genl_reply {
	uint16_t family;
	uint64_t features;
	int found;
};

static int parse_family(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genl_reply *r = arg;

	if (nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return NL_SKIP;
	r->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	r->found = 1;
	return NL_OK;
}

static int parse_dev(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NETDEV_A_DEV_MAX + 1];
	struct genl_reply *r = arg;

	if (nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, NETDEV_A_DEV_MAX,
			NULL) ||
	    !tb[NETDEV_A_DEV_XDP_FEATURES])
		return NL_SKIP;
	r->features = nla_get_u64(tb[NETDEV_A_DEV_XDP_FEATURES]);
	r->found = 1;
	return NL_OK;
}

/* One generic netlink request, its attributes put by the caller. */
static struct nl_msg *genl_msg(uint16_t family, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr hdr = { .cmd = cmd, .version = version };
	struct nl_msg *msg = nlmsg_alloc_simple(family, NLM_F_REQUEST);

	if (msg && nlmsg_append(msg, &hdr, sizeof(hdr), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int request(struct nl_sock *sk, struct nl_msg *msg,
		   nl_recvmsg_msg_cb_t parse, struct genl_reply *r)
{
	int err;

	r->found = 0;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, parse, r);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nlmsg_free(msg);
	return err < 0 ? err : 0;
}

static int nl_to_errno(int nlerr, int absent)
{
	switch (nlerr) {
	case 0:
		return 0;
	case -NLE_OBJ_NOTFOUND:
	case -NLE_NODEV:
		return -absent;
	case -NLE_NOMEM:
		return -ENOMEM;
	case -NLE_PERM:
	case -NLE_NOACCESS:
		return -EPERM;
	case -NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

int xw_xdp_features(uint32_t ifindex, uint64_t *features)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct genl_reply r = { 0 };
	struct nl_msg *msg;
	int err;

	*features = 0;
	if (!sk)
		return -ENOMEM;
	/* One reply a request: an ack left unread would answer the next. */
	nl_socket_disable_auto_ack(sk);
	err = nl_connect(sk, NETLINK_GENERIC);
	if (err) {
		err = nl_to_errno(err, EIO);
		goto out_free;
	}
	err = -NLE_NOMEM;
	msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	if (msg &&
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (msg)
		err = request(sk, msg, parse_family, &r);
	if (!err && !r.found)
		err = -NLE_OBJ_NOTFOUND;
	err = nl_to_errno(err, ENOENT);
	if (err)
		goto out_free;
	msg = genl_msg(r.family, NETDEV_CMD_DEV_GET, 1);
	if (msg && nla_put_u32(msg, NETDEV_A_DEV_IFINDEX, ifindex)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	err = msg ? request(sk, msg, parse_dev, &r) : -NLE_NOMEM;
	if (!err && !r.found)
		err = -NLE_NODEV;
	err = nl_to_errno(err, ENODEV);
	if (!err)
		*features = r.features;
out_free:
	nl_socket_free(sk);
	return err;
}

void xw_xdp_features_names(uint64_t features, char *buf, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ XW_XDP_ACT_BASIC, "basic" },
		{ XW_XDP_ACT_REDIRECT, "redirect" },
		{ XW_XDP_ACT_NDO_XMIT, "ndo-xmit" },
		{ XW_XDP_ACT_XSK_ZEROCOPY, "xsk-zerocopy" },
		{ XW_XDP_ACT_HW_OFFLOAD, "hw-offload" },
		{ XW_XDP_ACT_RX_SG, "rx-sg" },
		{ XW_XDP_ACT_NDO_XMIT_SG, "ndo-xmit-sg" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (features & names[i].bit && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? ", " : "", names[i].name);
	if (!len)
		snprintf(buf, size, "none");
}
