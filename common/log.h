/*
 * The verbosity ladder, libbpf included: by default libbpf's warnings show
 * and its info does not; -vv shows its debug output and the verifier log.
 */
#ifndef XW_LOG_H
#define XW_LOG_H

struct xw_ctx;

void xw_log_init(const struct xw_ctx *ctx);
#endif /* XW_LOG_H */
