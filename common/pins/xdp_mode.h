/* The XDP modes an install may ask for, by the names the CLI takes. */
#ifndef XW_XDP_MODE_H
#define XW_XDP_MODE_H

enum xw_xdp_mode {
	XW_MODE_AUTO,
	XW_MODE_NATIVE,
	XW_MODE_GENERIC,
};

int xw_parse_mode(const char *s, enum xw_xdp_mode *out);
const char *xw_mode_name(enum xw_xdp_mode mode);

#endif /* XW_XDP_MODE_H */
