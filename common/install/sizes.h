/*
 * The sizes a request gives its maps (tunnel-install --max-sandboxes,
 * --max-addresses) against the maps already pinned.  A map's size is fixed
 * when the kernel makes it: a pinned map is reused whatever its size when
 * the request names none, and refused when it names another.
 */
#ifndef XW_INSTALL_SIZES_H
#define XW_INSTALL_SIZES_H

struct xw_ctx;
struct xw_dev;
struct xw_found_install;
struct xw_install;
struct xw_pindir;

/*
 * Before anything changes: each map of in->sized_maps that is pinned
 * (or, its pin lost, used by the live program, live_fds by role) must
 * have the size in's map asks; else exit 65 naming the pin, both sizes
 * and the way out.
 */
int xw_install_check_sizes(struct xw_ctx *ctx, const struct xw_dev *dev,
			   const struct xw_pindir *dir,
			   const struct xw_install *in,
			   const struct xw_found_install *st,
			   const int *live_fds);

#endif /* XW_INSTALL_SIZES_H */
