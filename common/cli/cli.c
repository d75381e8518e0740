#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/version.h"
#include "core/exit.h"
#include "core/parse.h"
#include "core/report.h"
#include "net/ifname.h"

/* The shared children's keys: argp keeps them apart from a command's. */
enum {
	KEY_DEVICE = 0x100,
	KEY_DEVICE_IDX,
	KEY_NETNS,
	KEY_BPFFS,
	KEY_USAGE,
};

/*
 * The options a narrower child shares with the full one.  clang-format
 * cannot lay out an initializer list inside a macro: kept by hand.
 */
/* clang-format off */
#define TARGET_OPTIONS							\
	{ "device", KEY_DEVICE, "NAME", 0,				\
	  "The network device to work on", 0 },				\
	{ "device-idx", KEY_DEVICE_IDX, "N", 0,			\
	  "The device, by interface index", 0 },			\
	{ "netns", KEY_NETNS, "PATH", 0,				\
	  "Work inside this network namespace "				\
	  "(/proc/PID/ns/net, /run/netns/NAME)", 0 }
/* clang-format on */

static const struct argp_option target_options[] = {
	TARGET_OPTIONS,
	{ "bpffs", KEY_BPFFS, "DIR", 0,
	  "The bpffs root for pins (default: $XDPWIRE_BPFFS, else /sys/fs/bpf)",
	  0 },
	{ 0 }
};

static const struct argp_option target_nopins_options[] = { TARGET_OPTIONS,
							    { 0 } };

static error_t parse_target(int key, char *arg, struct argp_state *state)
{
	struct xw_common_opts *c = state->input;
	const char *why;

	switch (key) {
	case KEY_DEVICE:
	case KEY_DEVICE_IDX:
		if (c->devices_given++) {
			xw_fail(c->ctx, XW_EXIT_USAGE, 0, "--device",
				"device specified twice");
			return EINVAL;
		}
		if (key == KEY_DEVICE) {
			why = xw_ifname_problem(arg);
			if (why) {
				xw_fail(c->ctx, XW_EXIT_DATAERR, 0, "--device",
					"'%s' is not a valid device name: %s",
					arg, why);
				return EINVAL;
			}
			c->device = arg;
		} else if (xw_parse_u32(arg, 1, INT32_MAX, &c->device_idx)) {
			xw_fail(c->ctx, XW_EXIT_DATAERR, 0, "--device-idx",
				"'%s' is not an interface index (1 or more)",
				arg);
			return EINVAL;
		}
		return 0;
	case KEY_NETNS:
		c->netns = arg;
		return 0;
	case KEY_BPFFS:
		if (!*arg) {
			xw_fail(c->ctx, XW_EXIT_DATAERR, 0, "--bpffs",
				"empty path");
			return EINVAL;
		}
		c->bpffs = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp xw_target_argp = { .options = target_options,
				     .parser = parse_target };
const struct argp xw_target_nopins_argp = { .options = target_nopins_options,
					    .parser = parse_target };

/* clang-format off */
#define OUTPUT_OPTIONS							\
	{ "json", 'j', NULL, 0,						\
	  "Print one JSON document on stdout, errors included", 0 },	\
	{ "pretty", 'p', NULL, 0,					\
	  "Like --json, indented for people to read", 0 },		\
	{ "verbose", 'v', NULL, 0,					\
	  "Say why; twice: libbpf's debug output and the verifier log", 0 }
/* clang-format on */

static const struct argp_option output_options[] = {
	OUTPUT_OPTIONS,
	{ "quiet", 'q', NULL, 0,
	  "Do not print what changed (errors are always printed)", 0 },
	{ 0 }
};

/* A command that changes nothing has nothing for -q to silence. */
static const struct argp_option output_noquiet_options[] = { OUTPUT_OPTIONS,
							     { 0 } };

static error_t parse_output(int key, char *arg, struct argp_state *state)
{
	struct xw_common_opts *c = state->input;

	(void)arg;
	switch (key) {
	case 'p':
		c->ctx->pretty = true;
		/* fall through */
	case 'j':
		c->ctx->json = true;
		return 0;
	case 'v':
		c->ctx->verbose++;
		return 0;
	case 'q':
		c->ctx->quiet = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp xw_output_argp = { .options = output_options,
				     .parser = parse_output };
const struct argp xw_output_noquiet_argp = { .options = output_noquiet_options,
					     .parser = parse_output };

/*
 * argp's own help options, with -h beside -? as git, bpftool and ip take
 * it.  argp's built-ins are turned off (ARGP_NO_HELP) because they cannot
 * be given another key, and --version here says more than argp's would.
 */
static const struct argp_option help_options[] = {
	{ "help", 'h', NULL, 0, "Give this help list", -1 },
	{ NULL, '?', NULL, OPTION_ALIAS, NULL, 0 },
	{ "usage", KEY_USAGE, NULL, 0, "Give a short usage message", -1 },
	{ "version", 'V', NULL, 0,
	  "Print the version, libbpf's and the kernel features xdpwire uses",
	  -1 },
	{ 0 }
};

static error_t parse_help(int key, char *arg, struct argp_state *state)
{
	struct xw_common_opts *c = state->input;
	char *slash;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		/*
		 * argp's default parser, now absent, named the program after
		 * argv[0] ("xdpwire scrape", or a link's own name).
		 */
		slash = strrchr(state->argv[0], '/');
		state->name = slash ? slash + 1 : state->argv[0];
		return 0;
	case 'h':
		/* Like argp's own --help, these print and exit from here. */
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		return 0;
	case KEY_USAGE:
		argp_state_help(state, stdout,
				ARGP_HELP_USAGE | ARGP_HELP_EXIT_OK);
		return 0;
	case 'V':
		exit(xw_version_print(c->ctx->json, c->ctx->pretty));
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp xw_help_argp = { .options = help_options,
				   .parser = parse_help };

void xw_common_defaults(struct xw_common_opts *c, struct xw_ctx *ctx)
{
	const char *env = getenv("XDPWIRE_BPFFS");

	c->ctx = ctx;
	c->bpffs = env && *env ? env : XW_DEFAULT_BPFFS;
	c->target.fs.fd = -1;
}

void xw_common_init_children(struct argp_state *state, struct xw_common_opts *c)
{
	const struct argp_child *child = state->root_argp->children;
	int i;

	for (i = 0; child && child[i].argp; i++)
		state->child_inputs[i] = c;
}

static void walk(const struct argp *argp,
		 void (*fn)(const struct argp_option *opt, void *data),
		 void *data)
{
	const struct argp_option *o, *prev = NULL;
	const struct argp_child *child;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (o->flags & OPTION_DOC || (!o->name && !o->key))
			continue;
		if (o->flags & OPTION_ALIAS && prev) {
			struct argp_option alias = *o;

			alias.arg = prev->arg;
			fn(&alias, data);
			continue;
		}
		fn(o, data);
		prev = o;
	}
	for (child = argp->children; child && child->argp; child++)
		walk(child->argp, fn, data);
}

void xw_argp_for_each_option(const struct argp *argp,
			     void (*fn)(const struct argp_option *opt,
					void *data),
			     void *data)
{
	walk(argp, fn, data);
}

#define XW_MAX_OPTIONS 64

struct optlist {
	struct argp_option
		opts[XW_MAX_OPTIONS]; /* copies: an alias is a temporary */
	bool has_arg[XW_MAX_OPTIONS];
	int n;
};

static void collect(const struct argp_option *opt, void *data)
{
	struct optlist *l = data;

	if (l->n == XW_MAX_OPTIONS)
		return;
	l->has_arg[l->n] = opt->arg && !(opt->flags & OPTION_ARG_OPTIONAL);
	l->opts[l->n++] = *opt;
}

static int find_long(const struct optlist *l, const char *name, size_t len)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->opts[i].name && strlen(l->opts[i].name) == len &&
		    !strncmp(l->opts[i].name, name, len))
			return i;
	return -1;
}

static int find_short(const struct optlist *l, char c)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->opts[i].key == (unsigned char)c && isprint(c))
			return i;
	return -1;
}

/* The one long option name starts with, for a "did you mean" hint. */
static const char *completion_of(const struct optlist *l, const char *name,
				 size_t len)
{
	const char *found = NULL;
	int i;

	for (i = 0; i < l->n; i++) {
		if (!l->opts[i].name || strncmp(l->opts[i].name, name, len))
			continue;
		if (found)
			return NULL;
		found = l->opts[i].name;
	}
	return found;
}

struct scan {
	struct xw_ctx *ctx;
	const struct optlist *l;
	bool json;
	bool pretty;
	bool failed;
};

/*
 * Whether a shared option (--bpffs, -q) that this command does not take
 * was meant: it then deserves a better word than "unknown".
 */
static bool shared_elsewhere(const char *name, size_t len, char c)
{
	struct optlist all = { .n = 0 };

	walk(&xw_target_argp, collect, &all);
	walk(&xw_output_argp, collect, &all);
	return name ? find_long(&all, name, len) >= 0 :
		      find_short(&all, c) >= 0;
}

/* Notes what -j and -p ask for, whichever spelling. */
static void scan_output(struct scan *s, int key)
{
	if (key == 'p')
		s->pretty = true;
	if (key == 'j' || key == 'p')
		s->json = true;
}

static void scan_fail(struct scan *s, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void scan_fail(struct scan *s, const char *object, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (s->failed)
		return;
	s->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	xw_fail(s->ctx, XW_EXIT_USAGE, 0, object, "%s (see --help)", what);
}

/* Returns how many following argv elements the option consumed. */
static int scan_long(struct scan *s, const char *tok, int left)
{
	const char *name = tok + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	char object[64];
	const char *hint;
	int i = find_long(s->l, name, len);

	snprintf(object, sizeof(object), "--%.*s", (int)len, name);
	if (i < 0) {
		hint = completion_of(s->l, name, len);
		if (shared_elsewhere(name, len, 0))
			scan_fail(s, object, "does not apply to %s",
				  s->ctx->cmd);
		else if (hint)
			scan_fail(s, object,
				  "unknown option; did you mean --%s?", hint);
		else
			scan_fail(s, object, "unknown option");
		return 0;
	}
	scan_output(s, s->l->opts[i].key);
	if (!s->l->has_arg[i]) {
		if (eq)
			scan_fail(s, object, "takes no value");
		return 0;
	}
	if (eq)
		return 0;
	if (!left)
		scan_fail(s, object, "needs a value (%s)", s->l->opts[i].arg);
	return left ? 1 : 0;
}

static int scan_short(struct scan *s, const char *tok, int left)
{
	char object[3] = "-?";
	const char *p;
	int i;

	for (p = tok + 1; *p; p++) {
		object[1] = *p;
		i = find_short(s->l, *p);
		if (i < 0) {
			if (shared_elsewhere(NULL, 0, *p))
				scan_fail(s, object, "does not apply to %s",
					  s->ctx->cmd);
			else
				scan_fail(s, object, "unknown option");
			return 0;
		}
		scan_output(s, *p);
		if (!s->l->has_arg[i])
			continue;
		if (p[1])
			return 0;
		if (!left)
			scan_fail(s, object, "needs a value (%s)",
				  s->l->opts[i].arg);
		return left ? 1 : 0;
	}
	return 0;
}

int xw_argv_check(struct xw_ctx *ctx, const struct argp *argp, int argc,
		  char **argv)
{
	struct optlist l = { .n = 0 };
	struct scan s = { .ctx = ctx, .l = &l };
	int i;

	xw_argp_for_each_option(argp, collect, &l);
	for (i = 1; i < argc; i++) {
		const char *tok = argv[i];

		if (!strcmp(tok, "--")) {
			if (i + 1 < argc)
				scan_fail(&s, argv[i + 1],
					  "unexpected argument: this command takes options only");
			break;
		}
		if (!strncmp(tok, "--", 2))
			i += scan_long(&s, tok, argc - i - 1);
		else if (tok[0] == '-' && tok[1])
			i += scan_short(&s, tok, argc - i - 1);
		else
			scan_fail(&s, tok,
				  "unexpected argument: this command takes options only");
	}
	/* An error found before -j was parsed is still answered in JSON. */
	if (s.json)
		ctx->json = true;
	if (s.pretty)
		ctx->pretty = true;
	return s.failed ? -EINVAL : 0;
}

int xw_check_needs(struct xw_ctx *ctx, const struct xw_common_opts *c,
		   unsigned int needs)
{
	if (needs & XW_NEEDS_DEVICE && !c->devices_given)
		return xw_fail(
			ctx, XW_EXIT_USAGE, 0, "--device",
			"no device specified (--device NAME or --device-idx N)");
	return 0;
}

int xw_prepare(struct xw_ctx *ctx, struct xw_common_opts *c, unsigned int needs)
{
	struct xw_target *t = &c->target;
	int err;

	err = xw_check_needs(ctx, c, needs);
	if (err)
		return err;
	/* The device must be looked up inside the namespace it lives in. */
	if (c->netns && !c->netns_is_peer)
		err = xw_netns_enter(ctx, c->netns, &t->ns);
	else
		err = xw_netns_self(ctx, &t->ns);
	if (err)
		return err;
	t->peer_netns = c->netns_is_peer ? c->netns : NULL;
	if (c->devices_given && needs & XW_DEVICE_MAY_BE_GONE && c->device &&
	    !xw_ifname_problem(c->device) && !if_nametoindex(c->device)) {
		/* Its pins are what is asked about, and they outlive it. */
		snprintf(t->dev.name, sizeof(t->dev.name), "%s", c->device);
		xw_ifname_to_dirname(t->dev.name, t->dev.dirname);
		t->have_dev = true;
	} else if (c->devices_given) {
		err = xw_dev_resolve(ctx, c->device, c->device_idx, &t->dev);
		if (err)
			return err;
		t->have_dev = true;
	}
	if (needs & XW_NEEDS_BPFFS ||
	    (needs & XW_BPFFS_IF_DEVICE && t->have_dev))
		return xw_bpffs_open(ctx, c->bpffs, &t->fs);
	return 0;
}

void xw_common_release(struct xw_common_opts *c)
{
	xw_bpffs_close(&c->target.fs);
}

static char *exit_codes_text(void)
{
	const struct xw_exit_row *r;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fputs("Exit status:\n", f);
	for (r = xw_exit_table; r->meaning; r++)
		fprintf(f, "  %3d  %s\n", r->code, r->meaning);
	fclose(f);
	return buf;
}

char *xw_help_filter(int key, const char *text, void *input)
{
	char *codes, *out;

	(void)input;
	if (key != ARGP_KEY_HELP_EXTRA)
		return (char *)text;
	codes = exit_codes_text();
	if (!codes)
		return (char *)text;
	if (asprintf(&out, "%s%s%s", text ?: "", text ? "\n" : "", codes) < 0)
		out = (char *)text;
	free(codes);
	return out;
}
