// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-prog_run: per-packet cost of pinned XDP programs, for make bench.
 *
 *   xw-prog_run [--repeat N] [--rounds R] [--cpu C] [--kernel-time]
 *               [--slot0 OBJ DEV:EXPECT[,EXPECT...]]
 *               [--dst4 A.B.C.D] [--dst6 ADDR] [--xsk PID:FD]
 *               [--load LABEL=OBJ:EXPECT[,EXPECT...]]
 *               [LABEL=PIN:EXPECT[,EXPECT...]]...
 *
 * Each LABEL names a pinned XDP program and the action it must return for
 * each frame, in the order udp4, tcp4-22, tcp6-443, short (pass, drop,
 * redirect, tx, aborted).  A floor, "floor", is loaded here: a program
 * that only returns XDP_PASS, so the test-run loop's own cost is measured
 * in the same rounds.  Every round runs every program on every frame,
 * BPF_PROG_TEST_RUN with N repeats each; one sample is the thread's CPU
 * time for the call over N, in ns (CPU time, not wall time: on a shared
 * machine a preempted thread must not count the wait).  The floor runs
 * before and after the programs of each frame.  A first round, not
 * reported, warms up.
 *
 * --slot0 loads OBJ (build/tests/tunnel_host_v1.bpf.o, the single-sandbox
 * tunnel host before issue 15) here, as the installer would have: pass port 22
 * in its .rodata, device DEV (a name or an ifindex in our network
 * namespace) in slot 0 of its dev_map; label "slot0".  --dst4 and --dst6
 * rewrite the frames' destination address (the truncated frame has none),
 * so the same frames can go to a sandbox's address or to nobody's.
 *
 * --load loads the BPF object OBJ here (the bench's gVisor-shaped baseline,
 * or a variant of an installed program for an A/B measurement): a .rodata
 * that is exactly a struct xw_pass_cfg gets pass port 22, as installed,
 * and every XSKMAP of the object gets in slot 0 the AF_XDP socket of
 * --xsk (which must come first): descriptor FD of process PID, taken with
 * pidfd_getfd(2), so the program redirects to the very socket the
 * installed redirect holds (the one xsk_hold keeps open).
 *
 * Output, one line per program and frame, floor first:
 *   LABEL FRAME S1 S2 ... SR
 * and with --kernel-time, after those, the kernel's own mean duration of a
 * run (BPF_PROG_TEST_RUN's duration, ns) for the same calls:
 *   LABEL.kernel FRAME S1 S2 ... SR
 * Exit 0, 1 on a failure or an unexpected action (the measurement would
 * not be of the path it claims), 2 usage.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include <net/if.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/xw_abi.h"

#define PROG "xw-prog_run"
#define MAX_PROGS 12
#define MAX_ROUNDS 100
#define N_FRAMES 4

struct frame {
	const char *name;
	unsigned char data[128];
	unsigned int len;
};

struct prog {
	const char *label;
	int fd;
	int expect[N_FRAMES];
	double ns[N_FRAMES][MAX_ROUNDS];
	double kernel_ns[N_FRAMES][MAX_ROUNDS]; /* the kernel's duration */
};

static const char *const action_names[] = { "aborted", "drop", "pass", "tx",
					    "redirect" };

static int action_of(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(action_names) / sizeof(action_names[0]); k++)
		if (!strcmp(name, action_names[k]))
			return (int)k;
	return -1;
}

static void eth(unsigned char *p, uint16_t proto)
{
	struct ethhdr *e = (struct ethhdr *)p;

	memcpy(e->h_dest, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	memcpy(e->h_source, "\x02\x00\x00\x00\x00\x02", ETH_ALEN);
	e->h_proto = htons(proto);
}

static void ipv4(unsigned char *p, uint8_t proto, uint16_t tot_len)
{
	struct iphdr *ip = (struct iphdr *)p;

	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = htons(tot_len);
	ip->saddr = htonl(0x0a500002);
	ip->daddr = htonl(0x0a500001);
}

/* A SYN to dport, what a connection's first frame carries. */
static void tcp_syn(unsigned char *p, uint16_t dport)
{
	struct tcphdr *tcp = (struct tcphdr *)p;

	tcp->source = htons(40000);
	tcp->dest = htons(dport);
	tcp->doff = 5;
	tcp->syn = 1;
}

/* The four frames of the issue, every one 64 bytes but the short one. */
static void build_frames(struct frame *f)
{
	struct ipv6hdr *ip6;
	struct udphdr *udp;

	memset(f, 0, N_FRAMES * sizeof(*f));
	f[0].name = "udp4";
	f[0].len = 64;
	eth(f[0].data, ETH_P_IP);
	ipv4(f[0].data + ETH_HLEN, IPPROTO_UDP, 64 - ETH_HLEN);
	udp = (struct udphdr *)(f[0].data + ETH_HLEN + sizeof(struct iphdr));
	udp->source = htons(40000);
	udp->dest = htons(5000);
	udp->len = htons(64 - ETH_HLEN - sizeof(struct iphdr));

	f[1].name = "tcp4-22";
	f[1].len = 64;
	eth(f[1].data, ETH_P_IP);
	ipv4(f[1].data + ETH_HLEN, IPPROTO_TCP, 64 - ETH_HLEN);
	tcp_syn(f[1].data + ETH_HLEN + sizeof(struct iphdr), 22);

	/* IPv6 + TCP headers alone take 74 bytes: the smallest such frame. */
	f[2].name = "tcp6-443";
	f[2].len = ETH_HLEN + sizeof(*ip6) + sizeof(struct tcphdr);
	eth(f[2].data, ETH_P_IPV6);
	ip6 = (struct ipv6hdr *)(f[2].data + ETH_HLEN);
	ip6->version = 6;
	ip6->nexthdr = IPPROTO_TCP;
	ip6->hop_limit = 64;
	ip6->payload_len = htons(sizeof(struct tcphdr));
	ip6->saddr.s6_addr[0] = 0xfd;
	ip6->saddr.s6_addr[15] = 2;
	ip6->daddr.s6_addr[0] = 0xfd;
	ip6->daddr.s6_addr[15] = 1;
	tcp_syn((unsigned char *)(ip6 + 1), 443);

	/* An IPv4 header cut short: what the programs must not read past. */
	f[3].name = "short";
	f[3].len = ETH_HLEN + 10;
	eth(f[3].data, ETH_P_IP);
	ipv4(f[3].data + ETH_HLEN, IPPROTO_UDP, 20);
}

static int load_floor(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "xw_floor", "GPL", insns, 2,
			     NULL);
}

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int run_one(struct prog *p, int k, const struct frame *f,
		   unsigned int repeat, int round)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data,
		    .data_size_in = f->len, .repeat = repeat);
	double t0, t1;
	int err;

	t0 = thread_ns();
	err = bpf_prog_test_run_opts(p->fd, &opts);
	t1 = thread_ns();
	if (err) {
		fprintf(stderr, PROG ": %s on %s: test run: %s\n", p->label,
			f->name, strerror(errno));
		return -1;
	}
	if ((int)opts.retval != p->expect[k]) {
		fprintf(stderr,
			PROG ": %s on %s: returned %u, expected %s: "
			     "not the path to measure\n",
			p->label, f->name, opts.retval,
			action_names[p->expect[k]]);
		return -1;
	}
	if (round >= 0) {
		p->ns[k][round] = (t1 - t0) / repeat;
		p->kernel_ns[k][round] = opts.duration;
	}
	return 0;
}

/*
 * One frame's turn in a round: the floor before and after the programs,
 * its sample the mean of the two, so a drift of the machine during the
 * turn moves the floor as much as the programs.
 */
static int run_frame(struct prog *progs, int n, int k, const struct frame *f,
		     unsigned int repeat, int round)
{
	double before, kbefore;
	int i;

	for (i = 0; i < n; i++)
		if (run_one(&progs[i], k, f, repeat, round))
			return -1;
	if (round < 0)
		return 0;
	before = progs[0].ns[k][round];
	kbefore = progs[0].kernel_ns[k][round];
	if (run_one(&progs[0], k, f, repeat, round))
		return -1;
	progs[0].ns[k][round] = (before + progs[0].ns[k][round]) / 2;
	progs[0].kernel_ns[k][round] =
		(kbefore + progs[0].kernel_ns[k][round]) / 2;
	return 0;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end || *v < min || *v > max ? -1 : 0;
}

/* EXPECT,EXPECT,EXPECT,EXPECT: one action per frame; edits list. */
static int parse_expect(char *list, struct prog *p)
{
	char *tok, *save = NULL;
	int k = 0;

	for (tok = strtok_r(list, ",", &save); tok && k < N_FRAMES;
	     tok = strtok_r(NULL, ",", &save)) {
		p->expect[k] = action_of(tok);
		if (p->expect[k++] < 0)
			return -1;
	}
	return k != N_FRAMES || tok ? -1 : 0;
}

/* LABEL=PIN:EXPECT,EXPECT,EXPECT,EXPECT; edits spec in place. */
static int parse_prog(char *spec, struct prog *p)
{
	char *pin = strchr(spec, '='), *expect;

	if (!pin || !(expect = strrchr(pin, ':')))
		return -1;
	*pin++ = '\0';
	*expect++ = '\0';
	p->label = spec;
	if (parse_expect(expect, p))
		return -1;
	p->fd = bpf_obj_get(pin);
	if (p->fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", pin, strerror(errno));
		return -2;
	}
	return 0;
}

/*
 * --slot0 OBJ DEV:EXPECT,...: the pre-issue-15 tunnel host, loaded as
 * tunnel-install would have loaded it (pass port 22; the object hash does
 * not matter to the data path) with DEV in slot 0.  The object stays open
 * for the process's life: closing it would unload the program.
 */
static int load_slot0(const char *path, char *dev_expect, struct prog *p)
{
	char *expect = strrchr(dev_expect, ':');
	struct xw_pass_cfg cfg = { .n_ports = 1 };
	struct bpf_object *obj;
	struct bpf_map *rodata;
	unsigned long ifindex;
	__u32 key = 0, val;
	size_t size;

	if (!expect)
		return -1;
	*expect++ = '\0';
	if (parse_expect(expect, p))
		return -1;
	if (parse_uint(dev_expect, 1, UINT32_MAX, &ifindex))
		ifindex = if_nametoindex(dev_expect);
	if (!ifindex) {
		fprintf(stderr, PROG ": %s: %s\n", dev_expect, strerror(errno));
		return -2;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -2;
	}
	/* cfg is the object's only constant: .rodata is exactly it. */
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	cfg.ports[0] = htons(22);
	if (!rodata || !bpf_map__initial_value(rodata, &size) ||
	    size != sizeof(cfg) ||
	    bpf_map__set_initial_value(rodata, &cfg, sizeof(cfg))) {
		fprintf(stderr, PROG ": %s: no .rodata of %zu bytes\n", path,
			sizeof(cfg));
		return -2;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, PROG ": %s: load: %s\n", path, strerror(errno));
		return -2;
	}
	val = (__u32)ifindex;
	if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "dev_map"),
				&key, &val, BPF_ANY)) {
		fprintf(stderr, PROG ": %s: slot 0 = %s: %s\n", path,
			dev_expect, strerror(errno));
		return -2;
	}
	p->label = "slot0";
	p->fd = bpf_program__fd(bpf_object__next_program(obj, NULL));
	return 0;
}

/* PID:FD -> our own descriptor of that process's FD (a bound AF_XDP socket). */
static int take_xsk(const char *spec)
{
	unsigned long pid, fd;
	char buf[64], *colon;
	int pidfd, xsk;

	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf) ||
	    !(colon = strchr(buf, ':')))
		return -1;
	*colon = '\0';
	if (parse_uint(buf, 1, INT_MAX, &pid) ||
	    parse_uint(colon + 1, 0, INT_MAX, &fd))
		return -1;
	pidfd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0) {
		fprintf(stderr, PROG ": pid %lu: %s\n", pid, strerror(errno));
		return -2;
	}
	xsk = syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	if (xsk < 0)
		fprintf(stderr, PROG ": fd %lu of pid %lu: %s\n", fd, pid,
			strerror(errno));
	close(pidfd);
	return xsk < 0 ? -2 : xsk;
}

/* A .rodata that is exactly the pass configuration: port 22, as installed. */
static int set_pass_cfg(struct bpf_object *obj)
{
	struct xw_pass_cfg cfg = { .n_ports = 1 };
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	size_t size;

	if (!rodata || !bpf_map__initial_value(rodata, &size) ||
	    size != sizeof(cfg))
		return 0;
	cfg.ports[0] = htons(22);
	return bpf_map__set_initial_value(rodata, &cfg, sizeof(cfg));
}

/*
 * --load LABEL=OBJ:EXPECT,...: OBJ's first program, loaded here, with the
 * socket xsk in slot 0 of each of its XSKMAPs.  The object stays open for
 * the process's life: closing it would unload the program.
 */
static int load_obj(char *spec, int xsk, struct prog *p)
{
	char *path = strchr(spec, '='), *expect;
	struct bpf_object *obj;
	struct bpf_map *map;
	__u32 key = 0, val = (__u32)xsk;

	if (!path || !(expect = strrchr(path, ':')))
		return -1;
	*path++ = '\0';
	*expect++ = '\0';
	p->label = spec;
	if (parse_expect(expect, p))
		return -1;
	obj = bpf_object__open_file(path, NULL);
	if (!obj || set_pass_cfg(obj) || bpf_object__load(obj)) {
		fprintf(stderr, PROG ": %s: open/load: %s\n", path,
			strerror(errno));
		return -2;
	}
	bpf_object__for_each_map(map, obj)
	{
		if (bpf_map__type(map) != BPF_MAP_TYPE_XSKMAP)
			continue;
		if (xsk < 0) {
			fprintf(stderr, PROG ": %s: an XSKMAP and no --xsk\n",
				path);
			return -2;
		}
		if (bpf_map_update_elem(bpf_map__fd(map), &key, &val,
					BPF_ANY)) {
			fprintf(stderr, PROG ": %s: socket into %s: %s\n", path,
				bpf_map__name(map), strerror(errno));
			return -2;
		}
	}
	p->fd = bpf_program__fd(bpf_object__next_program(obj, NULL));
	return 0;
}

/* Every frame's destination (but the truncated one's, which has none). */
static int set_dst(struct frame *f, const char *dst4, const char *dst6)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(f[2].data + ETH_HLEN);
	struct in_addr a4;
	int k;

	if (dst4) {
		if (inet_pton(AF_INET, dst4, &a4) != 1)
			return -1;
		for (k = 0; k < 2; k++) {
			struct iphdr *ip =
				(struct iphdr *)(f[k].data + ETH_HLEN);

			ip->daddr = a4.s_addr;
		}
	}
	if (dst6 && inet_pton(AF_INET6, dst6, &ip6->daddr) != 1)
		return -1;
	return 0;
}

static void print_samples(const struct prog *progs, int n,
			  const struct frame *frames, unsigned long rounds,
			  int kernel)
{
	int i, k, r;

	for (i = 0; i < n; i++)
		for (k = 0; k < N_FRAMES; k++) {
			printf("%s%s %s", progs[i].label,
			       kernel ? ".kernel" : "", frames[k].name);
			for (r = 0; r < (int)rounds; r++)
				printf(" %.3f",
				       kernel ? progs[i].kernel_ns[k][r] :
						progs[i].ns[k][r]);
			printf("\n");
		}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: " PROG " [--repeat N] [--rounds R] [--cpu C] "
		"[--kernel-time] [--slot0 OBJ DEV:EXPECT,EXPECT,EXPECT,EXPECT] "
		"[--dst4 A.B.C.D] [--dst6 ADDR] [--xsk PID:FD] "
		"[--load LABEL=OBJ:EXPECT,EXPECT,EXPECT,EXPECT] "
		"LABEL=PIN:EXPECT,EXPECT,EXPECT,EXPECT...\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long repeat = 1000000, rounds = 5, cpu = ULONG_MAX;
	const char *dst4 = NULL, *dst6 = NULL;
	struct prog progs[MAX_PROGS] = {};
	struct frame frames[N_FRAMES];
	int n = 1, i, k, r, err, kernel_time = 0, xsk = -1;
	cpu_set_t set;

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--repeat")) {
			if (parse_uint(argv[++i], 1, UINT32_MAX, &repeat))
				return usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--rounds")) {
			if (parse_uint(argv[++i], 1, MAX_ROUNDS, &rounds))
				return usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--cpu")) {
			if (parse_uint(argv[++i], 0, CPU_SETSIZE - 1, &cpu))
				return usage();
		} else if (!strcmp(argv[i], "--kernel-time")) {
			kernel_time = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--dst4")) {
			dst4 = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--dst6")) {
			dst6 = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--xsk")) {
			xsk = take_xsk(argv[++i]);
			if (xsk < 0)
				return xsk == -1 ? usage() : 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--load") &&
			   n < MAX_PROGS) {
			err = load_obj(argv[++i], xsk, &progs[n]);
			if (err)
				return err == -1 ? usage() : 1;
			n++;
		} else if (i + 2 < argc && !strcmp(argv[i], "--slot0") &&
			   n < MAX_PROGS) {
			err = load_slot0(argv[i + 1], argv[i + 2], &progs[n]);
			if (err)
				return err == -1 ? usage() : 1;
			i += 2;
			n++;
		} else if (n < MAX_PROGS) {
			err = parse_prog(argv[i], &progs[n]);
			if (err)
				return err == -1 ? usage() : 1;
			n++;
		} else {
			return usage();
		}
	}
	if (n == 1)
		return usage();
	progs[0].label = "floor";
	progs[0].fd = load_floor();
	for (k = 0; k < N_FRAMES; k++)
		progs[0].expect[k] = XDP_PASS;
	if (progs[0].fd < 0) {
		fprintf(stderr, PROG ": cannot load the floor: %s\n",
			strerror(errno));
		return 1;
	}
	if (cpu != ULONG_MAX) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, PROG ": cpu %lu: %s\n", cpu,
				strerror(errno));
			return 1;
		}
	}
	build_frames(frames);
	if (set_dst(frames, dst4, dst6))
		return usage();
	/* Round -1 warms caches and the JIT'd images up and is not kept. */
	for (r = -1; r < (int)rounds; r++)
		for (k = 0; k < N_FRAMES; k++)
			if (run_frame(progs, n, k, &frames[k], repeat, r))
				return 1;
	print_samples(progs, n, frames, rounds, 0);
	if (kernel_time)
		print_samples(progs, n, frames, rounds, 1);
	return 0;
}
