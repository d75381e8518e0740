#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"

/* How often the asked-for point was reached; one point is asked at a time. */
static unsigned long hits;

/* Whether want ("name" or "name@N") names point, and this is the hit. */
static int matches(const char *want, const char *point)
{
	const char *at = strchr(want, '@');
	size_t len = at ? (size_t)(at - want) : strlen(want);

	if (strlen(point) != len || strncmp(want, point, len))
		return 0;
	hits++;
	return !at || strtoul(at + 1, NULL, 10) == hits;
}

int xw_fault(const char *point)
{
	const char *want = getenv("XDPWIRE_TEST_FAULT");

	if (!want || !*want)
		return 0;
	if (!strncmp(want, "kill:", 5)) {
		if (matches(want + 5, point))
			raise(SIGKILL);
		return 0;
	}
	return matches(want, point) ? -EIO : 0;
}
