// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * status --metrics's renderer (inspect/status_metrics.h) on status
 * documents written here: label values escaped as the text format says
 * (after control characters are made visible), each family's samples
 * together under one # HELP and # TYPE even across directories, the state
 * sets complete, and nothing made up for what the document lacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "inspect/status_metrics.h"

/* A redirect install of device dev, with its counters and queues. */
#define REDIRECT(dev, netns, health)                                         \
	"{\"device\": \"" dev "\", \"netns\": " netns ", \"installs\": [{"   \
	"\"kind\": \"redirect\", \"health\": \"" health "\","                \
	"\"program\": {\"id\": 41, \"name\": \"xw_redirect\"},"              \
	"\"mode\": \"native\", \"link\": {\"id\": 12},"                      \
	"\"maps\": {\"redirect_ip_map\": {\"type\": \"xskmap\", "            \
	"\"entries\": 3, \"slots\": [{\"queue\": 0, \"sockets_bound\": 1}, " \
	"{\"queue\": 1, \"sockets_bound\": 0}, "                             \
	"{\"queue\": 2, \"sockets_bound\": null}]},"                         \
	"\"redirect_counters\": {\"type\": \"percpu_array\", \"counters\": " \
	"{\"forwarded\": 7, \"pass_port\": 3, \"no_target\": 2, "            \
	"\"malformed\": 1}}}}]}"

static const char *const tunnel_host =
	"{\"device\": \"eth0\", \"netns\": null, \"installs\": [{"
	"\"kind\": \"tunnel host\", \"health\": \"ok\", \"program\": null,"
	"\"mode\": null, \"link\": null,"
	"\"maps\": {\"tunnel_host_map\": {\"type\": \"devmap\", "
	"\"entries\": 4, \"slots\": [{\"key\": 0}]},"
	"\"tunnel_host_ipv4_owner_map\": {\"type\": \"array\", "
	"\"entries\": 16384, \"used\": 5},"
	"\"tunnel_host_ipv6_owner_map\": {\"type\": \"array\", "
	"\"entries\": 16384, \"used\": null}},"
	"\"sandboxes\": [{\"health\": \"ok\"}, {\"health\": \"ok\"}, "
	"{\"health\": \"stale\"}, {\"health\": \"broken\"}]}]}";

/* The text of the dirs given, rendered; free() it. */
static char *render(const char *const *dirs, size_t n)
{
	struct xw_status_metrics *m = xw_status_metrics_new();
	char *text = NULL;
	size_t len = 0, k;
	FILE *f;

	assert_non_null(m);
	for (k = 0; k < n; k++) {
		struct json_object *d = json_tokener_parse(dirs[k]);

		assert_non_null(d);
		assert_int_equal(xw_status_metrics_add_dir(m, d), 0);
		json_object_put(d);
	}
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(xw_status_metrics_print(m, "1.2\"3", f), 0);
	assert_int_equal(fclose(f), 0);
	xw_status_metrics_free(m);
	return text;
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (; (text = strstr(text, what)); text++)
		n++;
	return n;
}

static void test_labels_escaped(void **state)
{
	const char *dirs[] = { REDIRECT("q\\\"\\\\x\\n", "\"netns:4026532\"",
					"broken") };
	char *text = render(dirs, 1);

	(void)state;
	/* ", \ and a newline (shown as \x0a first, then its \ escaped). */
	assert_has(text,
		   "xdpwire_install_ok{device=\"q\\\"\\\\x\\\\x0a\",kind=\"redirect\",netns=\"4026532\"} 0\n");
	assert_has(text, "xdpwire_build_info{version=\"1.2\\\"3\"} 1\n");
	free(text);
}

static void test_families_and_state_sets(void **state)
{
	const char *dirs[] = { REDIRECT("a0", "null", "stale"), tunnel_host,
			       REDIRECT("b0", "null", "ok") };
	char *text = render(dirs, 3);
	const char *a0 = "{device=\"a0\",kind=\"redirect\",netns=\"\"";
	char line[256];

	(void)state;
	/* One header per family, though directories interleave. */
	assert_int_equal(count(text, "# TYPE xdpwire_install_ok gauge\n"), 1);
	assert_int_equal(count(text, "# TYPE xdpwire_packets_total counter\n"),
			 1);
	assert_int_equal(count(text, "# HELP "), count(text, "# TYPE "));
	assert_true(strstr(text, "xdpwire_install_ok{device=\"b0\"") <
		    strstr(text, "# TYPE xdpwire_packets_total"));
	snprintf(line, sizeof(line),
		 "xdpwire_install_info%s,program_id=\"41\",program_name=\"xw_redirect\",link_id=\"12\",mode=\"native\"} 1\n",
		 a0);
	assert_has(text, line);
	snprintf(line, sizeof(line),
		 "xdpwire_install_health%s,health=\"stale\"} 1\n", a0);
	assert_has(text, line);
	snprintf(line, sizeof(line),
		 "xdpwire_install_health%s,health=\"ok\"} 0\n", a0);
	assert_has(text, line);
	snprintf(line, sizeof(line),
		 "xdpwire_install_health%s,health=\"other-netns\"} 0\n", a0);
	assert_has(text, line);
	snprintf(line, sizeof(line),
		 "xdpwire_packets_total%s,reason=\"no_target\"} 2\n", a0);
	assert_has(text, line);
	/* Queue 2's sockets are unknown: neither filled nor empty. */
	snprintf(line, sizeof(line), "xdpwire_slots%s,state=\"unknown\"} 1\n",
		 a0);
	assert_has(text, line);
	snprintf(line, sizeof(line), "xdpwire_slots%s,state=\"filled\"} 1\n",
		 a0);
	assert_has(text, line);
	/* A DEVMAP lists its filled slots: the rest are empty. */
	assert_has(text,
		   "xdpwire_slots{device=\"eth0\",kind=\"tunnel_host\",netns=\"\",state=\"empty\"} 3\n");
	assert_has(text,
		   "xdpwire_sandboxes{device=\"eth0\",kind=\"tunnel_host\",netns=\"\",state=\"committed\"} 2\n");
	assert_has(text,
		   "xdpwire_owner_table_used{device=\"eth0\",kind=\"tunnel_host\",netns=\"\",family=\"ipv4\"} 5\n");
	/* An unreadable count is left out, not made 0; the size is known. */
	assert_null(strstr(text, "family=\"ipv6\"} 0"));
	assert_has(text,
		   "xdpwire_owner_table_size{device=\"eth0\",kind=\"tunnel_host\",netns=\"\",family=\"ipv6\"} 16384\n");
	/* No program: empty labels, and no run statistics for it. */
	assert_has(text,
		   "xdpwire_install_info{device=\"eth0\",kind=\"tunnel_host\",netns=\"\",program_id=\"\",program_name=\"\",link_id=\"\",mode=\"\"} 1\n");
	assert_null(strstr(text, "xdpwire_program_run"));
	free(text);
}

static void test_nothing_installed(void **state)
{
	const char *dirs[] = {
		"{\"device\": \"x\", \"netns\": null, \"installs\": []}"
	};
	char *text = render(dirs, 1);

	(void)state;
	assert_string_equal(
		text,
		"# HELP xdpwire_build_info The xdpwire that wrote these metrics (1).\n"
		"# TYPE xdpwire_build_info gauge\n"
		"xdpwire_build_info{version=\"1.2\\\"3\"} 1\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_escaped),
		cmocka_unit_test(test_families_and_state_sets),
		cmocka_unit_test(test_nothing_installed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
