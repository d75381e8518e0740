/*
 * The version and the kernel features that matter, probed cheaply: BTF
 * answers what the kernel was built with and needs no privilege; a map or
 * program type is only known by asking the kernel to make one, which an
 * unprivileged user may not do: that is "unknown", not "missing".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "cli/command.h"
#include "cli/version.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/json.h"

/* build/version.h, made by the Makefile from VERSION and git describe. */
#ifndef XW_VERSION
#define XW_VERSION "unknown"
#endif

#define XW_VMLINUX_BTF "/sys/kernel/btf/vmlinux"

enum answer { MISSING, PRESENT, UNKNOWN };

static const char *const answer_names[] = { "missing", "present", "unknown" };

static enum answer btf_present(struct btf *btf)
{
	(void)btf;
	return access(XW_VMLINUX_BTF, R_OK) ? MISSING : PRESENT;
}

/* Whether enum type_name of the kernel's BTF has the value value_name. */
static enum answer btf_enum_has(struct btf *btf, const char *type_name,
				const char *value_name)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i;

	if (!btf)
		return UNKNOWN;
	id = btf__find_by_name_kind(btf, type_name, BTF_KIND_ENUM);
	if (id < 0)
		return MISSING;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off),
			    value_name))
			return PRESENT;
	return MISSING;
}

static enum answer xdp_link(struct btf *btf)
{
	return btf_enum_has(btf, "bpf_link_type", "BPF_LINK_TYPE_XDP");
}

static enum answer bpf_iter(struct btf *btf)
{
	return btf_enum_has(btf, "bpf_link_type", "BPF_LINK_TYPE_ITER");
}

/*
 * libbpf's probes answer 1 or 0, and 0 also when the kernel refused to
 * make the object at all: without the capabilities, do not ask.
 */
static enum answer probed(int ret)
{
	return ret > 0 ? PRESENT : ret == 0 ? MISSING : UNKNOWN;
}

static bool may_probe(void)
{
	return xw_has_cap(CAP_BPF) || xw_has_cap(CAP_SYS_ADMIN);
}

static enum answer xdp(struct btf *btf)
{
	(void)btf;
	if (!may_probe())
		return UNKNOWN;
	return probed(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL));
}

static enum answer xskmap(struct btf *btf)
{
	(void)btf;
	if (!may_probe())
		return UNKNOWN;
	return probed(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_XSKMAP, NULL));
}

static enum answer devmap(struct btf *btf)
{
	(void)btf;
	if (!may_probe())
		return UNKNOWN;
	return probed(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_DEVMAP, NULL));
}

static const struct feature {
	const char *name;
	enum answer (*probe)(struct btf *btf);
} features[] = {
	{ "btf", btf_present }, { "xdp", xdp },	      { "xdp_link", xdp_link },
	{ "xskmap", xskmap },	{ "devmap", devmap }, { "bpf_iter", bpf_iter },
};

#define N_FEATURES (sizeof(features) / sizeof(features[0]))

/* Silent: a failed probe is an answer, not something to warn about. */
static int print_nothing(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void probe_all(enum answer *answers)
{
	libbpf_print_fn_t old = libbpf_set_print(print_nothing);
	struct btf *btf = btf__load_vmlinux_btf();
	size_t i;

	if (!btf || libbpf_get_error(btf))
		btf = NULL;
	for (i = 0; i < N_FEATURES; i++)
		answers[i] = features[i].probe(btf);
	btf__free(btf);
	libbpf_set_print(old);
}

/* "features: a, b; unknown (needs CAP_BPF): c; missing: d" */
static void print_text(const enum answer *answers)
{
	static const enum answer order[] = { PRESENT, UNKNOWN, MISSING };
	static const char *const heads[] = {
		[PRESENT] = "features: ",
		[UNKNOWN] = "; unknown (needs CAP_BPF): ",
		[MISSING] = "; missing: ",
	};
	size_t i, k, n;

	printf("xdpwire %s\nlibbpf %s\n", XW_VERSION, libbpf_version_string());
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0, n = 0; i < N_FEATURES; i++) {
			if (answers[i] != order[k])
				continue;
			fputs(n++ ? ", " : heads[order[k]], stdout);
			fputs(features[i].name, stdout);
		}
		if (order[k] == PRESENT && !n)
			fputs("features: none", stdout);
	}
	putchar('\n');
}

static void print_json(const enum answer *answers, bool pretty)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *f = json_object_new_object();
	int flags = XW_JSON_FLAGS;
	size_t i;

	xw_json_add_int(doc, "version", 1);
	xw_json_add_str(doc, "command", "version");
	xw_json_add_str(doc, "xdpwire", XW_VERSION);
	xw_json_add_str(doc, "libbpf", libbpf_version_string());
	for (i = 0; i < N_FEATURES; i++)
		xw_json_add_str(f, features[i].name, answer_names[answers[i]]);
	xw_json_add(doc, "features", f);
	if (pretty)
		flags = XW_JSON_PRETTY_FLAGS;
	puts(json_object_to_json_string_ext(doc, flags));
	json_object_put(doc);
}

const char *xw_version_string(void)
{
	return XW_VERSION;
}

int xw_version_print(bool json, bool pretty)
{
	enum answer answers[N_FEATURES];

	probe_all(answers);
	if (json)
		print_json(answers, pretty);
	else
		print_text(answers);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "xdpwire: stdout: write error: %s\n",
			strerror(errno));
		return XW_EXIT_OSERR;
	}
	return XW_EXIT_OK;
}

/* xdpwire --version [-j|-p], in any order. */
int xw_version_main(int argc, char **argv)
{
	bool json = false, pretty = false, asked = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V"))
			asked = true;
		else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			json = pretty = true;
		else
			return xw_top_error(argv[i],
					    asked ? "unexpected argument" :
						    "unknown option");
	}
	if (!asked)
		return xw_top_error(argv[1], "a command must come first");
	return xw_version_print(json, pretty);
}
