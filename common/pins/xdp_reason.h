/*
 * The kernel's own reason for a failed XDP link attach.  bpf_link_create
 * has no extended ack; the kernel gives the ack's message to its
 * tracepoint bpf_xdp_link_attach_failed instead, which a small program
 * (bpf/attach_reason.bpf.c) listens to while the attach is tried once
 * more.  Only ever set up after a failure: an attach that works pays
 * nothing for it.
 */
#ifndef XW_XDP_REASON_H
#define XW_XDP_REASON_H

struct attach_reason_bpf;

struct xw_xdp_reason {
	/* The kernel's words, escaped as user input is; "" for none. */
	char text[256];
	/* Why there are none, for -v; NULL when there are. */
	const char *none;
};

/*
 * Loads and attaches the listener for this process's failures.  NULL,
 * with r->none set, when it cannot be had: no CAP_PERFMON nor
 * CAP_SYS_ADMIN, no such tracepoint in this kernel, any other failure.
 * Never records a failure: without a reason the caller says what it did.
 */
struct attach_reason_bpf *xw_xdp_reason_listen(struct xw_xdp_reason *r);

/* What the listener heard since it was attached; fills r. */
void xw_xdp_reason_read(const struct attach_reason_bpf *l,
			struct xw_xdp_reason *r);

/* Detaches and frees everything of the listener; NULL is fine. */
void xw_xdp_reason_close(struct attach_reason_bpf *l);

#endif /* XW_XDP_REASON_H */
