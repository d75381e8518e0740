/*
 * Exit codes: sysexits(3) values, because argp already exits 64 on a usage
 * error and scripts can tell the classes apart without parsing messages.
 * The one exception is 1, which is no failure: status --check found an
 * install that is not ok, the answer "no" as grep(1) and diff(1) give it;
 * sysexits leaves 1 free and probes (systemd, Kubernetes) take any
 * non-zero.  Only main() turns a failure into one of these; the table
 * below is the source for --help, the man page's EXIT STATUS and the
 * exit-code tests.
 */
#ifndef XW_EXIT_H
#define XW_EXIT_H

enum xw_exit {
	XW_EXIT_OK = 0,
	XW_EXIT_NOT_OK = 1, /* status --check, verify: not ok */
	XW_EXIT_USAGE = 64, /* bad command line */
	XW_EXIT_DATAERR = 65, /* a value or object is not acceptable */
	XW_EXIT_NOINPUT = 66, /* a named thing does not exist */
	XW_EXIT_UNAVAILABLE = 69, /* kernel or device cannot do it, or busy */
	XW_EXIT_OSERR = 71, /* a system call failed; rolled back */
	XW_EXIT_CANTCREAT = 73, /* a pin or directory cannot be created */
	/*
	 * A run that lost a race and gave up, having changed nothing: a
	 * lock held by another run past the timeout, or a pin directory
	 * removed and re-created under it at every attempt.  Retry.
	 */
	XW_EXIT_TEMPFAIL = 75,
	XW_EXIT_NOPERM = 77, /* not permitted */
};

struct xw_exit_row {
	int code;
	const char *meaning;
};

/* Zero-terminated; in ascending order of code. */
extern const struct xw_exit_row xw_exit_table[];

/* The exit class for a failed kernel call whose errno is err. */
int xw_exit_for_errno(int err);

/* The exit class for a pin, directory or file that could not be created:
 * not permitted (77), or cannot create (73). */
int xw_exit_for_create(int err);

/* The exit class for a failed libnl request (its negative NLE_* code):
 * not permitted (77), or a system call failed (71). */
int xw_exit_for_nl(int nlerr);

#endif /* XW_EXIT_H */
