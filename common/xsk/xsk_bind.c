#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/exit.h"
#include "core/report.h"
#include "xsk/xsk_bind.h"
#include "xsk/xsk_btf.h"
#include "xsk_bind.skel.h"

/*
 * One run of the program on a dummy frame: it reads the socket, compares
 * it with the slot and writes the result into its .bss.
 */
static int run_once(struct xsk_bind_bpf *skel)
{
	unsigned char frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame,
		    .data_size_in = sizeof(frame), .repeat = 1);

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xw_xsk_bind),
				   &run))
		return -errno;
	return 0;
}

static int query(const struct xw_xsk_query *q, int btf_fd,
		 struct xw_xsk_bind *out, const char **step)
{
	char btf_path[32];
	LIBBPF_OPTS(bpf_object_open_opts, open_opts,
		    .btf_custom_path = btf_path);
	struct xsk_bind_bpf *skel;
	__u32 zero = 0, sock = (__u32)q->fd;
	int err;

	snprintf(btf_path, sizeof(btf_path), "/proc/self/fd/%d", btf_fd);
	*step = "cannot open the BPF program that reads it";
	skel = xsk_bind_bpf__open_opts(&open_opts);
	if (!skel)
		return -errno;
	skel->rodata->cfg.key = q->key;
	skel->rodata->cfg.key_is_queue = q->key_is_queue;
	skel->rodata->cfg.socket = q->socket;
	err = bpf_map__reuse_fd(skel->maps.slots, q->map_fd);
	if (err)
		goto out;
	*step = "cannot load the BPF program that reads it";
	err = xsk_bind_bpf__load(skel);
	if (err)
		goto out;
	*step = "cannot run the BPF program that reads it";
	if (q->socket && bpf_map_update_elem(bpf_map__fd(skel->maps.probe),
					     &zero, &sock, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	err = run_once(skel);
	if (!err)
		*out = skel->bss->result;
out:
	/* Destroying the private map lets go of the socket at once. */
	xsk_bind_bpf__destroy(skel);
	return err;
}

int xw_xsk_query(struct xw_ctx *ctx, const struct xw_xsk_query *q,
		 const char *object, struct xw_xsk_bind *out)
{
	const char *step = "cannot make the BTF of the fields it reads";
	libbpf_print_fn_t print = NULL;
	int btf, err = 0, tries;
	bool cached;

	for (tries = 0; tries < 2; tries++) {
		memset(out, 0, sizeof(*out));
		btf = xw_xsk_btf_open(ctx, tries > 0, &cached);
		if (btf < 0) {
			err = btf;
			break;
		}
		/*
		 * A damaged cache is made again, and the retry talks: libbpf's
		 * complaints about the damaged one would only alarm.
		 */
		if (cached)
			print = libbpf_set_print(NULL);
		err = query(q, btf, out, &step);
		if (cached)
			libbpf_set_print(print);
		close(btf);
		if (!err || !cached)
			break;
		xw_debug(ctx, 1, "%s: %s with the cached BTF: %s", object, step,
			 strerror(-err));
	}
	if (err)
		return xw_fail_errno(ctx, -err, object,
				     "cannot read its binding: %s", step);
	if (!out->found)
		return xw_fail(
			ctx, XW_EXIT_OSERR, 0, object,
			"cannot read its binding: the program found no socket");
	xw_debug(ctx, 1,
		 "%s: state %u, ifindex %u, netns %u, queue %u, rx %u, tx %u, umem %u; slot %u: %s",
		 object, out->state, out->ifindex, out->netns_ino, out->queue,
		 out->has_rx, out->has_tx, out->has_umem, out->slot_key,
		 out->slot == XW_SLOT_EMPTY ? "empty" :
		 out->slot == XW_SLOT_THIS  ? "this socket" :
		 out->slot == XW_SLOT_OTHER ? "another socket" :
					      "not read");
	return 0;
}

void xw_xsk_ifname(const struct xw_xsk_bind *b, char *buf, size_t size)
{
	size_t len = 0, i;
	unsigned char c;

	buf[0] = '\0';
	for (i = 0; i < sizeof(b->ifname) && b->ifname[i]; i++) {
		c = (unsigned char)b->ifname[i];
		if (c > 0x20 && c < 0x7f)
			len += (size_t)snprintf(buf + len, size - len, "%c", c);
		else
			len += (size_t)snprintf(buf + len, size - len,
						"\\x%02x", c);
		if (len >= size)
			break;
	}
}
