#include <errno.h>
#include <string.h>

#include "pins/xdp_mode.h"

static const char *const mode_names[] = {
	[XW_MODE_AUTO] = "auto",
	[XW_MODE_NATIVE] = "native",
	[XW_MODE_GENERIC] = "generic",
};

int xw_parse_mode(const char *s, enum xw_xdp_mode *out)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (s && !strcmp(s, mode_names[i])) {
			*out = (enum xw_xdp_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *xw_mode_name(enum xw_xdp_mode mode)
{
	return mode_names[mode];
}
