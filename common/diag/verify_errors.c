/*
 * redirect-errors: the drivers' XDP error and drop counters (their ethtool
 * statistics: veth keeps per queue rx_queue_N_drops, _xdp_drops,
 * _xdp_tx_errors and, for frames redirected into it, tx_queue_N_
 * xdp_xmit_errors, which counts a redirect its peer could not take) of
 * the install's device and of the devices it redirects to, since the last
 * run.  The last reading is kept per device in a small state file
 * (tmp + rename); none, or one that cannot be read, means "since the
 * device came up".  A redirect install's AF_XDP sockets add their drop
 * counters (sock_diag XDP_SHOW_STATS, summed over the device's sockets),
 * where the kernel has AF_XDP socket diagnostics.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/verify.h"
#include "diag/verify_int.h"
#include "inspect/health.h"
#include "inspect/kinds.h"
#include "inspect/sandboxes.h"
#include "net/ifname.h"
#include "xsk/xsk_diag.h"

/* Devices read, at most: the install's and its targets. */
#define XW_ERR_MAX_DEVS 64
/* Counters kept per device, at most. */
#define XW_ERR_MAX_STATS 256

struct err_stat {
	char name[ETH_GSTRING_LEN + IF_NAMESIZE + 2]; /* "DEV counter" */
	uint64_t value;
};

struct err_reading {
	struct err_stat *v;
	size_t n;
};

static void add_stat(struct err_reading *r, const char *dev, const char *name,
		     uint64_t value)
{
	if (r->n >= XW_ERR_MAX_STATS)
		return;
	snprintf(r->v[r->n].name, sizeof(r->v[0].name), "%s %s", dev, name);
	r->v[r->n++].value = value;
}

/* Whether an ethtool counter counts an XDP error or a drop. */
static bool is_error_stat(const char *name)
{
	size_t n = strlen(name);

	return (strstr(name, "xdp") && strstr(name, "err")) ||
	       (n >= 5 && !strcmp(name + n - 5, "drops"));
}

/* dev's error counters appended to r; 0 when the driver has none. */
static int read_dev(int sock, const char *dev, struct err_reading *r)
{
	/* The header and one length after it: one set asked for. */
	uint64_t raw[(sizeof(struct ethtool_sset_info) + sizeof(uint32_t) + 7) /
		     8] = { 0 };
	struct ethtool_sset_info *info = (void *)raw;
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *stats = NULL;
	struct ifreq ifr;
	uint32_t n, i;
	int err = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_STATS;
	ifr.ifr_data = (void *)info;
	if (ioctl(sock, SIOCETHTOOL, &ifr) || !info->sset_mask)
		return 0; /* no statistics: nothing exposed */
	n = info->data[0] < 4096 ? info->data[0] : 4096;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + (size_t)n * sizeof(uint64_t));
	if (!names || !stats) {
		err = -ENOMEM;
		goto out;
	}
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	ifr.ifr_data = (void *)names;
	if (ioctl(sock, SIOCETHTOOL, &ifr))
		goto out;
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = n;
	ifr.ifr_data = (void *)stats;
	if (ioctl(sock, SIOCETHTOOL, &ifr))
		goto out;
	for (i = 0; i < n && i < names->len && i < stats->n_stats; i++) {
		char name[ETH_GSTRING_LEN + 1];

		memcpy(name, names->data + (size_t)i * ETH_GSTRING_LEN,
		       ETH_GSTRING_LEN);
		name[ETH_GSTRING_LEN] = '\0';
		if (!is_error_stat(name) || r->n >= XW_ERR_MAX_STATS)
			continue;
		add_stat(r, dev, name, stats->data[i]);
	}
out:
	free(names);
	free(stats);
	return err;
}

/* The drops of the sockets bound to a redirect install's device. */
static int read_sockets(struct xw_vinstall *v, struct err_reading *r)
{
	struct xw_xsk_drops d = { 0 };
	int err;

	if (v->in->layout != &xw_redirect_layout)
		return 0;
	err = xw_xsk_drops(v->ctx, v->ifindex, &d);
	if (err == -ENOENT || (!err && !d.sockets))
		return 0;
	if (err)
		return err;
	add_stat(r, v->d->device, "sockets_rx_dropped", d.rx_dropped);
	add_stat(r, v->d->device, "sockets_rx_ring_full", d.rx_ring_full);
	add_stat(r, v->d->device, "sockets_rx_fill_ring_empty_descs",
		 d.fill_ring_empty);
	return 0;
}

/* The devices an install's frames leave by: itself and its targets. */
static size_t devices_of(const struct xw_vinstall *v, char devs[][IF_NAMESIZE])
{
	const struct xw_sandbox_list *sb = v->d->sandboxes;
	size_t n = 0, i;

	snprintf(devs[n++], IF_NAMESIZE, "%s", v->d->device);
	if (v->slot0 && v->slot0_name[0] && !strchr(v->slot0_name, ':'))
		snprintf(devs[n++], IF_NAMESIZE, "%s", v->slot0_name);
	for (i = 0; sb && i < sb->n && n < XW_ERR_MAX_DEVS; i++)
		if (sb->s[i].committed && sb->s[i].veth[0] &&
		    strcmp(sb->s[i].veth, v->slot0_name))
			snprintf(devs[n++], IF_NAMESIZE, "%s", sb->s[i].veth);
	return n;
}

/*
 * <state dir>/verify, made if need be and opened; -1 when it is not ours
 * alone (whoever else can write there could hide errors from us: then
 * nothing is read or kept, and counts are since the device came up).
 */
static int open_state_dir(const char *base)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (mkdir(base, 0700) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/verify", base);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_uid != geteuid() ||
	    st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The state file's name for the device in this network namespace. */
static void state_name(const struct xw_vinstall *v, char *buf, size_t size)
{
	char dirname[IFNAMSIZ];
	struct stat st;

	xw_ifname_to_dirname(v->d->device, dirname);
	if (stat("/proc/self/ns/net", &st))
		st.st_ino = 0;
	snprintf(buf, size, "%llu_%s", (unsigned long long)st.st_ino, dirname);
}

/* The last run's value of name, 0 if none (since the device came up). */
static uint64_t last_value(const struct err_reading *last, const char *name,
			   uint64_t now)
{
	size_t i;

	for (i = 0; i < last->n; i++)
		if (!strcmp(last->v[i].name, name))
			/* Lower now: the device was re-created since. */
			return last->v[i].value <= now ? last->v[i].value : 0;
	return 0;
}

/* "DEV counter VALUE" lines; anything unreadable is as if absent. */
static void load_state(int dir, const char *file, struct err_reading *last)
{
	char dev[IF_NAMESIZE + 1], name[ETH_GSTRING_LEN + 1];
	unsigned long long value;
	int fd = dir < 0 ? -1 :
			   openat(dir, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (last->n < XW_ERR_MAX_STATS &&
	       fscanf(f, "%16s %32s %llu", dev, name, &value) == 3) {
		snprintf(last->v[last->n].name, sizeof(last->v[0].name),
			 "%s %s", dev, name);
		last->v[last->n++].value = value;
	}
	fclose(f);
}

/* Written whole or not at all: tmp + rename. */
static void save_state(int dir, const char *file, const struct err_reading *now)
{
	char tmp[NAME_MAX + 1];
	size_t i;
	FILE *f;
	int fd;

	if (dir < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%.*s.tmp.%d", NAME_MAX - 20, file,
		 (int)getpid());
	fd = openat(dir, tmp,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (i = 0; i < now->n; i++)
		fprintf(f, "%s %llu\n", now->v[i].name,
			(unsigned long long)now->v[i].value);
	if (fclose(f) || renameat(dir, tmp, dir, file))
		unlinkat(dir, tmp, 0);
}

static int judge(struct xw_vinstall *v, const struct err_reading *now,
		 const struct err_reading *last, bool had_state)
{
	const char *since = had_state ? "since the last run" :
					"since the device came up";
	char why[400] = "";
	size_t i, len = 0, n_up = 0;

	if (!now->n)
		return xw_finding_add(&v->g->f, XW_LEVEL_OK, "redirect-errors",
				      NULL, "not exposed by the driver");
	for (i = 0; i < now->n; i++) {
		uint64_t d = now->v[i].value -
			     last_value(last, now->v[i].name, now->v[i].value);

		if (!d)
			continue;
		if (n_up++ < 4 && len < sizeof(why))
			len += snprintf(why + len, sizeof(why) - len,
					"%s%s +%llu", n_up > 1 ? ", " : "",
					now->v[i].name, (unsigned long long)d);
	}
	if (!n_up)
		return xw_finding_add(&v->g->f, XW_LEVEL_OK, "redirect-errors",
				      NULL,
				      "0 %s (%zu counter(s) of errors and drops)",
				      since, now->n);
	return xw_finding_add(
		&v->g->f, XW_LEVEL_WARN, "redirect-errors",
		"a veth takes redirected frames only when its peer runs XDP (or has GRO on): see xdpwire check",
		"%s%s %s", why, n_up > 4 ? ", ..." : "", since);
}

int xw_verify_errors(struct xw_vinstall *v)
{
	char devs[XW_ERR_MAX_DEVS][IF_NAMESIZE], file[NAME_MAX + 1];
	struct err_reading now = { 0 }, last = { 0 };
	size_t n, i;
	int sock, dir = -1, err = 0;
	bool had_state;

	now.v = calloc(XW_ERR_MAX_STATS, sizeof(*now.v));
	last.v = calloc(XW_ERR_MAX_STATS, sizeof(*last.v));
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!now.v || !last.v || sock < 0) {
		err = sock < 0 ? -errno : -ENOMEM;
		goto out;
	}
	n = devices_of(v, devs);
	for (i = 0; i < n && !err; i++)
		err = read_dev(sock, devs[i], &now);
	if (!err)
		err = read_sockets(v, &now);
	if (err)
		goto out;
	if (now.n)
		dir = open_state_dir(v->o->state_dir);
	state_name(v, file, sizeof(file));
	load_state(dir, file, &last);
	had_state = last.n > 0;
	err = judge(v, &now, &last, had_state);
	if (!err)
		save_state(dir, file, &now);
out:
	if (dir >= 0)
		close(dir);
	if (sock >= 0)
		close(sock);
	free(now.v);
	free(last.v);
	return err;
}
