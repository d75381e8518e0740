/*
 * What the device's driver can do with XDP: the features it declares,
 * multi-buffer frames, and whether its MTU lets a program that is not
 * frags-aware (all of xdpwire's: SEC("xdp")) attach natively.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "diag/check_facts.h"
#include "diag/finding.h"
#include "net/xdp_features.h"

/*
 * A single-buffer frame is one page: the headroom every driver keeps
 * (XDP_PACKET_HEADROOM, 256; NET_IP_ALIGN is 0 on x86) and the
 * skb_shared_info at its end (SKB_DATA_ALIGN(sizeof()), 320 on x86_64
 * 6.x with MAX_SKB_FRAGS 17) are not the frame's.  veth_xdp_set() then
 * takes the peer's hard_header_len (an Ethernet header, 14) off: with 4 KiB
 * pages 3506, which the kernel enforces as it refuses 3507 (tests/45).
 */
#define XDP_HEADROOM 256
#define SHINFO_SIZE 320
#define ETH_HEADER 14

static uint32_t single_buffer_mtu(void)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	return (uint32_t)page - XDP_HEADROOM - SHINFO_SIZE - ETH_HEADER;
}

static int features(const struct xw_check_facts *fx, struct xw_findings *f)
{
	const char *dev = fx->dev.name;
	char names[128];

	if (fx->features_err == -ENOENT)
		return xw_finding_add(
			f, XW_LEVEL_WARN, "xdp-features",
			"an install in auto mode tries native and falls back to generic by itself",
			"not reported: this kernel has no \"netdev\" generic netlink family (Linux < 6.3)");
	if (fx->features_err)
		return xw_finding_add(f, XW_LEVEL_WARN, "xdp-features", NULL,
				      "not read: %s",
				      strerror(-fx->features_err));
	xw_xdp_features_names(fx->features, names, sizeof(names));
	if (!(fx->features & XW_XDP_ACT_BASIC))
		return xw_finding_add(
			f, XW_LEVEL_WARN, "xdp-features",
			"--mode generic, which is what --mode auto (the default) falls back to",
			"%s has no native XDP (features: %s): generic (skb) mode only, slower and after the stack allocated an skb",
			dev, names);
	if (!(fx->features & XW_XDP_ACT_REDIRECT))
		return xw_finding_add(
			f, XW_LEVEL_WARN, "xdp-features",
			"--mode generic: redirects there do not depend on the driver",
			"%s has native XDP but no native XDP_REDIRECT (features: %s): every frame xdpwire's program redirects would be dropped",
			dev, names);
	return xw_finding_add(
		f, XW_LEVEL_OK, "xdp-features", NULL,
		"%s: native XDP with redirect (features: %s); generic mode works anywhere",
		dev, names);
}

static int multi_buffer(const struct xw_check_facts *fx, struct xw_findings *f)
{
	bool rx = fx->features & XW_XDP_ACT_RX_SG;
	bool tx = fx->features & XW_XDP_ACT_NDO_XMIT_SG;

	if (fx->features_err)
		return xw_finding_add(f, XW_LEVEL_WARN, "multi-buffer", NULL,
				      "not reported (see xdp-features)");
	if (rx && tx)
		return xw_finding_add(
			f, XW_LEVEL_OK, "multi-buffer", NULL,
			"rx-sg and ndo-xmit-sg: frames over one buffer can reach a frags-aware program (xdp.frags); xdpwire's are not, so the mtu check decides");
	return xw_finding_add(
		f, XW_LEVEL_WARN, "multi-buffer", NULL,
		"%s, %s: frames over one buffer are not taken in native mode (see mtu)",
		rx ? "rx-sg" : "no rx-sg",
		tx ? "ndo-xmit-sg" : "no ndo-xmit-sg");
}

/* A veth: the kernel refuses a native attach when the PEER's MTU is over. */
static int veth_mtu(const struct xw_check_facts *fx, uint32_t limit,
		    struct xw_findings *f)
{
	const struct xw_check_end *p = &fx->peer;
	char fix[256];

	if (!p->name[0] || p->mtu_err)
		return xw_finding_add(
			f, XW_LEVEL_WARN, "mtu", NULL,
			"the MTU of %s's peer%s was not read (%s): a native attach needs it at most %u",
			fx->dev.name, fx->peer_where,
			strerror(-(fx->peer_err	      ?:
					   p->mtu_err ?:
							-ENODEV)),
			limit);
	if (p->mtu <= limit)
		return xw_finding_add(
			f, XW_LEVEL_OK, "mtu", NULL,
			"peer %s%s has MTU %u, within %u, the single-buffer limit of native XDP on a veth with %ld-byte pages",
			p->name, fx->peer_where, p->mtu, limit,
			sysconf(_SC_PAGESIZE));
	snprintf(fix, sizeof(fix),
		 "ip link set dev %s mtu %u (in its namespace), or --mode generic",
		 p->name, limit);
	return xw_finding_add(
		f, XW_LEVEL_FAIL, "mtu", fix,
		"peer %s%s has MTU %u, over %u, the single-buffer limit of native XDP on a veth with %ld-byte pages (page - 256 headroom - 320 skb_shared_info - 14 header): the kernel refuses a native attach (ERANGE, \"Peer MTU is too large to set XDP\"); a frags-aware program (xdp.frags) would take it, xdpwire's are not; generic mode works",
		p->name, fx->peer_where, p->mtu, limit, sysconf(_SC_PAGESIZE));
}

static int mtu(const struct xw_check_facts *fx, struct xw_findings *f)
{
	uint32_t limit = single_buffer_mtu();

	if (fx->veth)
		return veth_mtu(fx, limit, f);
	if (fx->dev.mtu_err)
		return xw_finding_add(f, XW_LEVEL_WARN, "mtu", NULL,
				      "not read: %s",
				      strerror(-fx->dev.mtu_err));
	if (fx->dev.mtu <= limit)
		return xw_finding_add(
			f, XW_LEVEL_OK, "mtu", NULL,
			"MTU %u, within %u, what one %ld-byte page holds for native XDP",
			fx->dev.mtu, limit, sysconf(_SC_PAGESIZE));
	return xw_finding_add(
		f, XW_LEVEL_WARN, "mtu",
		"a smaller MTU (ip link set dev DEV mtu N), or --mode generic",
		"MTU %u, over %u, what one %ld-byte page holds: drivers differ, but many refuse a native attach of a program that is not frags-aware (xdp.frags; xdpwire's are not); generic mode works",
		fx->dev.mtu, limit, sysconf(_SC_PAGESIZE));
}

int xw_check_device(struct xw_ctx *ctx, const struct xw_check_facts *fx,
		    struct xw_findings *f)
{
	(void)ctx;
	return features(fx, f) ?: multi_buffer(fx, f) ?: mtu(fx, f);
}
