#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include "core/json.h"
#include "core/report.h"
#include "inspect/kinds.h"
#include "inspect/status_metrics.h"
#include "pins/pin.h"

enum family {
	F_INFO,
	F_HEALTH,
	F_OK,
	F_PACKETS,
	F_SLOTS,
	F_SANDBOXES,
	F_OWNERS_USED,
	F_OWNERS_SIZE,
	F_RUNS,
	F_RUN_SECONDS,
	N_FAMILIES
};

static const struct {
	const char *name, *type, *help;
} families[N_FAMILIES] = {
	[F_INFO] = { "xdpwire_install_info", "gauge",
		     "An install of xdpwire: its program, link and attach mode (1)." },
	[F_HEALTH] = { "xdpwire_install_health", "gauge",
		       "The install's health as status judges it: 1 for the current one, 0 for the others." },
	[F_OK] = { "xdpwire_install_ok", "gauge",
		   "Whether the install is ok (1) or not (0)." },
	[F_PACKETS] = { "xdpwire_packets_total", "counter",
			"Frames the install's program handled, by verdict, summed over CPUs." },
	[F_SLOTS] = { "xdpwire_slots", "gauge",
		      "Slots of the install's redirect map: filled, empty, or unknown (the kernel lists no AF_XDP sockets)." },
	[F_SANDBOXES] = { "xdpwire_sandboxes", "gauge",
			  "Sandboxes registered on a tunnel host install, by state." },
	[F_OWNERS_USED] = { "xdpwire_owner_table_used", "gauge",
			    "Addresses held in a tunnel host install's owner table." },
	[F_OWNERS_SIZE] = { "xdpwire_owner_table_size", "gauge",
			    "Addresses a tunnel host install's owner table can hold." },
	[F_RUNS] = { "xdpwire_program_runs_total", "counter",
		     "Runs of the install's program (kernel.bpf_stats_enabled)." },
	[F_RUN_SECONDS] = { "xdpwire_program_run_seconds_total", "counter",
			    "Time the install's program ran (kernel.bpf_stats_enabled)." },
};

static const char *const health_states[] = { "ok", "stale", "broken",
					     "other-netns" };

struct xw_status_metrics {
	/* Each family's samples, as text, in the order added. */
	FILE *f[N_FAMILIES];
	char *buf[N_FAMILIES];
	size_t len[N_FAMILIES];
	bool stats_enabled; /* kernel.bpf_stats_enabled reads 1 */
};

/* Absent or unreadable (an old kernel, no procfs) counts as off. */
static bool bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
	int on = 0;

	if (!f)
		return false;
	if (fscanf(f, "%d", &on) != 1)
		on = 0;
	fclose(f);
	return on == 1;
}

struct xw_status_metrics *xw_status_metrics_new(void)
{
	struct xw_status_metrics *m = calloc(1, sizeof(*m));
	int k;

	if (!m)
		return NULL;
	for (k = 0; k < N_FAMILIES; k++) {
		m->f[k] = open_memstream(&m->buf[k], &m->len[k]);
		if (!m->f[k]) {
			xw_status_metrics_free(m);
			return NULL;
		}
	}
	m->stats_enabled = bpf_stats_enabled();
	return m;
}

void xw_status_metrics_free(struct xw_status_metrics *m)
{
	int k;

	if (!m)
		return;
	for (k = 0; k < N_FAMILIES; k++) {
		if (m->f[k])
			fclose(m->f[k]);
		free(m->buf[k]);
	}
	free(m);
}

/*
 * A label value as the format wants it: control characters and invalid
 * UTF-8 first made visible text (xw_escape: names come from the bpffs,
 * where anybody with access can pin anything), then \ and " escaped.
 */
static void put_label(FILE *f, const char *name, const char *value)
{
	/* Nothing labelled is longer than a file name: a bound, not a cut. */
	size_t len = strlen(value);
	char vis[4 * NAME_MAX + 1];
	const char *p;

	xw_escape(value, len < NAME_MAX ? len : NAME_MAX, vis, sizeof(vis));
	fprintf(f, "%s=\"", name);
	for (p = vis; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

/* One install's labels and where its samples go. */
struct install {
	struct xw_status_metrics *m;
	const char *device, *kind, *netns;
};

/* name{device,kind,netns, with the braces left open for more labels. */
static FILE *labels(const struct install *in, enum family fam)
{
	FILE *f = in->m->f[fam];

	fprintf(f, "%s{", families[fam].name);
	put_label(f, "device", in->device);
	fputc(',', f);
	put_label(f, "kind", in->kind);
	fputc(',', f);
	put_label(f, "netns", in->netns);
	return f;
}

/* name{device,kind,netns[,label="value"]} and the space before the value. */
static FILE *sample(const struct install *in, enum family fam,
		    const char *label, const char *value)
{
	FILE *f = labels(in, fam);

	if (label && value) {
		fputc(',', f);
		put_label(f, label, value);
	}
	fputs("} ", f);
	return f;
}

static void sample_u64(const struct install *in, enum family fam,
		       const char *label, const char *value, uint64_t v)
{
	fprintf(sample(in, fam, label, value), "%" PRIu64 "\n", v);
}

static const char *str_or_empty(struct json_object *o, const char *key)
{
	return xw_json_get_str(o, key) ?: "";
}

static void add_info(const struct install *in, struct json_object *io)
{
	struct json_object *prog = xw_json_get(io, "program");
	struct json_object *link = xw_json_get(io, "link");
	FILE *f = labels(in, F_INFO);

	fputc(',', f);
	put_label(f, "program_id", str_or_empty(prog, "id"));
	fputc(',', f);
	put_label(f, "program_name", str_or_empty(prog, "name"));
	fputc(',', f);
	put_label(f, "link_id", str_or_empty(link, "id"));
	fputc(',', f);
	put_label(f, "mode", str_or_empty(io, "mode"));
	fputs("} 1\n", f);
}

static void add_health(const struct install *in, struct json_object *io)
{
	const char *health = str_or_empty(io, "health");
	size_t k;

	for (k = 0; k < sizeof(health_states) / sizeof(*health_states); k++)
		sample_u64(in, F_HEALTH, "health", health_states[k],
			   !strcmp(health, health_states[k]));
	sample_u64(in, F_OK, NULL, NULL, !strcmp(health, "ok"));
}

/* The counters map's values, by reason (status_doc.c's names). */
static void add_counters(const struct install *in, struct json_object *counters)
{
	json_object_object_foreach(counters, reason, v)
	{
		sample_u64(in, F_PACKETS, "reason", reason,
			   json_object_get_uint64(v));
	}
}

struct slots {
	bool any;
	uint64_t filled, empty, unknown;
};

/*
 * An XSKMAP's queues, each filled when a socket is bound to it (unknown
 * when the kernel cannot say); a DEVMAP lists only its filled slots.
 */
static void count_slots(struct json_object *map, struct slots *s)
{
	struct json_object *slots = xw_json_get(map, "slots");
	const char *type = str_or_empty(map, "type");
	size_t n = json_object_array_length(slots), k;

	s->any = true;
	if (strcmp(type, "xskmap")) {
		uint64_t entries =
			json_object_get_uint64(xw_json_get(map, "entries"));

		s->filled += n;
		s->empty += entries > n ? entries - n : 0;
		return;
	}
	for (k = 0; k < n; k++) {
		struct json_object *b =
			xw_json_get(json_object_array_get_idx(slots, k),
				    "sockets_bound");

		if (!b)
			s->unknown++;
		else if (json_object_get_uint64(b))
			s->filled++;
		else
			s->empty++;
	}
}

static void add_owner_table(const struct install *in, struct json_object *map,
			    const char *family)
{
	struct json_object *used = xw_json_get(map, "used");

	if (used)
		sample_u64(in, F_OWNERS_USED, "family", family,
			   json_object_get_uint64(used));
	sample_u64(in, F_OWNERS_SIZE, "family", family,
		   json_object_get_uint64(xw_json_get(map, "entries")));
}

static void add_maps(const struct install *in, struct json_object *io)
{
	struct json_object *maps = xw_json_get(io, "maps");
	struct slots s = { 0 };

	if (!json_object_is_type(maps, json_type_object))
		return;
	json_object_object_foreach(maps, name, map)
	{
		struct json_object *counters = xw_json_get(map, "counters");

		if (counters)
			add_counters(in, counters);
		else if (json_object_is_type(xw_json_get(map, "slots"),
					     json_type_array))
			count_slots(map, &s);
		else if (!strcmp(name, XW_PIN_OWNERS4))
			add_owner_table(in, map, "ipv4");
		else if (!strcmp(name, XW_PIN_OWNERS6))
			add_owner_table(in, map, "ipv6");
	}
	if (!s.any)
		return;
	sample_u64(in, F_SLOTS, "state", "filled", s.filled);
	sample_u64(in, F_SLOTS, "state", "empty", s.empty);
	sample_u64(in, F_SLOTS, "state", "unknown", s.unknown);
}

/* A sandbox's health as a state: an ok one is committed and wired. */
static void add_sandboxes(const struct install *in, struct json_object *io)
{
	struct json_object *list = xw_json_get(io, "sandboxes");
	uint64_t committed = 0, stale = 0, broken = 0;
	size_t k;

	/* None listed (no tunnel host, or its tables unreadable): absent. */
	if (!json_object_is_type(list, json_type_array))
		return;
	for (k = 0; k < json_object_array_length(list); k++) {
		const char *h = str_or_empty(json_object_array_get_idx(list, k),
					     "health");

		if (!strcmp(h, "ok"))
			committed++;
		else if (!strcmp(h, "stale"))
			stale++;
		else
			broken++;
	}
	sample_u64(in, F_SANDBOXES, "state", "committed", committed);
	sample_u64(in, F_SANDBOXES, "state", "stale", stale);
	sample_u64(in, F_SANDBOXES, "state", "broken", broken);
}

/*
 * The kernel counts a program's runs only while BPF statistics are on
 * (they cost a clock read per run); the totals stay after they are turned
 * off.  Absent, not 0, when there is nothing counted: 0 would read as
 * "never ran".
 */
static void add_runs(const struct install *in, struct json_object *io)
{
	struct json_object *id = xw_json_get(xw_json_get(io, "program"), "id");
	struct bpf_prog_info pi;

	if (!id ||
	    xw_prog_info_by_id((uint32_t)json_object_get_uint64(id), &pi))
		return;
	if (!in->m->stats_enabled && !pi.run_cnt && !pi.run_time_ns)
		return;
	sample_u64(in, F_RUNS, NULL, NULL, pi.run_cnt);
	fprintf(sample(in, F_RUN_SECONDS, NULL, NULL),
		"%" PRIu64 ".%09" PRIu64 "\n",
		(uint64_t)pi.run_time_ns / 1000000000u,
		(uint64_t)pi.run_time_ns % 1000000000u);
}

/* "tunnel host" is tunnel_host: label values are names, not prose. */
static void kind_label(const char *kind, char *out, size_t size)
{
	char *p;

	snprintf(out, size, "%s", kind);
	for (p = out; *p; p++)
		if (*p == ' ')
			*p = '_';
}

int xw_status_metrics_add_dir(struct xw_status_metrics *m,
			      struct json_object *dir)
{
	struct json_object *installs = xw_json_get(dir, "installs");
	const char *netns = str_or_empty(dir, "netns");
	size_t n, k;
	char kind[32];
	int f;

	/* "netns:<inode>" names the namespace by its inode alone. */
	if (!strncmp(netns, "netns:", 6))
		netns += 6;
	n = json_object_is_type(installs, json_type_array) ?
		    json_object_array_length(installs) :
		    0;
	for (k = 0; k < n; k++) {
		struct json_object *io = json_object_array_get_idx(installs, k);
		struct install in = { m, str_or_empty(dir, "device"), kind,
				      netns };

		kind_label(str_or_empty(io, "kind"), kind, sizeof(kind));
		add_info(&in, io);
		add_health(&in, io);
		add_maps(&in, io);
		add_sandboxes(&in, io);
		add_runs(&in, io);
	}
	for (f = 0; f < N_FAMILIES; f++)
		if (ferror(m->f[f]))
			return -ENOMEM;
	return 0;
}

static void header(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int xw_status_metrics_print(const struct xw_status_metrics *m,
			    const char *version, FILE *f)
{
	int k;

	/*
	 * Flushed, each stream's buffer holds all its text; all of them
	 * first, so that nothing is printed of a rendering that failed.
	 */
	for (k = 0; k < N_FAMILIES; k++)
		if (fflush(m->f[k]) || ferror(m->f[k]))
			return -ENOMEM;
	header(f, "xdpwire_build_info", "gauge",
	       "The xdpwire that wrote these metrics (1).");
	fputs("xdpwire_build_info{", f);
	put_label(f, "version", version);
	fputs("} 1\n", f);
	for (k = 0; k < N_FAMILIES; k++) {
		if (!m->len[k])
			continue;
		header(f, families[k].name, families[k].type, families[k].help);
		fwrite(m->buf[k], 1, m->len[k], f);
	}
	return ferror(f) ? -EIO : 0;
}
