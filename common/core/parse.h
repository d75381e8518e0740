/*
 * Typed parsers for option values, each with range checks, so that no
 * subcommand parses a number by hand.  They return 0 or -EINVAL/-ERANGE and
 * never print: the option parser reports with the option's name.
 */
#ifndef XW_PARSE_H
#define XW_PARSE_H

#include <stdint.h>

/* Decimal only: a leading zero or sign is not a different number here. */
int xw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* A TCP port, 1..65535. */
int xw_parse_port(const char *s, uint16_t *out);

/* A file descriptor number of this process, 0..INT_MAX. */
int xw_parse_fd(const char *s, int *out);

/* A process id, 1..INT_MAX. */
int xw_parse_pid(const char *s, int *out);

#endif /* XW_PARSE_H */
