// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-livegen: a traffic generator for make bench's fast-path throughput.
 *
 *   xw-livegen --obj LIVEGEN.bpf.o --dev IFNAME --src-mac MAC --dst-mac MAC
 *              --src-ip A.B.C.D --dst-ip A.B.C.D [--dport PORT]
 *              [--duration-ms MS] [--count N] [--cpu C] [--dst-count N]
 *
 * pktgen is not built into this kernel and xdp-trafficgen and trafgen
 * fail here, so frames come from BPF_PROG_RUN in live-frames mode:
 * livegen.bpf.c writes one 64-byte UDP/IPv4 frame into each run's packet
 * and returns XDP_TX, and the kernel transmits it out of --dev
 * (ndo_xdp_xmit), to its veth peer, as a NIC's driver would hand it
 * over.  Runs until MS milliseconds passed or N frames were sent
 * (whichever is first).  --dst-count N sends to N destinations in turn,
 * --dst-ip and the N - 1 addresses after it (many sandboxes).
 *
 * Prints "sent N elapsed_ns T".  Exit 0, 1 failure, 2 usage.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define PROG "xw-livegen"
#define FRAME_LEN 64
/* Runs per syscall: long enough to amortise it, short to stop on time. */
#define BATCH_RUNS (1u << 16)

struct args {
	const char *obj;
	unsigned int ifindex;
	unsigned char src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct in_addr src_ip, dst_ip;
	unsigned long dport, duration_ms, count, cpu, dst_count;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static uint16_t ip_checksum(const void *hdr, size_t len)
{
	const uint16_t *p = hdr;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A checksummed IPv4 header, for a router to take; UDP's is optional. */
static void build_frame(const struct args *a, unsigned char *f)
{
	struct ethhdr *eth = (struct ethhdr *)f;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);

	memset(f, 0, FRAME_LEN);
	memcpy(eth->h_dest, a->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, a->src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(FRAME_LEN - ETH_HLEN);
	ip->saddr = a->src_ip.s_addr;
	ip->daddr = a->dst_ip.s_addr;
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons((uint16_t)a->dport);
	udp->len = htons(FRAME_LEN - ETH_HLEN - sizeof(*ip));
}

/* Loads the frame source with the frame as its template; returns its fd. */
static int load_source(const char *path, const unsigned char *frame,
		       unsigned long dst_count)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	__u32 key = 0, count = (__u32)dst_count;
	struct bpf_program *prog;
	struct bpf_map *map;
	size_t size;

	if (!obj)
		return -1;
	/* dst_count is the object's only constant: .rodata is exactly it. */
	map = bpf_object__find_map_by_name(obj, ".rodata");
	if (!map || !bpf_map__initial_value(map, &size) ||
	    size != sizeof(count) ||
	    bpf_map__set_initial_value(map, &count, sizeof(count))) {
		errno = EINVAL;
		return -1;
	}
	if (bpf_object__load(obj))
		return -1;
	prog = bpf_object__find_program_by_name(obj, "xw_livegen");
	map = bpf_object__find_map_by_name(obj, "template");
	if (!prog || !map ||
	    bpf_map_update_elem(bpf_map__fd(map), &key, frame, BPF_ANY))
		return -1;
	/* The object stays open: the process ends when the runs do. */
	return bpf_program__fd(prog);
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end || *v < min || *v > max ? -1 : 0;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[ETH_ALEN];
	char tail;
	int k;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != ETH_ALEN)
		return -1;
	for (k = 0; k < ETH_ALEN; k++)
		mac[k] = (unsigned char)b[k];
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	int i, bad = 0, have = 0;

	for (i = 1; i + 1 < argc && !bad; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (!strcmp(o, "--obj")) {
			a->obj = v;
			have |= 32;
		} else if (!strcmp(o, "--dev")) {
			a->ifindex = if_nametoindex(v);
			bad = !a->ifindex;
			have |= 1;
		} else if (!strcmp(o, "--src-mac")) {
			bad = parse_mac(v, a->src_mac);
			have |= 2;
		} else if (!strcmp(o, "--dst-mac")) {
			bad = parse_mac(v, a->dst_mac);
			have |= 4;
		} else if (!strcmp(o, "--src-ip")) {
			bad = inet_pton(AF_INET, v, &a->src_ip) != 1;
			have |= 8;
		} else if (!strcmp(o, "--dst-ip")) {
			bad = inet_pton(AF_INET, v, &a->dst_ip) != 1;
			have |= 16;
		} else if (!strcmp(o, "--dport")) {
			bad = parse_uint(v, 1, UINT16_MAX, &a->dport);
		} else if (!strcmp(o, "--duration-ms")) {
			bad = parse_uint(v, 1, 3600000, &a->duration_ms);
		} else if (!strcmp(o, "--count")) {
			bad = parse_uint(v, 1, ULONG_MAX, &a->count);
		} else if (!strcmp(o, "--cpu")) {
			bad = parse_uint(v, 0, CPU_SETSIZE - 1, &a->cpu);
		} else if (!strcmp(o, "--dst-count")) {
			bad = parse_uint(v, 1, 65536, &a->dst_count);
		} else {
			bad = 1;
		}
		if (bad)
			fprintf(stderr, PROG ": %s: bad value '%s'\n", o, v);
	}
	if (bad || i != argc || have != 63) {
		fprintf(stderr,
			"usage: " PROG
			" --obj LIVEGEN.bpf.o --dev IFNAME --src-mac MAC --dst-mac "
			"MAC --src-ip IP --dst-ip IP [--dport PORT] "
			"[--duration-ms MS] [--count N] [--cpu C] "
			"[--dst-count N]\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = { .dport = 5000,
			  .duration_ms = 1000,
			  .count = ULONG_MAX,
			  .cpu = ULONG_MAX,
			  .dst_count = 1 };
	unsigned char frame[FRAME_LEN];
	struct xdp_md ctx = {};
	uint64_t t0, deadline, sent = 0;
	cpu_set_t set;
	int fd;

	if (parse_args(argc, argv, &a))
		return 2;
	if (a.cpu != ULONG_MAX) {
		CPU_ZERO(&set);
		CPU_SET(a.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, PROG ": cpu %lu: %s\n", a.cpu,
				strerror(errno));
			return 1;
		}
	}
	build_frame(&a, frame);
	fd = load_source(a.obj, frame, a.dst_count);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: cannot load the frame source: %s\n",
			a.obj, strerror(errno));
		return 1;
	}
	ctx.data_end = FRAME_LEN;
	ctx.ingress_ifindex = a.ifindex;

	t0 = now_ns();
	deadline = t0 + a.duration_ms * 1000000u;
	while (sent < a.count && now_ns() < deadline) {
		uint64_t runs = a.count - sent < BATCH_RUNS ? a.count - sent :
							      BATCH_RUNS;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = FRAME_LEN, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = (__u32)runs,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		if (bpf_prog_test_run_opts(fd, &opts)) {
			fprintf(stderr, PROG ": live frames: %s\n",
				strerror(errno));
			return 1;
		}
		sent += runs;
	}
	printf("sent %llu elapsed_ns %llu\n", (unsigned long long)sent,
	       (unsigned long long)(now_ns() - t0));
	return 0;
}
