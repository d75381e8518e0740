/*
 * Test-only fault injection.  XDPWIRE_TEST_FAULT=<point> makes the named
 * step fail with EIO, to prove that every step rolls back what the run did
 * before it; XDPWIRE_TEST_FAULT=kill:<point> kills the process there with
 * SIGKILL, leaving what a crash would leave.  <point>@N picks the N-th
 * time a step that repeats is reached.  The points are listed in
 * README.md ("Fault injection") and named after the step they precede.
 */
#ifndef XW_FAULT_H
#define XW_FAULT_H

/* 0, or -EIO when this point was asked to fail. */
int xw_fault(const char *point);

#endif /* XW_FAULT_H */
