#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "net/ifname.h"

/* The kernel's isspace(): its ctype table also counts 0xa0 (Latin-1 NBSP). */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

const char *xw_ifname_problem(const char *name)
{
	const char *p;

	if (!name || !*name)
		return "empty";
	if (strlen(name) >= IFNAMSIZ)
		return "longer than 15 bytes";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "'.' and '..' are not device names";
	for (p = name; *p; p++) {
		if (*p == '/')
			return "contains '/'";
		if (*p == ':')
			return "contains ':'";
		if (kernel_isspace((unsigned char)*p))
			return "contains white space";
	}
	return NULL;
}

void xw_ifname_to_dirname(const char *name, char out[IFNAMSIZ])
{
	size_t i;

	for (i = 0; i < IFNAMSIZ - 1 && name[i]; i++)
		out[i] = name[i] == '.' ? ':' : name[i];
	out[i] = '\0';
}

int xw_dirname_to_ifname(const char *dir, char out[IFNAMSIZ])
{
	size_t i;

	if (strlen(dir) >= IFNAMSIZ || strchr(dir, '.'))
		return -EINVAL;
	for (i = 0; dir[i]; i++)
		out[i] = dir[i] == ':' ? '.' : dir[i];
	out[i] = '\0';
	return xw_ifname_problem(out) ? -EINVAL : 0;
}
