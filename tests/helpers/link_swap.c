// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-link-swap LINK_PIN OBJECT: replaces the program of the pinned XDP
 * link with the first program of OBJECT (bpf_link_update), as a foreign
 * tool would behind xdpwire's back; the link, its pin and the install's
 * other pins stay.  For tests/46-verify.bats.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int link, err;

	if (argc != 3) {
		fprintf(stderr, "usage: xw-link-swap LINK_PIN OBJECT\n");
		return 64;
	}
	link = bpf_obj_get(argv[1]);
	if (link < 0) {
		fprintf(stderr, "xw-link-swap: %s: %s\n", argv[1],
			strerror(errno));
		return 66;
	}
	obj = bpf_object__open_file(argv[2], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "xw-link-swap: %s: cannot load\n", argv[2]);
		return 65;
	}
	prog = bpf_object__next_program(obj, NULL);
	err = prog ? bpf_link_update(link, bpf_program__fd(prog), NULL) : -1;
	if (err) {
		fprintf(stderr, "xw-link-swap: %s: cannot update: %s\n",
			argv[1], strerror(errno));
		bpf_object__close(obj);
		return 71;
	}
	bpf_object__close(obj);
	return 0;
}
