// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-attach-fail: another process whose XDP link attaches the kernel keeps
 * refusing, for the test that xdpwire never reports another process's
 * refusal as its own (the kernel's attach-failure tracepoint is the whole
 * kernel's).  Loads OBJ's first program and tries bpf_link_create on DEV
 * in native mode as fast as it can, until killed or for SECONDS.
 *
 *   xw-attach-fail OBJ DEV SECONDS
 *
 * Prints "failing" once the first attach was refused.  Exit 0 after
 * SECONDS of refusals, 1 when an attach worked or a step failed (named on
 * stderr), 2 usage.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int fail(const char *step, int err)
{
	fprintf(stderr, "xw-attach-fail: %s: %s\n", step, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	struct bpf_object *obj;
	struct bpf_program *prog;
	unsigned int ifindex;
	time_t end;
	char *endp;
	long secs;
	int fd, told = 0;

	if (argc != 4)
		return 2;
	secs = strtol(argv[3], &endp, 10);
	if (*endp || secs <= 0 || secs > 600)
		return 2;
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex)
		return fail(argv[2], errno);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return fail("open", errno);
	if (bpf_object__load(obj))
		return fail("load", errno);
	prog = bpf_object__next_program(obj, NULL);
	if (!prog)
		return fail("program", ENOENT);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		fd = bpf_link_create(bpf_program__fd(prog), (int)ifindex,
				     BPF_XDP, &opts);
		if (fd >= 0)
			return fail("attach", EEXIST);
		if (!told) {
			printf("failing\n");
			fflush(stdout);
			told = 1;
		}
	}
	bpf_object__close(obj);
	return 0;
}
