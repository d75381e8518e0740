#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int xw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts blanks, signs and 0x: a script typo must not. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int xw_parse_port(const char *s, uint16_t *out)
{
	uint32_t v;
	int err = xw_parse_u32(s, 1, 65535, &v);

	if (!err)
		*out = (uint16_t)v;
	return err;
}

int xw_parse_fd(const char *s, int *out)
{
	uint32_t v;
	int err = xw_parse_u32(s, 0, INT_MAX, &v);

	if (!err)
		*out = (int)v;
	return err;
}

int xw_parse_pid(const char *s, int *out)
{
	uint32_t v;
	int err = xw_parse_u32(s, 1, INT_MAX, &v);

	if (!err)
		*out = (int)v;
	return err;
}
