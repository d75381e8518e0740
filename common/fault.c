#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

int xw_fault(const char *point)
{
	const char *want = getenv("XDPWIRE_TEST_FAULT");

	if (!want || !*want)
		return 0;
	if (!strncmp(want, "kill:", 5) && !strcmp(want + 5, point))
		raise(SIGKILL);
	return strcmp(want, point) ? 0 : -EIO;
}
