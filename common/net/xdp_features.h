/*
 * The XDP features a device's driver declares (xdp_features, Linux 6.3+),
 * as the "netdev" generic netlink family reports them.  Neither libbpf 1.1
 * (bpf_xdp_query has no feature_flags yet) nor the installed uapi headers
 * know them, so the family's numbers are spelled out here, from
 * Documentation/netlink/specs/netdev.yaml.
 */
#ifndef XW_XDP_FEATURES_H
#define XW_XDP_FEATURES_H

#include <stddef.h>
#include <stdint.h>

/* enum netdev_xdp_act */
#define XW_XDP_ACT_BASIC 0x1 /* XDP_PASS, DROP, ABORTED, TX in the driver */
#define XW_XDP_ACT_REDIRECT 0x2 /* XDP_REDIRECT from the driver */
#define XW_XDP_ACT_NDO_XMIT 0x4 /* a redirect target (ndo_xdp_xmit) */
#define XW_XDP_ACT_XSK_ZEROCOPY 0x8
#define XW_XDP_ACT_HW_OFFLOAD 0x10
#define XW_XDP_ACT_RX_SG 0x20 /* multi-buffer frames in (xdp.frags) */
#define XW_XDP_ACT_NDO_XMIT_SG 0x40 /* multi-buffer frames as a target */

/*
 * The features of the device with ifindex in this namespace.  -ENOENT:
 * the kernel has no "netdev" family (before 6.3), so it does not say;
 * -ENODEV: no such device; another -errno: the request failed.
 */
int xw_xdp_features(uint32_t ifindex, uint64_t *features);

/* "basic, redirect, ..." (the names ynl prints), "none" for 0. */
void xw_xdp_features_names(uint64_t features, char *buf, size_t size);

#endif /* XW_XDP_FEATURES_H */
