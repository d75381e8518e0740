/*
 * --version: xdpwire's version, libbpf's, and the kernel features xdpwire
 * relies on, as `bpftool -V` prints them.
 */
#ifndef XW_VERSION_H
#define XW_VERSION_H

#include <stdbool.h>

/* xdpwire's version, as --version prints it: "0.2.0+g3c2452f". */
const char *xw_version_string(void);

/* Prints the version text, or its JSON document; returns the exit code. */
int xw_version_print(bool json, bool pretty);

/* xdpwire --version [-j|-p], in any order: the exit code. */
int xw_version_main(int argc, char **argv);

#endif /* XW_VERSION_H */
