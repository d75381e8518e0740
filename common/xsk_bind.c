#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ctx.h"
#include "exit.h"
#include "xsk_bind.h"
#include "xsk_bind.skel.h"

/* Walks the iterator once; the program writes nothing to the seq file. */
static int run_iter(struct bpf_link *link)
{
	char buf[64];
	ssize_t n;
	int fd, err = 0;

	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
	}
	close(fd);
	return err;
}

static int query(const struct xw_xsk_query *q, struct xw_xsk_bind *out,
		 const char **step)
{
	union bpf_iter_link_info linfo = { .task.tid = (__u32)gettid() };
	LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &linfo,
		    .link_info_len = sizeof(linfo));
	struct xsk_bind_bpf *skel;
	struct bpf_link *link;
	int err;

	*step = "cannot open the BPF iterator";
	skel = xsk_bind_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->cfg.fd = (__u32)q->fd;
	skel->rodata->cfg.key = q->key;
	skel->rodata->cfg.key_is_queue = q->key_is_queue;
	skel->rodata->cfg.socket = q->socket;
	err = bpf_map__reuse_fd(skel->maps.slots, q->map_fd);
	if (err)
		goto out;
	*step = "cannot load the BPF iterator";
	err = xsk_bind_bpf__load(skel);
	if (err)
		goto out;
	*step = "cannot run the BPF iterator";
	link = bpf_program__attach_iter(skel->progs.xw_xsk_bind, &opts);
	if (!link) {
		err = -errno;
		goto out;
	}
	err = run_iter(link);
	bpf_link__destroy(link);
	if (!err)
		*out = skel->bss->result;
out:
	xsk_bind_bpf__destroy(skel);
	return err;
}

int xw_xsk_query(struct xw_ctx *ctx, const struct xw_xsk_query *q,
		 const char *object, struct xw_xsk_bind *out)
{
	const char *step;
	int err;

	memset(out, 0, sizeof(*out));
	err = query(q, out, &step);
	if (err)
		return xw_fail_errno(ctx, -err, object, "%s", step);
	if (!out->found)
		return xw_fail(ctx, XW_EXIT_OSERR, 0, object,
			       "descriptor %d vanished while being read",
			       q->fd);
	xw_debug(ctx, 1,
		 "%s: family %u, state %u, ifindex %u, netns %u, queue %u, rx %u, tx %u, umem %u; slot %u: %s",
		 object, out->family, out->state, out->ifindex, out->netns_ino,
		 out->queue, out->has_rx, out->has_tx, out->has_umem,
		 out->slot_key,
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
