// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-tcprr: TCP request/response latency, for make bench (netperf's
 * TCP_RR, which is not in Debian main).
 *
 *   xw-tcprr --listen PORT [--cpu N] [--once]
 *   xw-tcprr --connect IPV4 --port PORT --count N [--cpu N]
 *
 * The server echoes every byte it reads on each connection it accepts,
 * one connection at a time, until it is killed; with --once it serves one
 * connection and prints the bytes it echoed ("served N"), so a test can
 * tell that the client's transactions really crossed.
 *
 * The client opens one connection and makes N transactions: a 1-byte
 * request, then a blocking wait for the 1-byte response.  It prints one
 * line: "N MEAN_NS P50_NS P99_NS TRANSACTIONS_PER_S", each transaction
 * timed on CLOCK_MONOTONIC, the rate over the whole loop.  Both sides set
 * TCP_NODELAY (a 1-byte write must not wait for Nagle) and may pin
 * themselves to one CPU, so that rounds are comparable.
 *
 * Exit 0 when every transaction completed; 1 on a failure (refused
 * connection, a peer that closes early: no line is printed, a figure of
 * a broken path measures nothing); 2 usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#define PROG "xw-tcprr"
/* Enough to show a tail, small enough for make check's runs. */
#define MAX_COUNT 10000000UL

struct rr_opts {
	const char *connect;
	long listen_port;
	long port;
	unsigned long count;
	long cpu;
	bool once;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* A decimal in [min, max], the whole string; -1 otherwise. */
static long parse_num(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, PROG ": %s: '%s' is not a number in %ld-%ld\n",
			what, s, min, max);
		return -1;
	}
	return v;
}

static int pin_cpu(long cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, PROG ": cpu %ld: cannot pin: %s\n", cpu,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Echoes one connection until its peer closes; returns the bytes echoed. */
static long long echo_conn(int fd)
{
	long long served = 0;
	char buf[256];
	ssize_t n;

	set_nodelay(fd);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (write(fd, buf, n) != n)
			break;
		served += n;
	}
	return served;
}

static int serve(const struct rr_opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(o->listen_port) };
	int fd, conn, one = 1;
	long long served;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		fprintf(stderr, PROG ": port %ld: cannot listen: %s\n",
			o->listen_port, strerror(errno));
		return 1;
	}
	for (;;) {
		conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
			return 1;
		}
		served = echo_conn(conn);
		close(conn);
		if (o->once) {
			printf("served %lld\n", served);
			return 0;
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static uint64_t percentile(const uint64_t *v, unsigned long n, unsigned int p)
{
	unsigned long rank = (n * p + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

static int transact(int fd)
{
	char c = 'x';
	ssize_t n;

	if (write(fd, &c, 1) != 1)
		return -1;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ECONNRESET;
	return n == 1 ? 0 : -1;
}

static int client(const struct rr_opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(o->port) };
	uint64_t *lat, t0, t, total = 0;
	unsigned long i;
	int fd, rc = 1;

	if (inet_pton(AF_INET, o->connect, &sa.sin_addr) != 1) {
		fprintf(stderr, PROG ": '%s': not an IPv4 address\n",
			o->connect);
		return 2;
	}
	lat = calloc(o->count, sizeof(*lat));
	if (!lat) {
		fprintf(stderr, PROG ": %lu samples: out of memory\n",
			o->count);
		return 1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, PROG ": %s:%ld: cannot connect: %s\n",
			o->connect, o->port, strerror(errno));
		goto out_close;
	}
	set_nodelay(fd);
	t0 = now_ns();
	for (i = 0; i < o->count; i++) {
		t = now_ns();
		if (transact(fd)) {
			fprintf(stderr, PROG ": transaction %lu of %lu: %s\n",
				i + 1, o->count, strerror(errno));
			goto out_close;
		}
		lat[i] = now_ns() - t;
		total += lat[i];
	}
	t = now_ns() - t0;
	qsort(lat, o->count, sizeof(*lat), cmp_u64);
	printf("%lu %" PRIu64 " %" PRIu64 " %" PRIu64 " %.0f\n", o->count,
	       total / o->count, percentile(lat, o->count, 50),
	       percentile(lat, o->count, 99), o->count * 1e9 / (t ? t : 1));
	rc = 0;
out_close:
	if (fd >= 0)
		close(fd);
	free(lat);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " --listen PORT [--cpu N] [--once]\n"
			"       " PROG
			" --connect IPV4 --port PORT --count N [--cpu N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "once", no_argument, NULL, 'o' },
		{ 0 },
	};
	struct rr_opts o = { .listen_port = -1, .port = -1, .cpu = -1 };
	long v;
	int opt;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
		case 'p':
			v = parse_num("port", optarg, 1, 65535);
			if (v < 0)
				return 2;
			*(opt == 'l' ? &o.listen_port : &o.port) = v;
			break;
		case 'c':
			o.connect = optarg;
			break;
		case 'n':
			v = parse_num("count", optarg, 1, MAX_COUNT);
			if (v < 0)
				return 2;
			o.count = v;
			break;
		case 'C':
			o.cpu = parse_num("cpu", optarg, 0, CPU_SETSIZE - 1);
			if (o.cpu < 0)
				return 2;
			break;
		case 'o':
			o.once = true;
			break;
		default:
			return usage();
		}
	}
	if (optind < argc)
		return usage();
	/* Exactly one role, with what it needs and nothing of the other's. */
	if (o.listen_port > 0 && !o.connect && o.port < 0 && !o.count) {
		if (pin_cpu(o.cpu))
			return 1;
		setvbuf(stdout, NULL, _IOLBF, 0);
		return serve(&o);
	}
	if (o.connect && o.port > 0 && o.count && o.listen_port < 0 &&
	    !o.once) {
		if (pin_cpu(o.cpu))
			return 1;
		return client(&o);
	}
	return usage();
}
