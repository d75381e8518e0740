#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "status_text.h"

#define ROW "%-20s %-12s %-7s %-22s %-8s %-16s %s\n"

static struct json_object *get(struct json_object *o, const char *key)
{
	return o ? json_object_object_get(o, key) : NULL;
}

/* The value as text, NULL when absent or null. */
static const char *opt(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

static const char *str(struct json_object *o, const char *key)
{
	return opt(o, key) ?: "-";
}

/* "q0:1 q1:0" for an XSKMAP, "0->h0" for a DEVMAP, "-" for nothing. */
static void slots_text(struct json_object *maps, char *buf, size_t size)
{
	size_t len = 0, k;

	buf[0] = '\0';
	json_object_object_foreach(maps, name, m)
	{
		struct json_object *slots = get(m, "slots");

		(void)name;
		for (k = 0;
		     slots && k < json_object_array_length(slots) && len < size;
		     k++) {
			struct json_object *s =
				json_object_array_get_idx(slots, k);

			if (get(s, "queue"))
				len += (size_t)snprintf(buf + len, size - len,
							"%sq%s:%s",
							len ? " " : "",
							str(s, "queue"),
							str(s,
							    "sockets_bound"));
			else
				len += (size_t)snprintf(buf + len, size - len,
							"%s%s->%s",
							len ? " " : "",
							str(s, "key"),
							opt(s, "device") ?:
									   str(s,
									       "ifindex"));
		}
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void counters_text(struct json_object *maps, char *buf, size_t size)
{
	snprintf(buf, size, "-");
	json_object_object_foreach(maps, name, m)
	{
		struct json_object *c = get(m, "counters");

		(void)name;
		if (c)
			snprintf(buf, size, "%s/%s/%s/%s", str(c, "forwarded"),
				 str(c, "pass_port"), str(c, "no_target"),
				 str(c, "malformed"));
	}
}

/*
 * Under an install: whose it is when it is the runtime's own, and under
 * an unhealthy one the command that repairs it, if any.
 */
static void print_repair(FILE *f, struct json_object *in)
{
	const char *repair = opt(in, "repair");

	if (!strcmp(str(in, "owner"), "runtime"))
		fprintf(f,
			"%-20s owner: the runtime's own (its program, judged by its link and device)\n",
			"");
	if (!strcmp(str(in, "health"), "ok"))
		return;
	fprintf(f, "%-20s repair: %s\n", "",
		repair ?: "no command for it (see why)");
}

static void print_install(FILE *f, const char *where, struct json_object *in)
{
	struct json_object *prog = get(in, "program"), *link = get(in, "link");
	char p[64] = "-", l[64] = "-", slots[256], counters[96], cols[352];
	const char *why = opt(in, "why");

	if (prog)
		snprintf(p, sizeof(p), "%s %s", str(prog, "id"),
			 str(prog, "name"));
	if (link && json_object_get_boolean(get(link, "attached")))
		snprintf(l, sizeof(l), "%s -> %s", str(link, "id"),
			 opt(link, "device") ?: str(link, "ifindex"));
	else if (link)
		snprintf(l, sizeof(l), "%s detached", str(link, "id"));
	slots_text(get(in, "maps"), slots, sizeof(slots));
	counters_text(get(in, "maps"), counters, sizeof(counters));
	snprintf(cols, sizeof(cols), "%s  %s", slots, counters);
	fprintf(f, ROW, where, str(in, "kind"), str(in, "health"), p,
		str(in, "mode"), l, cols);
	if (why)
		fprintf(f, "%-20s %s: %s\n", "", str(in, "health"), why);
	print_repair(f, in);
}

static void print_names(FILE *f, const char *where, const char *what,
			struct json_object *names)
{
	size_t k, n = json_object_array_length(names);

	if (!n)
		return;
	fprintf(f, "%-20s %-12s %-7s ", where, what, "-");
	for (k = 0; k < n; k++)
		fprintf(f, "%s%s", k ? ", " : "",
			json_object_get_string(
				json_object_array_get_idx(names, k)));
	fputc('\n', f);
}

void xw_status_print_header(FILE *f)
{
	fprintf(f, ROW, "DEVICE", "INSTALL", "HEALTH", "PROGRAM", "MODE",
		"LINK", "SLOTS  COUNTERS fwd/port/none/short");
}

void xw_status_print_dir(FILE *f, struct json_object *d)
{
	struct json_object *ins = get(d, "installs");
	char where[64];
	size_t i;

	snprintf(where, sizeof(where), "%s%s%s", opt(d, "netns") ?: "",
		 opt(d, "netns") ? "/" : "", str(d, "device"));
	for (i = 0; i < json_object_array_length(ins); i++)
		print_install(f, where, json_object_array_get_idx(ins, i));
	print_names(f, where, "(foreign)", get(d, "foreign"));
	print_names(f, where, "(temporary)", get(d, "temporary"));
	if (json_object_get_boolean(get(d, "empty")))
		fprintf(f, "%-20s %-12s %-7s\n", where, "(empty)", "-");
}
