/*
 * The verbosity ladder, libbpf included: by default libbpf's warnings show
 * (at the end of the run, and not when it failed for lack of permission)
 * and its info does not; -v shows both as they come; -vv adds its debug
 * output and the verifier log.
 */
#ifndef XW_LOG_H
#define XW_LOG_H

#include <stdbool.h>

struct xw_ctx;

void xw_log_init(const struct xw_ctx *ctx);
/* Prints the warnings held back, or forgets them (drop). */
void xw_log_flush(bool drop);
#endif /* XW_LOG_H */
