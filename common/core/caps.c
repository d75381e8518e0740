/* capget(2) directly: libcap would be one more library for four bits. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/exit.h"
#include "core/report.h"

uint64_t xw_caps_effective(void)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &head, data))
		return 0;
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

bool xw_has_cap(int cap)
{
	return xw_caps_effective() & XW_CAP(cap);
}

static const struct {
	int cap;
	const char *name;
} cap_names[] = {
	/* In the order the messages name them. */
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	{ CAP_BPF, "CAP_BPF" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	{ CAP_PERFMON, "CAP_PERFMON" },
};

#define N_CAP_NAMES (sizeof(cap_names) / sizeof(cap_names[0]))

/* "CAP_BPF", "CAP_BPF and CAP_PERFMON", "CAP_BPF, CAP_NET_ADMIN and ..." */
static size_t list_caps(uint64_t mask, const char *last_sep, char *buf,
			size_t size)
{
	size_t i, n = 0, left = (size_t)__builtin_popcountll(mask), len = 0;

	buf[0] = '\0';
	for (i = 0; i < N_CAP_NAMES && len < size; i++) {
		if (!(mask & XW_CAP(cap_names[i].cap)))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					!n	      ? "" :
					n + 1 == left ? last_sep :
							", ",
					cap_names[i].name);
		n++;
	}
	return n;
}

static int fail_need(struct xw_ctx *ctx, const struct xw_caps_need *need,
		     uint64_t missing)
{
	char names[96], alt[96];
	size_t n = list_caps(missing, " and ", names, sizeof(names));
	const char *noun = n == 1 ? "capability" : "capabilities";

	if (!need->alt)
		return xw_fail(ctx, XW_EXIT_NOPERM, 0, "", "missing %s %s (%s)",
			       noun, names, need->why);
	/* "CAP_BPF and CAP_NET_ADMIN" reads "CAP_BPF with CAP_NET_ADMIN". */
	list_caps(need->alt & ~XW_CAP(CAP_BPF), " and ", alt, sizeof(alt));
	return xw_fail(ctx, XW_EXIT_NOPERM, 0, "",
		       "missing %s %s (needs CAP_SYS_ADMIN, or CAP_BPF with %s)",
		       noun, names, alt);
}

int xw_caps_require(struct xw_ctx *ctx, const struct xw_caps_need *needs,
		    size_t n)
{
	uint64_t eff = xw_caps_effective(), missing;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((eff & needs[i].caps) == needs[i].caps)
			continue;
		if (needs[i].alt && (eff & needs[i].alt) == needs[i].alt)
			continue;
		/*
		 * Name what is closest: the alternative's missing members
		 * when some of it is held, else the one capability.
		 */
		missing = needs[i].caps & ~eff;
		if (needs[i].alt && (eff & needs[i].alt))
			missing = needs[i].alt & ~eff;
		return fail_need(ctx, &needs[i], missing);
	}
	return 0;
}

int xw_caps_fail_sys_admin(struct xw_ctx *ctx, const char *why)
{
	return xw_fail(ctx, XW_EXIT_NOPERM, 0, "",
		       "missing capability CAP_SYS_ADMIN (%s)", why);
}
