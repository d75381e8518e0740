/*
 * The verbosity ladder, libbpf included: by default libbpf's warnings show
 * and its info does not; -vv shows its debug output and the verifier log.
 */
#ifndef XW_LOG_H
#define XW_LOG_H

struct xw_ctx;

void xw_log_init(const struct xw_ctx *ctx);
/*
 * Around calls whose failure is expected and handled (a native attach that
 * falls back to generic), so an operator never sees a libbpf warning that
 * was not an error.  Nests.
 */
void xw_log_silence(void);
void xw_log_restore(void);

#endif /* XW_LOG_H */
