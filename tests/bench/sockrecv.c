// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-sockrecv: the receiving end of make bench's data-path rows.  Holds
 * one socket, as a sandbox's runtime or a plain server would, counts the
 * frames it really took off the socket and what the kernel dropped for
 * it, and prints one line:
 *
 *   frames N dropped D cpu_ns C
 *
 *   xw-sockrecv --xsk DEV [--queue Q] [COMMON] [-- CMD ARGS...]
 *   xw-sockrecv --udp ADDR --port PORT [--rcvbuf BYTES] [COMMON]
 *   COMMON: [--cpu C] [--count N] [--timeout-ms MS] [--ready-file PATH]
 *
 * --xsk: an AF_XDP socket bound to DEV's queue Q in copy mode (XDP_COPY,
 * what a veth offers), with no program of its own: CMD (xdpwire
 * sockmap-insert --fd {fd}, as a runtime calls it) puts it into the map
 * of the program under test; "{fd}" is replaced by the descriptor.  N is
 * RX ring entries consumed; D is the socket's XDP_STATISTICS rx_dropped
 * plus rx_ring_full (frames the program sent here that never reached the
 * ring).
 *
 * --udp: a kernel UDP socket bound to ADDR:PORT, read with recvmmsg 64 at
 * a time.  N is datagrams received; D is the socket's own drop count
 * (SO_MEMINFO's SK_MEMINFO_DROPS: a full receive buffer, mostly, which
 * /proc/net/snmp counts as RcvbufErrors).  The receive buffer is set to
 * --rcvbuf bytes (SO_RCVBUFFORCE; 4 MiB by default, about the 2048
 * 64-byte frames the AF_XDP socket's RX ring holds, counting the kernel's
 * per-datagram overhead), so neither socket wins by a deeper queue.
 *
 * Both wait in poll()/a blocking recvmmsg when there is nothing to read,
 * as a runtime does, so the busy CPU of a run is the path's.  They stop
 * at SIGTERM, SIGINT or SIGUSR1 (then they read what is queued, without
 * waiting), after N frames with --count N (frames behind it stay
 * uncounted), or MS milliseconds after the ready file was written
 * ("pid=<pid> fd=<fd>\n").  C is the CPU time (user and system, as the
 * kernel charges it, in ticks) this process used from the ready file on.
 *
 * Exit 0 counted and printed, 1 failure, 2 usage, 3 CMD failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_xdp.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>

#include <xdp/xsk.h>

#include "fd_holder.h"

#define PROG "xw-sockrecv"

#define EXIT_SETUP 1
#define EXIT_USAGE 2
#define EXIT_INSERT 3

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE 2048
#define FRAME_MASK (~(uint64_t)(FRAME_SIZE - 1))
#define BATCH 64
#define DGRAM_MAX 2048
#define TICK_MS 100
#define DEFAULT_RCVBUF (4 << 20)

struct opts {
	const char *xsk_dev;
	const char *udp_addr;
	unsigned long queue, port, cpu, count, timeout_ms, rcvbuf;
	bool has_cpu, has_timeout;
	const char *ready_file;
	char **cmd;
};

struct xsk_rx {
	void *buf;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	uint64_t free_addr[NUM_FRAMES];
	uint32_t nr_free;
};

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void usage(const char *why)
{
	fprintf(stderr,
		PROG
		": %s (usage: " PROG " --xsk DEV [--queue Q] | --udp ADDR "
		"--port PORT [--rcvbuf BYTES]; [--cpu C] [--count N] "
		"[--timeout-ms MS] [--ready-file PATH] [-- CMD ARGS...])\n",
		why);
	exit(EXIT_USAGE);
}

static void die(const char *what, int err)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(err));
	exit(EXIT_SETUP);
}

/* This process's user and system time so far, in ns. */
static uint64_t cpu_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		die("getrusage", errno);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
		       1000000000u +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) *
		       1000u;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* strtoul alone takes blanks, signs and hex: a typo must not pass. */
static unsigned long parse_num(const char *opt, const char *s,
			       unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*end && !errno && v >= min && v <= max)
		return v;
bad:
	fprintf(stderr, PROG ": %s: bad value '%s'\n", opt, s);
	usage("bad option value");
	return 0;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "xsk", required_argument, NULL, 'x' },
		{ "queue", required_argument, NULL, 'q' },
		{ "udp", required_argument, NULL, 'u' },
		{ "port", required_argument, NULL, 'p' },
		{ "rcvbuf", required_argument, NULL, 'b' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	/* '+': stop at "--", the command keeps its own options. */
	while ((c = getopt_long(argc, argv, "+", lopts, NULL)) != -1) {
		switch (c) {
		case 'x':
			if (!*optarg || strlen(optarg) >= IFNAMSIZ)
				usage("bad --xsk device name");
			o->xsk_dev = optarg;
			break;
		case 'q':
			o->queue = parse_num("--queue", optarg, 0, UINT32_MAX);
			break;
		case 'u':
			o->udp_addr = optarg;
			break;
		case 'p':
			o->port = parse_num("--port", optarg, 1, UINT16_MAX);
			break;
		case 'b':
			o->rcvbuf =
				parse_num("--rcvbuf", optarg, 4096, INT_MAX);
			break;
		case 'c':
			o->cpu = parse_num("--cpu", optarg, 0, CPU_SETSIZE - 1);
			o->has_cpu = true;
			break;
		case 'n':
			o->count = parse_num("--count", optarg, 1, ULONG_MAX);
			break;
		case 't':
			o->timeout_ms =
				parse_num("--timeout-ms", optarg, 0, INT32_MAX);
			o->has_timeout = true;
			break;
		case 'r':
			if (!*optarg)
				usage("empty --ready-file");
			o->ready_file = optarg;
			break;
		default:
			usage("unknown option or missing argument");
		}
	}
	if (!o->xsk_dev == !o->udp_addr)
		usage("one of --xsk and --udp is required");
	if (o->udp_addr && !o->port)
		usage("--udp wants --port");
	if (o->xsk_dev && o->port)
		usage("--port is for --udp");
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--"))
			usage("unexpected argument before --");
		if (o->udp_addr)
			usage("a command is for --xsk");
		o->cmd = &argv[optind];
	}
}

static void install_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGUSR1 };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a stop must end a blocking poll or recvmmsg. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			die("sigaction", errno);
}

static void pin_cpu(const struct opts *o)
{
	cpu_set_t set;

	if (!o->has_cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(o->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("--cpu", errno);
}

static void refill(struct xsk_rx *r)
{
	uint32_t n = r->nr_free, idx, i;

	/* reserve() is all or nothing, so shrink until it fits. */
	while (n && xsk_ring_prod__reserve(&r->fill, n, &idx) != n)
		n /= 2;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) =
			r->free_addr[--r->nr_free];
	if (n)
		xsk_ring_prod__submit(&r->fill, n);
}

static int xsk_open(struct xsk_rx *r, const struct opts *o)
{
	struct xsk_umem_config ucfg = {
		.fill_size = RING_SIZE,
		.comp_size = RING_SIZE,
		.frame_size = FRAME_SIZE,
		.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM,
	};
	/* Copy mode only: the rows claim it, a fallback would hide a change. */
	struct xsk_socket_config scfg = {
		.rx_size = RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	uint32_t i;
	int err;

	r->buf = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE,
		      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0);
	if (r->buf == MAP_FAILED)
		die("mmap umem", errno);
	err = xsk_umem__create(&r->umem, r->buf,
			       (uint64_t)NUM_FRAMES * FRAME_SIZE, &r->fill,
			       &r->comp, &ucfg);
	if (err)
		die("xsk_umem__create", -err);
	err = xsk_socket__create(&r->xsk, o->xsk_dev, (uint32_t)o->queue,
				 r->umem, &r->rx, NULL, &scfg);
	if (err)
		die(o->xsk_dev, -err);
	for (i = 0; i < NUM_FRAMES; i++)
		r->free_addr[i] = (uint64_t)(NUM_FRAMES - 1 - i) * FRAME_SIZE;
	r->nr_free = NUM_FRAMES;
	refill(r);
	return xsk_socket__fd(r->xsk);
}

/* Consumes up to max RX entries; returns how many. */
static uint32_t xsk_drain(struct xsk_rx *r, uint64_t max)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&r->rx, max < BATCH ? (uint32_t)max : BATCH,
				&idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d =
			xsk_ring_cons__rx_desc(&r->rx, idx + i);

		r->free_addr[r->nr_free++] = d->addr & FRAME_MASK;
	}
	if (n) {
		xsk_ring_cons__release(&r->rx, n);
		refill(r);
	}
	return n;
}

static uint64_t xsk_dropped(int fd)
{
	struct xdp_statistics st;
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &st, &len))
		die("XDP_STATISTICS", errno);
	return st.rx_dropped + st.rx_ring_full;
}

static int udp_open(const struct opts *o)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)o->port) };
	int fd, size = (int)o->rcvbuf;

	if (inet_pton(AF_INET, o->udp_addr, &sin.sin_addr) != 1)
		usage("--udp wants an IPv4 address");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket(AF_INET)", errno);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		die("SO_RCVBUFFORCE", errno);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die(o->udp_addr, errno);
	return fd;
}

/* Receives up to max datagrams; returns how many, or -errno. */
static int udp_drain(int fd, uint64_t max, int flags)
{
	static char bufs[BATCH][DGRAM_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned int i, vlen = max < BATCH ? (unsigned int)max : BATCH;
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < vlen; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = DGRAM_MAX;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(fd, msgs, vlen, flags, NULL);
	return n < 0 ? -errno : n;
}

static uint64_t udp_dropped(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len))
		die("SO_MEMINFO", errno);
	return mem[SK_MEMINFO_DROPS];
}

/* Returns the command's exit status, 128+signal if it was killed. */
/* The holder's common steps (fd_holder.c); a failure to start ends us. */
static int run_insert(char **cmd, int fd)
{
	int status = holder_run_insert(cmd, fd);

	if (status < 0)
		die("insert command", -status);
	return status;
}

static void write_ready(const char *path, const char *line)
{
	int err = holder_write_ready(path, line);

	if (err)
		die("ready file", -err);
}

/* Milliseconds to wait in poll(), or 0 when the time is up. */
static int wait_ms(const struct opts *o, uint64_t deadline)
{
	uint64_t now;

	if (!o->has_timeout)
		return TICK_MS;
	now = now_ms();
	if (now >= deadline)
		return 0;
	return deadline - now < TICK_MS ? (int)(deadline - now) : TICK_MS;
}

static uint64_t xsk_loop(struct xsk_rx *r, const struct opts *o, int fd,
			 uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t got = 0, n;
	int tick;

	while (got < o->count && !stop_sig) {
		n = xsk_drain(r, o->count - got);
		if (n) {
			got += n;
			continue;
		}
		tick = wait_ms(o, deadline);
		if (!tick)
			break;
		if (poll(&pfd, 1, tick) < 0 && errno != EINTR)
			die("poll", errno);
	}
	return got;
}

int main(int argc, char **argv)
{
	struct opts o = { .count = UINT64_MAX, .rcvbuf = DEFAULT_RCVBUF };
	static struct xsk_rx r;
	uint64_t got = 0, deadline = 0, n, cpu0;
	char line[64];
	int fd, status;

	parse_args(&o, argc, argv);
	install_signals();
	pin_cpu(&o);
	fd = o.xsk_dev ? xsk_open(&r, &o) : udp_open(&o);
	if (o.cmd) {
		status = run_insert(o.cmd, fd);
		if (status) {
			fprintf(stderr,
				PROG ": insert command failed with status %d\n",
				status);
			return EXIT_INSERT;
		}
	}
	snprintf(line, sizeof(line), "pid=%d fd=%d\n", (int)getpid(), fd);
	if (o.ready_file)
		write_ready(o.ready_file, line);
	deadline = now_ms() + o.timeout_ms;
	cpu0 = cpu_ns();

	if (o.xsk_dev) {
		got = xsk_loop(&r, &o, fd, deadline);
		/* Stopped: what is already in the ring was received. */
		while (got < o.count && (n = xsk_drain(&r, o.count - got)))
			got += n;
		printf("frames %" PRIu64 " dropped %" PRIu64 " cpu_ns %" PRIu64
		       "\n",
		       got, xsk_dropped(fd), cpu_ns() - cpu0);
	} else {
		int ret;

		while (got < o.count && !stop_sig) {
			if (o.has_timeout) {
				struct pollfd pfd = { .fd = fd,
						      .events = POLLIN };
				int tick = wait_ms(&o, deadline);

				if (!tick)
					break;
				if (poll(&pfd, 1, tick) <= 0)
					continue;
			}
			ret = udp_drain(fd, o.count - got, MSG_WAITFORONE);
			if (ret < 0 && ret != -EINTR)
				die("recvmmsg", -ret);
			if (ret > 0)
				got += (uint64_t)ret;
		}
		while (got < o.count &&
		       (ret = udp_drain(fd, o.count - got, MSG_DONTWAIT)) > 0)
			got += (uint64_t)ret;
		printf("frames %" PRIu64 " dropped %" PRIu64 " cpu_ns %" PRIu64
		       "\n",
		       got, udp_dropped(fd), cpu_ns() - cpu0);
	}
	if (fflush(stdout) || ferror(stdout))
		die("stdout", errno ? errno : EIO);
	return 0;
}
