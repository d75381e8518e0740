/* The command that repairs an install; see repair_cmd.h. */
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect/health.h"
#include "inspect/repair_cmd.h"
#include "inspect/sandboxes.h"

#define XW_DEFAULT_BPFFS "/sys/fs/bpf"
#define XW_NETNS_RUN_DIR "/run/netns"

/* Appends s to buf, in single quotes unless it is plainly safe. */
static void append_word(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);
	bool plain = *s != '\0';
	const char *c;

	for (c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-./:@+,=%",
			    *c))
			plain = false;
	if (plain) {
		snprintf(buf + len, size - len, " %s", s);
		return;
	}
	snprintf(buf + len, size - len, " '");
	for (c = s; *c; c++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s",
			 *c == '\'' ? "'\\''" : (char[2]){ *c, '\0' });
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "'");
}

/*
 * A path to the namespace of a "netns:<inode>" directory: the --netns given
 * when it is that namespace, else a name ip-netns(8) gave it.
 */
static bool netns_path(const struct xw_repair_scope *scope, char *path,
		       size_t size)
{
	uint64_t ino = strtoull(scope->prefix + strlen("netns:"), NULL, 10);
	struct dirent *e;
	struct stat st;
	bool found = false;
	DIR *dp;

	if (scope->netns && !stat(scope->netns, &st) && st.st_ino == ino) {
		snprintf(path, size, "%s", scope->netns);
		return true;
	}
	dp = opendir(XW_NETNS_RUN_DIR);
	while (dp && !found && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, size, "%s/%s", XW_NETNS_RUN_DIR, e->d_name);
		found = !stat(path, &st) && st.st_ino == ino;
	}
	if (dp)
		closedir(dp);
	return found;
}

/*
 * Seen from outside its namespace, an install whose link pin was lost
 * cannot be judged (its device cannot be looked up from here); pin-gc
 * --repair --netns judges it there and restores or removes it.
 */
static bool from_outside_relinkable(const struct xw_found_dir *d,
				    const struct xw_found_install *in)
{
	const struct xw_found_pin *link = xw_found_link(in),
				  *prog = xw_found_prog(in);

	return !d->checked && !in->runtime && link->obj.fd < 0 &&
	       !link->present && prog->obj.fd >= 0;
}

/* The options that reach d's directory: --netns, --bpffs, --device. */
static bool append_scope(const struct xw_repair_scope *scope,
			 const struct xw_found_dir *d, char *buf, size_t size)
{
	char ns[PATH_MAX];

	if (scope->prefix[0]) {
		/* No path known: a guessed one would not be exact. */
		if (!netns_path(scope, ns, sizeof(ns)))
			return false;
		append_word(buf, size, "--netns");
		append_word(buf, size, ns);
	}
	if (strcmp(scope->bpffs, XW_DEFAULT_BPFFS)) {
		append_word(buf, size, "--bpffs");
		append_word(buf, size, scope->bpffs);
	}
	append_word(buf, size, "--device");
	append_word(buf, size, d->device);
	return true;
}

bool xw_repair_command(const struct xw_repair_scope *scope,
		       const struct xw_found_dir *d,
		       const struct xw_found_install *in, char *buf,
		       size_t size)
{
	if (in->health == XW_HEALTH_OK)
		return false;
	switch (in->repair) {
	case XW_GC_REPIN:
	case XW_GC_REATTACH:
	case XW_GC_RELINK:
		snprintf(buf, size, "xdpwire pin-gc --repair");
		break;
	case XW_GC_REMOVE:
		snprintf(buf, size, "xdpwire pin-gc");
		break;
	default:
		if (!from_outside_relinkable(d, in))
			return false;
		snprintf(buf, size, "xdpwire pin-gc --repair");
		break;
	}
	return append_scope(scope, d, buf, size);
}

bool xw_repair_sandbox_command(const struct xw_repair_scope *scope,
			       const struct xw_found_dir *d,
			       const struct xw_sandbox *s, char *buf,
			       size_t size)
{
	if (s->gc == XW_GC_REMOVE) {
		snprintf(buf, size, "xdpwire pin-gc");
		return append_scope(scope, d, buf, size);
	}
	/*
	 * Left alone: the veth's --unpin undoes whatever was killed, in the
	 * namespace the veth is in, which only the root's directories are.
	 */
	if (s->health == XW_HEALTH_OK || !s->veth[0] || scope->prefix[0])
		return false;
	snprintf(buf, size, "xdpwire tunnel-install");
	if (!append_scope(scope, d, buf, size))
		return false;
	append_word(buf, size, "--veth");
	append_word(buf, size, s->veth);
	append_word(buf, size, "--unpin");
	return true;
}
