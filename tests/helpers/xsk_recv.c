// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-xsk-recv: hold one AF_XDP socket on a device queue and count what
 * arrives on it, so tests can check where an XDP program redirected frames.
 *
 * Usage:
 *   xw-xsk-recv --dev NAME [--queue Q] [--tx-only] [--ready-file PATH]
 *               [--timeout-ms MS] [--until KEY=N] [-- CMD ARGS...]
 *   xw-xsk-recv --unbound bare|rings [--ready-file PATH] [--timeout-ms MS]
 *               [-- CMD ARGS...]
 *
 * --unbound holds a socket that is never bound, for the refusals of
 * sockmap-insert: "bare" has nothing set up, "rings" has its UMEM and its
 * fill, completion and RX rings (all the kernel wants before a bind).
 * --tx-only binds a socket with a TX ring and no RX ring, which the kernel
 * accepts but which can never receive: sockmap-insert must refuse it.  It
 * counts nothing.
 *
 * libxdp is told not to load a program: the XDP program and its XSKMAP
 * belong to the code under test. To get the socket into that map, CMD is
 * run once the socket is bound, with the socket inherited and every
 * argument equal to "{fd}" replaced by its number.
 *
 * Then the ready file is written ("pid=<pid> fd=<fd>\n", also on stderr)
 * and frames are counted until SIGTERM, SIGINT or SIGUSR1, until MS
 * milliseconds after the ready file, or until N frames were counted under
 * KEY (frames behind that one are left uncounted, so the count for KEY
 * is exactly N). One JSON object goes to stdout, e.g.
 *   {"frames":12,"bytes":900,"by":{"udp:9999":5,"arp":2}}
 * Keys: arp, udp:<dport>, tcp:<dport>, icmp, icmp6, ip:<proto>, frag
 * (non-first fragment), ether:0x<type>, short (truncated headers).
 *
 * Exit codes:
 *   0  counted and printed the JSON object
 *   1  setup or runtime failure (message on stderr, no JSON); a queue
 *      that stays busy (EBUSY) for 1 s counts as failure
 *   2  usage error
 *   3  the insert command failed: exited non-zero, or was killed (the
 *      status printed is then 128+signal; 127 if it could not be run)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_xdp.h>
#include <netinet/in.h>

#include <xdp/xsk.h>

#include "fd_holder.h"

#define PROG "xw-xsk-recv"

#define EXIT_SETUP 1
#define EXIT_USAGE 2
#define EXIT_INSERT 3

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE 2048
#define FRAME_MASK (~(uint64_t)(FRAME_SIZE - 1))
#define RX_BATCH 64
#define TICK_MS 10
#define KEY_LEN 24
#define BUSY_WAIT_MS 1000
#define BUSY_STEP_MS 10
/* Far more than any sane packet has; bounds the walk on hostile input. */
#define MAX_V6_EXT 8

struct counter {
	char key[KEY_LEN];
	uint64_t n;
};

struct opts {
	const char *dev;
	const char *unbound;
	bool tx_only;
	uint32_t queue;
	const char *ready_file;
	bool has_timeout;
	uint32_t timeout_ms;
	const char *until_key;
	uint64_t until_n;
	char **cmd;
};

struct rx_state {
	void *buf;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	/* Frames owned by us, i.e. neither in the fill nor in the rx ring. */
	uint64_t free_addr[NUM_FRAMES];
	uint32_t nr_free;
	uint64_t frames;
	uint64_t bytes;
	struct counter *ctr;
	size_t nr_ctr;
	size_t cap_ctr;
};

static volatile sig_atomic_t stop_sig;

static uint64_t now_ms(void);

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void usage(const char *why)
{
	fprintf(stderr,
		PROG ": %s (usage: " PROG " --dev NAME [--queue Q] "
		     "[--ready-file PATH] [--timeout-ms MS] [--until KEY=N] "
		     "[-- CMD ARGS...])\n",
		why);
	exit(EXIT_USAGE);
}

static void die(const char *what, int err)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(err));
	exit(EXIT_SETUP);
}

/* strtoull alone would take blanks, signs and hex: a typo must not pass. */
static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static void parse_until(struct opts *o, char *spec)
{
	char *eq = strrchr(spec, '=');

	if (!eq || eq == spec || (size_t)(eq - spec) >= KEY_LEN)
		usage("--until wants KEY=N");
	*eq = '\0';
	if (!parse_u64(eq + 1, 1, UINT32_MAX, &o->until_n))
		usage("--until count must be 1..4294967295");
	o->until_key = spec;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "until", required_argument, NULL, 'u' },
		{ "unbound", required_argument, NULL, 'n' },
		{ "tx-only", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	/* '+': never permute, the command after "--" keeps its own options. */
	while ((c = getopt_long(argc, argv, "+", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!*optarg || strlen(optarg) >= IFNAMSIZ)
				usage("bad --dev name");
			o->dev = optarg;
			break;
		case 'q':
			if (!parse_u64(optarg, 0, UINT32_MAX, &v))
				usage("--queue must be 0..4294967295");
			o->queue = (uint32_t)v;
			break;
		case 'r':
			if (!*optarg)
				usage("empty --ready-file");
			o->ready_file = optarg;
			break;
		case 't':
			if (!parse_u64(optarg, 0, INT32_MAX, &v))
				usage("--timeout-ms must be 0..2147483647");
			o->has_timeout = true;
			o->timeout_ms = (uint32_t)v;
			break;
		case 'u':
			parse_until(o, optarg);
			break;
		case 'n':
			if (strcmp(optarg, "bare") && strcmp(optarg, "rings"))
				usage("--unbound wants bare or rings");
			o->unbound = optarg;
			break;
		case 'x':
			o->tx_only = true;
			break;
		case 'h':
			usage("help requested");
			break;
		default:
			usage("unknown option or missing argument");
		}
	}
	if (!o->dev && !o->unbound)
		usage("--dev or --unbound is required");
	if (o->dev && o->unbound)
		usage("--dev and --unbound exclude each other");
	if (o->tx_only && !o->dev)
		usage("--tx-only wants --dev");
	if (optind < argc) {
		/* getopt only stops early at "--"; a bare word is a typo. */
		if (strcmp(argv[optind - 1], "--"))
			usage("unexpected argument before --");
		o->cmd = &argv[optind];
	} else if (optind > 0 && !strcmp(argv[optind - 1], "--")) {
		usage("empty command after --");
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
	/* No SA_RESTART: a stop request must interrupt poll() and waitpid(). */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			die("sigaction", errno);
}

/*
 * Build UMEM and socket. Everything is torn down on failure so the caller
 * can retry with other bind flags on a clean slate: libxdp keeps ring
 * state in the UMEM of a failed first socket.
 */
static int xsk_setup(struct rx_state *st, const struct opts *o,
		     uint16_t bind_flags)
{
	struct xsk_umem_config ucfg = {
		.fill_size = RING_SIZE,
		.comp_size = RING_SIZE,
		.frame_size = FRAME_SIZE,
		.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM,
		.flags = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = o->tx_only ? 0 : RING_SIZE,
		.tx_size = o->tx_only ? RING_SIZE : 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = bind_flags,
	};
	int err;

	err = xsk_umem__create(&st->umem, st->buf,
			       (uint64_t)NUM_FRAMES * FRAME_SIZE, &st->fill,
			       &st->comp, &ucfg);
	if (err)
		return err;
	err = xsk_socket__create(&st->xsk, o->dev, o->queue, st->umem,
				 o->tx_only ? NULL : &st->rx,
				 o->tx_only ? &st->tx : NULL, &scfg);
	if (err) {
		st->xsk = NULL;
		xsk_umem__delete(st->umem);
		st->umem = NULL;
	}
	return err;
}

/*
 * The kernel frees a closed socket's claim on its queue from a workqueue,
 * so a bind right after the previous helper exited can see EBUSY for a few
 * milliseconds. Retry for a bounded time; a queue really held by someone
 * else still fails, just BUSY_WAIT_MS later.
 */
static int bind_retry(struct rx_state *st, const struct opts *o)
{
	const struct timespec pause = { .tv_nsec = BUSY_STEP_MS * 1000000L };
	int tries = BUSY_WAIT_MS / BUSY_STEP_MS;
	int err;

	for (;;) {
		err = xsk_setup(st, o, XDP_COPY);
		/* Old kernels refuse the flag; a bad queue just fails twice. */
		if (err == -EINVAL || err == -EOPNOTSUPP)
			err = xsk_setup(st, o, 0);
		if (err != -EBUSY || tries-- <= 0 || stop_sig)
			return err;
		if (nanosleep(&pause, NULL) && errno != EINTR)
			return -errno;
	}
}

static void refill(struct rx_state *st)
{
	uint32_t n = st->nr_free, idx, i;

	if (!n)
		return;
	/* reserve() is all or nothing, so shrink until it fits. */
	while (n && xsk_ring_prod__reserve(&st->fill, n, &idx) != n)
		n /= 2;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&st->fill, idx + i) =
			st->free_addr[--st->nr_free];
	if (n)
		xsk_ring_prod__submit(&st->fill, n);
}

static void open_xsk(struct rx_state *st, const struct opts *o)
{
	uint32_t i;
	int err;

	st->buf = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (st->buf == MAP_FAILED)
		die("mmap umem", errno);

	err = bind_retry(st, o);
	if (err)
		die("xsk_socket__create", -err);

	for (i = 0; i < NUM_FRAMES; i++)
		st->free_addr[i] = (uint64_t)(NUM_FRAMES - 1 - i) * FRAME_SIZE;
	st->nr_free = NUM_FRAMES;
	/* Every frame the kernel cannot find in the fill ring is a drop. */
	refill(st);
	if (xsk_prod_nb_free(&st->fill, RING_SIZE) != 0)
		die("fill ring not full after setup", EIO);
}

static void set_ring(int fd, int opt, const char *what)
{
	int size = RING_SIZE;

	if (setsockopt(fd, SOL_XDP, opt, &size, sizeof(size)))
		die(what, errno);
}

/* A socket that sockmap-insert must refuse: never bound to a device. */
static int open_unbound(struct rx_state *st, const struct opts *o)
{
	struct xdp_umem_reg reg = {
		.len = (uint64_t)NUM_FRAMES * FRAME_SIZE,
		.chunk_size = FRAME_SIZE,
	};
	int fd;

	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket(AF_XDP)", errno);
	if (!strcmp(o->unbound, "bare"))
		return fd;
	st->buf = mmap(NULL, (size_t)reg.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st->buf == MAP_FAILED)
		die("mmap umem", errno);
	reg.addr = (uint64_t)(uintptr_t)st->buf;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)))
		die("XDP_UMEM_REG", errno);
	set_ring(fd, XDP_UMEM_FILL_RING, "XDP_UMEM_FILL_RING");
	set_ring(fd, XDP_UMEM_COMPLETION_RING, "XDP_UMEM_COMPLETION_RING");
	set_ring(fd, XDP_RX_RING, "XDP_RX_RING");
	return fd;
}

/* Nothing can arrive on an unbound socket: wait for the stop only. */
static void idle_loop(const struct opts *o)
{
	uint64_t deadline = o->has_timeout ? now_ms() + o->timeout_ms : 0;

	while (!stop_sig && (!o->has_timeout || now_ms() < deadline))
		poll(NULL, 0, TICK_MS);
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

static uint64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime", errno);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void l4_key(char *key, uint8_t proto, const uint8_t *l4, size_t left,
		   bool v6)
{
	if (proto == IPPROTO_UDP || proto == IPPROTO_TCP) {
		if (left < 4) {
			snprintf(key, KEY_LEN, "short");
			return;
		}
		snprintf(key, KEY_LEN, "%s:%u",
			 proto == IPPROTO_UDP ? "udp" : "tcp", rd16(l4 + 2));
	} else if (!v6 && proto == IPPROTO_ICMP) {
		snprintf(key, KEY_LEN, "icmp");
	} else if (v6 && proto == IPPROTO_ICMPV6) {
		snprintf(key, KEY_LEN, "icmp6");
	} else {
		snprintf(key, KEY_LEN, "ip:%u", proto);
	}
}

static void ipv4_key(char *key, const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < 20) {
		snprintf(key, KEY_LEN, "short");
		return;
	}
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if ((p[0] >> 4) != 4 || ihl < 20) {
		snprintf(key, KEY_LEN, "ether:0x%04x", ETH_P_IP);
		return;
	}
	/* Offset bits only: MF alone is the first fragment, with ports. */
	if (rd16(p + 6) & 0x1fff) {
		snprintf(key, KEY_LEN, "frag");
		return;
	}
	if (len < ihl) {
		snprintf(key, KEY_LEN, "short");
		return;
	}
	l4_key(key, p[9], p + ihl, len - ihl, false);
}

static void ipv6_key(char *key, const uint8_t *p, size_t len)
{
	size_t off = 40, hlen;
	uint8_t nh;
	int i;

	if (len < 40) {
		snprintf(key, KEY_LEN, "short");
		return;
	}
	if ((p[0] >> 4) != 6) {
		snprintf(key, KEY_LEN, "ether:0x%04x", ETH_P_IPV6);
		return;
	}
	nh = p[6];
	for (i = 0; i < MAX_V6_EXT; i++) {
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT)
			break;
		if (len - off < 8) {
			snprintf(key, KEY_LEN, "short");
			return;
		}
		if (nh == IPPROTO_FRAGMENT) {
			if (rd16(p + off + 2) >> 3) {
				snprintf(key, KEY_LEN, "frag");
				return;
			}
			hlen = 8;
		} else {
			hlen = ((size_t)p[off + 1] + 1) * 8;
		}
		nh = p[off];
		if (len - off < hlen) {
			snprintf(key, KEY_LEN, "short");
			return;
		}
		off += hlen;
	}
	l4_key(key, nh, p + off, len - off, true);
}

static void classify(char *key, const uint8_t *p, size_t len)
{
	size_t off = 12;
	uint16_t type;
	int tags;

	if (len < ETH_HLEN) {
		snprintf(key, KEY_LEN, "short");
		return;
	}
	type = rd16(p + off);
	for (tags = 0; tags < 2; tags++) {
		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			break;
		off += 4;
		if (len < off + 2) {
			snprintf(key, KEY_LEN, "short");
			return;
		}
		type = rd16(p + off);
	}
	off += 2;
	switch (type) {
	case ETH_P_ARP:
		snprintf(key, KEY_LEN, "arp");
		break;
	case ETH_P_IP:
		ipv4_key(key, p + off, len - off);
		break;
	case ETH_P_IPV6:
		ipv6_key(key, p + off, len - off);
		break;
	default:
		snprintf(key, KEY_LEN, "ether:0x%04x", type);
	}
}

static uint64_t count_key(struct rx_state *st, const char *key)
{
	struct counter *c;
	size_t i;

	for (i = 0; i < st->nr_ctr; i++)
		if (!strcmp(st->ctr[i].key, key))
			return ++st->ctr[i].n;
	if (st->nr_ctr == st->cap_ctr) {
		size_t cap = st->cap_ctr ? st->cap_ctr * 2 : 16;

		c = realloc(st->ctr, cap * sizeof(*c));
		if (!c)
			die("realloc counters", ENOMEM);
		st->ctr = c;
		st->cap_ctr = cap;
	}
	c = &st->ctr[st->nr_ctr++];
	snprintf(c->key, KEY_LEN, "%s", key);
	c->n = 1;
	return 1;
}

/* Returns true once the --until condition holds. */
static bool drain_rx(struct rx_state *st, const struct opts *o)
{
	const struct xdp_desc *d;
	char key[KEY_LEN];
	uint32_t idx, n, i;
	bool done = false;
	uint64_t cnt;

	n = xsk_ring_cons__peek(&st->rx, RX_BATCH, &idx);
	for (i = 0; i < n; i++) {
		d = xsk_ring_cons__rx_desc(&st->rx, idx + i);
		/* Frames behind the stop point stay uncounted, by design. */
		if (!done) {
			classify(key, xsk_umem__get_data(st->buf, d->addr),
				 d->len);
			cnt = count_key(st, key);
			st->frames++;
			st->bytes += d->len;
			if (o->until_key && cnt >= o->until_n &&
			    !strcmp(key, o->until_key))
				done = true;
		}
		/* Aligned mode: the descriptor points past the headroom. */
		st->free_addr[st->nr_free++] = d->addr & FRAME_MASK;
	}
	if (n)
		xsk_ring_cons__release(&st->rx, n);
	refill(st);
	return done;
}

static void rx_loop(struct rx_state *st, const struct opts *o)
{
	struct pollfd pfd = {
		.fd = xsk_socket__fd(st->xsk),
		.events = POLLIN,
	};
	uint64_t deadline = 0, now;
	int tick, ret;

	if (o->has_timeout)
		deadline = now_ms() + o->timeout_ms;
	for (;;) {
		if (drain_rx(st, o) || stop_sig)
			return;
		tick = TICK_MS;
		if (o->has_timeout) {
			now = now_ms();
			if (now >= deadline)
				return;
			if (deadline - now < TICK_MS)
				tick = (int)(deadline - now);
		}
		ret = poll(&pfd, 1, tick);
		if (ret < 0 && errno != EINTR)
			die("poll", errno);
		if (ret > 0 && (pfd.revents & (POLLERR | POLLNVAL)))
			die("poll xsk fd", EIO);
	}
}

static void print_json(const struct rx_state *st)
{
	size_t i;

	printf("{\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"by\":{",
	       st->frames, st->bytes);
	/* Keys are built here from [a-z0-9:x] only: no escaping needed. */
	for (i = 0; i < st->nr_ctr; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", st->ctr[i].key,
		       st->ctr[i].n);
	printf("}}\n");
	if (fflush(stdout) || ferror(stdout))
		die("write stdout", errno ? errno : EIO);
}

int main(int argc, char **argv)
{
	static struct rx_state st;
	char line[64];
	struct opts o;
	int fd, status;

	parse_args(&o, argc, argv);
	install_signals();
	if (o.unbound) {
		fd = open_unbound(&st, &o);
	} else {
		open_xsk(&st, &o);
		fd = xsk_socket__fd(st.xsk);
	}

	if (o.cmd) {
		status = run_insert(o.cmd, fd);
		if (status) {
			fprintf(stderr,
				PROG ": insert command failed with "
				     "status %d\n",
				status);
			return EXIT_INSERT;
		}
	}

	snprintf(line, sizeof(line), "pid=%d fd=%d\n", (int)getpid(), fd);
	if (o.ready_file)
		write_ready(o.ready_file, line);
	fputs(line, stderr);

	if (o.unbound || o.tx_only) {
		idle_loop(&o);
		print_json(&st);
		close(fd);
		return 0;
	}
	rx_loop(&st, &o);
	print_json(&st);

	xsk_socket__delete(st.xsk);
	xsk_umem__delete(st.umem);
	munmap(st.buf, (size_t)NUM_FRAMES * FRAME_SIZE);
	free(st.ctr);
	return 0;
}
