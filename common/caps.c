/* capget(2) directly: libcap would be one more library for three bits. */
#include <linux/capability.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"

bool xw_has_cap(int cap)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &head, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

bool xw_missing_caps(char *buf, size_t size)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
		{ CAP_BPF, "CAP_BPF" },
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	};
	const char *missing[3];
	size_t i, n = 0;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!xw_has_cap(caps[i].cap))
			missing[n++] = caps[i].name;
	buf[0] = '\0';
	if (n == 1)
		snprintf(buf, size, "%s", missing[0]);
	else if (n == 2)
		snprintf(buf, size, "%s and %s", missing[0], missing[1]);
	else if (n == 3)
		snprintf(buf, size, "%s, %s and %s", missing[0], missing[1],
			 missing[2]);
	return n > 0;
}
