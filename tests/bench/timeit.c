// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xw-timeit: one sample of whole-process cost, for make bench.
 *
 *   xw-timeit [--netns PATH] [--show-output] CMD [ARG...] [--- CMD [ARG...]]...
 *
 * Runs the commands one after the other (a "sequence", e.g. bpftool then
 * ip) and prints one line: the wall time from the first spawn to the last
 * exit in nanoseconds, and the largest peak resident set of any of them in
 * KiB, as the kernel accounted it for the finished process (wait4's
 * ru_maxrss).  Descriptors are inherited, so a socket the caller holds can
 * be handed to a command.  With --netns, xw-timeit enters the namespace
 * before it starts the clock: every command, ours and the anchors, runs
 * there directly, without an nsenter of its own in the figure.
 *
 * Commands' stdout goes to /dev/null unless --show-output; stderr is kept,
 * so a failing command explains itself.  Exit 0 when every command exited
 * 0; 1 when one did not, or could not be started, or was killed (the
 * sample is not printed: a benchmark of a failing command measures
 * nothing, and the rest of the sequence is not run); 2 usage error or a
 * namespace that cannot be entered.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/wait.h>

#define PROG "xw-timeit"
#define SEP "---"

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int enter_netns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr,
			PROG ": %s: cannot enter network namespace: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Runs argv[0..] up to NULL; returns its exit status or -1. */
static int run_one(char **argv, const posix_spawn_file_actions_t *fa,
		   long *maxrss_kib)
{
	struct rusage ru;
	int status, err;
	pid_t pid;

	err = posix_spawnp(&pid, argv[0], fa, NULL, argv, environ);
	if (err) {
		fprintf(stderr, PROG ": %s: cannot run: %s\n", argv[0],
			strerror(err));
		return -1;
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, PROG ": wait4: %s\n", strerror(errno));
			return -1;
		}
	}
	if (ru.ru_maxrss > *maxrss_kib)
		*maxrss_kib = ru.ru_maxrss;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, PROG ": %s: killed by signal %d\n", argv[0],
		WTERMSIG(status));
	return -1;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	bool show_output = false;
	long maxrss_kib = 0;
	uint64_t t0, t1;
	int i = 1, start, rc = 0, status;

	for (; i < argc && !strncmp(argv[i], "--", 2) && strcmp(argv[i], SEP);
	     i++) {
		if (!strcmp(argv[i], "--netns") && i + 1 < argc) {
			if (enter_netns(argv[++i]))
				return 2;
		} else if (!strcmp(argv[i], "--show-output")) {
			show_output = true;
		} else {
			fprintf(stderr, PROG ": %s: unknown option\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr,
			"usage: " PROG " [--netns PATH] [--show-output] "
			"CMD [ARG...] [--- CMD [ARG...]]...\n");
		return 2;
	}
	posix_spawn_file_actions_init(&fa);
	if (!show_output)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
						 "/dev/null", O_WRONLY, 0);

	t0 = now_ns();
	for (start = i; start < argc && !rc; start = i + 1) {
		for (i = start; i < argc && strcmp(argv[i], SEP); i++)
			;
		/* Cut the sequence at the separator: argv is ours to edit. */
		argv[i] = NULL;
		if (i == start) {
			fprintf(stderr, PROG ": empty command in sequence\n");
			rc = 2;
			break;
		}
		status = run_one(&argv[start], &fa, &maxrss_kib);
		if (status > 0)
			fprintf(stderr, PROG ": %s exited with status %d\n",
				argv[start], status);
		if (status)
			rc = 1;
	}
	t1 = now_ns();
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return rc;
	printf("%llu %ld\n", (unsigned long long)(t1 - t0), maxrss_kib);
	return 0;
}
