/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Helpers shared by the unit tests: capturing what a function writes to
 * stdout and stderr, and running a function in a child process so that a
 * crash or a namespace change stays there.  Include after <cmocka.h>.
 */
#ifndef XW_TEST_H
#define XW_TEST_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct xw_capture {
	int saved_out, saved_err;
	FILE *out, *err;
	char out_buf[8192], err_buf[8192];
};

static inline void xw_capture_start(struct xw_capture *c)
{
	fflush(stdout);
	fflush(stderr);
	c->out = tmpfile();
	c->err = tmpfile();
	assert_non_null(c->out);
	assert_non_null(c->err);
	c->saved_out = dup(STDOUT_FILENO);
	c->saved_err = dup(STDERR_FILENO);
	assert_true(c->saved_out >= 0 && c->saved_err >= 0);
	assert_true(dup2(fileno(c->out), STDOUT_FILENO) >= 0);
	assert_true(dup2(fileno(c->err), STDERR_FILENO) >= 0);
}

/* Reads all of f into buf (NUL-terminated) and closes f. */
static inline void xw_slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Restores stdout/stderr (before any assertion can print) and reads back. */
static inline void xw_capture_end(struct xw_capture *c)
{
	fflush(stdout);
	dup2(c->saved_out, STDOUT_FILENO);
	dup2(c->saved_err, STDERR_FILENO);
	close(c->saved_out);
	close(c->saved_err);
	xw_slurp(c->out, c->out_buf, sizeof(c->out_buf));
	xw_slurp(c->err, c->err_buf, sizeof(c->err_buf));
}

static inline size_t xw_count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * Runs fn in a child, its stdout on out and stderr on err (NULL: left
 * alone), and returns the wait status.  cmocka's handlers for crash
 * signals would longjmp the child back into the test runner, which would
 * then run the remaining tests in the child: the child gets the default
 * handlers, so a crash is a crash.
 */
static inline int xw_run_child(int (*fn)(void), const char *out,
			       const char *err)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	int status, fd;
	size_t i;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		for (i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
			signal(crash[i], SIG_DFL);
		if (out) {
			fd = open(out, O_WRONLY | O_TRUNC);
			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
				_exit(100);
		}
		if (err) {
			fd = open(err, O_WRONLY | O_TRUNC);
			if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
				_exit(100);
		}
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* A child that must have exited with code, not been killed. */
static inline void xw_assert_exited(int status, int code)
{
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), code);
}

/* A temporary file's path in buf (at least 32 bytes); unlink when done. */
static inline void xw_tmp_path(char *buf)
{
	int fd;

	strcpy(buf, "/tmp/xw-unit.XXXXXX");
	fd = mkstemp(buf);
	assert_true(fd >= 0);
	close(fd);
}

/* Reads the file at path into buf (NUL-terminated) and unlinks it. */
static inline void xw_read_tmp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	xw_slurp(f, buf, size);
	unlink(path);
}

#endif /* XW_TEST_H */
