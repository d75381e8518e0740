#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "core/caps.h"
#include "core/fault.h"
#include "core/report.h"
#include "bpf/attach_reason.h"
#include "pins/xdp_reason.h"
#include "attach_reason.skel.h"

static const char *load_failure(int err)
{
	if (err == EPERM || err == EACCES)
		return "its program needs CAP_PERFMON or CAP_SYS_ADMIN";
	return "its program did not load";
}

struct attach_reason_bpf *xw_xdp_reason_listen(struct xw_xdp_reason *r)
{
	struct attach_reason_bpf *l = NULL;
	libbpf_print_fn_t print;
	int err;

	r->text[0] = '\0';
	r->none = NULL;
	/* Reading the kernel's string is tracing: checked, not tried. */
	if (!xw_has_cap(CAP_PERFMON) && !xw_has_cap(CAP_SYS_ADMIN)) {
		r->none = "reading it needs CAP_PERFMON or CAP_SYS_ADMIN";
		return NULL;
	}
	if (xw_fault("attach-reason")) {
		r->none = "injected fault at attach-reason";
		return NULL;
	}
	/* A diagnosis that fails is silent: libbpf's lines would only alarm. */
	print = libbpf_set_print(NULL);
	l = attach_reason_bpf__open();
	if (!l) {
		r->none = "its program did not open";
		goto out;
	}
	l->rodata->tgid = (__u32)getpid();
	err = attach_reason_bpf__load(l);
	if (err) {
		r->none = load_failure(-err);
		goto fail;
	}
	err = attach_reason_bpf__attach(l);
	if (err) {
		r->none =
			-err == ENOENT ?
				"this kernel has no tracepoint bpf_xdp_link_attach_failed" :
				"its tracepoint did not attach";
		goto fail;
	}
	goto out;
fail:
	attach_reason_bpf__destroy(l);
	l = NULL;
out:
	libbpf_set_print(print);
	return l;
}

void xw_xdp_reason_read(const struct attach_reason_bpf *l,
			struct xw_xdp_reason *r)
{
	const struct xw_attach_reason *got = &l->bss->result;

	r->text[0] = '\0';
	if (!got->fired) {
		/* Refused before the device was asked (bad flags, gone). */
		r->none =
			"the attach failed before the kernel's attach-failure tracepoint";
		return;
	}
	if (!got->has_msg) {
		r->none = "the kernel gave no message";
		return;
	}
	xw_escape(got->msg, strnlen(got->msg, sizeof(got->msg)), r->text,
		  sizeof(r->text));
	r->none = NULL;
}

void xw_xdp_reason_close(struct attach_reason_bpf *l)
{
	attach_reason_bpf__destroy(l);
}
