/*
 * Which of the capabilities xdpwire's work needs this process lacks, so
 * that a refusal can name the missing permission instead of leaving the
 * operator with a bare "Operation not permitted".
 */
#ifndef XW_CAPS_H
#define XW_CAPS_H

#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Whether the effective set has cap (a CAP_* number); false if unknown. */
bool xw_has_cap(int cap);

/*
 * Writes "CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN" (the ones lacking of
 * the three) into buf; returns false, with buf empty, when none lacks.
 */
bool xw_missing_caps(char *buf, size_t size);

#endif /* XW_CAPS_H */
