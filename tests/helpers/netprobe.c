// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-netprobe: plain socket probes for tests, IPv4 or IPv6 literals only.
 *
 *   xw-netprobe udp-send ADDR PORT COUNT
 *	Send COUNT datagrams "xdpwire probe N" (N = 1..COUNT).
 *	Exit 0 sent, 1 error.
 *   xw-netprobe udp-recv ADDR PORT COUNT TIMEOUT_MS [--ready-file PATH]
 *	Bind ADDR:PORT, write the ready file, receive until COUNT datagrams
 *	arrived or TIMEOUT_MS passed; print the number received.
 *	Exit 0 all COUNT received, 1 timeout or error.
 *   xw-netprobe tcp-connect ADDR PORT TIMEOUT_MS
 *	Exit 0 "connected", 1 "timeout", 2 "refused", 3 "error" (any other
 *	failure, detail on stderr). Note 2 doubles as the usage error code.
 *   xw-netprobe tcp-listen ADDR PORT [--ready-file PATH] [--count N]
 *	Listen, write the ready file, print "accepted <peer>" per connection
 *	(peer is "a.b.c.d:port" or "[v6]:port"), stop after N connections or
 *	on SIGTERM/SIGINT. Exit 0 done, 1 error.
 *
 * Ready files contain "pid=<pid>\n" and appear atomically (PATH.tmp is
 * renamed), so a poller never reads a half-written file.
 *
 * Exit code 2 with one line on stderr means a usage error in every mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#define PROG "xw-netprobe"

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_REFUSED 2
#define EXIT_OTHER 3

#define MAX_COUNT 1000000
#define MAX_TIMEOUT_MS 86400000

struct args {
	const char *pos[4];
	int nr_pos;
	const char *ready_file;
	const char *count;
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
		": %s (modes: udp-send ADDR PORT COUNT | "
		"udp-recv ADDR PORT COUNT TIMEOUT_MS [--ready-file PATH] | "
		"tcp-connect ADDR PORT TIMEOUT_MS | tcp-listen ADDR PORT "
		"[--ready-file PATH] [--count N])\n",
		why);
	exit(EXIT_USAGE);
}

static void die(const char *what, int err, int code)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(err));
	exit(code);
}

/* strtoul alone would take blanks, signs and hex: a typo must not pass. */
static unsigned long parse_ul(const char *s, unsigned long min,
			      unsigned long max, const char *what)
{
	unsigned long v;
	char *end;
	char msg[96];

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno == ERANGE || v < min || v > max)
		goto bad;
	return v;
bad:
	snprintf(msg, sizeof(msg), "%s must be %lu..%lu, got '%s'", what, min,
		 max, s);
	usage(msg);
	return 0;
}

/*
 * Split what follows the mode into positionals and options; which options
 * a mode accepts is its caller's check, via the allow_* flags.
 */
static void split_args(struct args *a, int argc, char **argv, int nr_pos,
		       bool allow_ready, bool allow_count)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 2; i < argc; i++) {
		if (allow_ready && !strcmp(argv[i], "--ready-file")) {
			if (++i == argc || !*argv[i])
				usage("--ready-file needs a path");
			a->ready_file = argv[i];
		} else if (allow_count && !strcmp(argv[i], "--count")) {
			if (++i == argc)
				usage("--count needs a number");
			a->count = argv[i];
		} else if (!strncmp(argv[i], "--", 2)) {
			usage("unknown option for this mode");
		} else {
			if (a->nr_pos == nr_pos)
				usage("too many arguments");
			a->pos[a->nr_pos++] = argv[i];
		}
	}
	if (a->nr_pos != nr_pos)
		usage("too few arguments");
}

static struct addrinfo *resolve(const char *addr, const char *port,
				int socktype, bool passive)
{
	struct addrinfo hints, *res;
	int err;

	/* Port range was already checked; the string is plain digits. */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (passive)
		hints.ai_flags |= AI_PASSIVE;
	err = getaddrinfo(addr, port, &hints, &res);
	if (err) {
		fprintf(stderr, PROG ": bad address '%s': %s\n", addr,
			gai_strerror(err));
		exit(EXIT_USAGE);
	}
	return res;
}

static int open_socket(const struct addrinfo *ai, int extra_type, int code)
{
	int fd = socket(ai->ai_family,
			ai->ai_socktype | SOCK_CLOEXEC | extra_type,
			ai->ai_protocol);

	if (fd < 0)
		die("socket", errno, code);
	return fd;
}

/* Binds ai: SO_REUSEADDR, and v6 sockets never take v4-mapped traffic. */
static int bound_socket(const struct addrinfo *ai, int extra_type)
{
	int one = 1;
	int fd = open_socket(ai, extra_type, EXIT_FAIL);

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("SO_REUSEADDR", errno, EXIT_FAIL);
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		die("IPV6_V6ONLY", errno, EXIT_FAIL);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen))
		die("bind", errno, EXIT_FAIL);
	return fd;
}

static void write_ready(const char *path)
{
	char line[32], *tmp;
	ssize_t w;
	int fd, len;

	if (!path)
		return;
	len = snprintf(line, sizeof(line), "pid=%d\n", (int)getpid());
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		die("asprintf", ENOMEM, EXIT_FAIL);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open ready file", errno, EXIT_FAIL);
	w = write(fd, line, (size_t)len);
	if (w < 0)
		die("write ready file", errno, EXIT_FAIL);
	if (w != len)
		die("write ready file", EIO, EXIT_FAIL);
	if (close(fd))
		die("close ready file", errno, EXIT_FAIL);
	/* rename() is atomic: a poller sees no file or a whole one. */
	if (rename(tmp, path))
		die("rename ready file", errno, EXIT_FAIL);
	free(tmp);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime", errno, EXIT_OTHER);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() one fd until an event or the deadline; 0 means timed out. */
static int poll_until(int fd, short events, int64_t deadline, int code)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int ret;

	for (;;) {
		left = deadline - now_ms();
		if (left < 0)
			left = 0;
		ret = poll(&pfd, 1, (int)left);
		if (ret > 0)
			return ret;
		if (ret == 0)
			return 0;
		if (errno != EINTR)
			die("poll", errno, code);
	}
}

/* Flushed per line: tests read stdout while we are still running. */
static void print_flush(const char *word, const char *arg)
{
	printf("%s%s\n", word, arg);
	if (fflush(stdout))
		die("write stdout", errno, EXIT_FAIL);
}

static int udp_send(int argc, char **argv)
{
	struct addrinfo *ai;
	struct args a;
	unsigned long count, i;
	char msg[32];
	ssize_t w;
	int fd, len;

	split_args(&a, argc, argv, 3, false, false);
	parse_ul(a.pos[1], 1, 65535, "PORT");
	count = parse_ul(a.pos[2], 0, MAX_COUNT, "COUNT");
	ai = resolve(a.pos[0], a.pos[1], SOCK_DGRAM, false);
	/* Unconnected: an ICMP unreachable must not fail later sends. */
	fd = open_socket(ai, 0, EXIT_FAIL);
	for (i = 1; i <= count; i++) {
		len = snprintf(msg, sizeof(msg), "xdpwire probe %lu", i);
		w = sendto(fd, msg, (size_t)len, 0, ai->ai_addr,
			   ai->ai_addrlen);
		if (w < 0)
			die("sendto", errno, EXIT_FAIL);
	}
	close(fd);
	freeaddrinfo(ai);
	return 0;
}

static int udp_recv(int argc, char **argv)
{
	unsigned long count, got = 0;
	struct addrinfo *ai;
	int64_t deadline;
	struct args a;
	char buf[2048];
	int fd;

	split_args(&a, argc, argv, 4, true, false);
	parse_ul(a.pos[1], 1, 65535, "PORT");
	count = parse_ul(a.pos[2], 0, MAX_COUNT, "COUNT");
	deadline = (int64_t)parse_ul(a.pos[3], 0, MAX_TIMEOUT_MS, "TIMEOUT_MS");
	ai = resolve(a.pos[0], a.pos[1], SOCK_DGRAM, true);
	fd = bound_socket(ai, 0);
	freeaddrinfo(ai);
	write_ready(a.ready_file);

	/* The clock starts once senders may go, not at process start. */
	deadline += now_ms();
	while (got < count && poll_until(fd, POLLIN, deadline, EXIT_FAIL)) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			got++;
		else if (errno != EAGAIN && errno != EINTR)
			die("recv", errno, EXIT_FAIL);
	}
	printf("%lu\n", got);
	if (fflush(stdout))
		die("write stdout", errno, EXIT_FAIL);
	close(fd);
	return got == count ? 0 : EXIT_FAIL;
}

static int connect_result(int err)
{
	if (!err) {
		print_flush("connected", "");
		return 0;
	}
	/* Also the kernel's own SYN retry limit, if it beat TIMEOUT_MS. */
	if (err == ETIMEDOUT) {
		print_flush("timeout", "");
		return EXIT_FAIL;
	}
	if (err == ECONNREFUSED) {
		print_flush("refused", "");
		return EXIT_REFUSED;
	}
	fprintf(stderr, PROG ": connect: %s\n", strerror(err));
	print_flush("error", "");
	return EXIT_OTHER;
}

static int tcp_connect(int argc, char **argv)
{
	struct addrinfo *ai;
	int64_t deadline;
	struct args a;
	socklen_t sl;
	int fd, err;

	split_args(&a, argc, argv, 3, false, false);
	parse_ul(a.pos[1], 1, 65535, "PORT");
	deadline = (int64_t)parse_ul(a.pos[2], 0, MAX_TIMEOUT_MS, "TIMEOUT_MS");
	ai = resolve(a.pos[0], a.pos[1], SOCK_STREAM, false);
	fd = open_socket(ai, SOCK_NONBLOCK, EXIT_OTHER);
	deadline += now_ms();

	if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		err = 0;
	} else if (errno != EINPROGRESS) {
		err = errno;
	} else if (!poll_until(fd, POLLOUT, deadline, EXIT_OTHER)) {
		err = ETIMEDOUT;
	} else {
		sl = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl))
			die("getsockopt SO_ERROR", errno, EXIT_OTHER);
	}
	close(fd);
	freeaddrinfo(ai);
	return connect_result(err);
}

static void format_peer(char *out, size_t len,
			const struct sockaddr_storage *ss, socklen_t sl)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int err;

	err = getnameinfo((const struct sockaddr *)ss, sl, host, sizeof(host),
			  serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	if (err) {
		snprintf(out, len, "?");
		return;
	}
	if (ss->ss_family == AF_INET6)
		snprintf(out, len, "[%s]:%s", host, serv);
	else
		snprintf(out, len, "%s:%s", host, serv);
}

/*
 * Stop signals stay blocked except inside ppoll(), so one arriving
 * between the stop check and the wait cannot be lost.
 */
static void setup_stop_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		die("sigaction", errno, EXIT_FAIL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, waitmask))
		die("sigprocmask", errno, EXIT_FAIL);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
}

static int tcp_listen(int argc, char **argv)
{
	unsigned long limit = 0, done = 0;
	struct sockaddr_storage ss;
	char peer[NI_MAXHOST + NI_MAXSERV + 4];
	struct pollfd pfd;
	struct addrinfo *ai;
	sigset_t waitmask;
	struct args a;
	socklen_t sl;
	int fd, cfd;

	split_args(&a, argc, argv, 2, true, true);
	parse_ul(a.pos[1], 1, 65535, "PORT");
	if (a.count)
		limit = parse_ul(a.count, 1, MAX_COUNT, "--count");
	setup_stop_signals(&waitmask);
	ai = resolve(a.pos[0], a.pos[1], SOCK_STREAM, true);
	/* Non-blocking: a peer that resets after ppoll() must not hang us. */
	fd = bound_socket(ai, SOCK_NONBLOCK);
	freeaddrinfo(ai);
	if (listen(fd, 128))
		die("listen", errno, EXIT_FAIL);
	write_ready(a.ready_file);

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop_sig && (!limit || done < limit)) {
		if (ppoll(&pfd, 1, NULL, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			die("ppoll", errno, EXIT_FAIL);
		}
		sl = sizeof(ss);
		cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
			      SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0) {
			/* The peer may reset before we get to it. */
			if (errno == EAGAIN || errno == ECONNABORTED ||
			    errno == EINTR)
				continue;
			die("accept", errno, EXIT_FAIL);
		}
		format_peer(peer, sizeof(peer), &ss, sl);
		print_flush("accepted ", peer);
		close(cfd);
		done++;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage("missing mode");
	if (!strcmp(argv[1], "udp-send"))
		return udp_send(argc, argv);
	if (!strcmp(argv[1], "udp-recv"))
		return udp_recv(argc, argv);
	if (!strcmp(argv[1], "tcp-connect"))
		return tcp_connect(argc, argv);
	if (!strcmp(argv[1], "tcp-listen"))
		return tcp_listen(argc, argv);
	usage("unknown mode");
	return EXIT_USAGE;
}
