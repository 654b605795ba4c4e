#include "util/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/path.h"

static pid_t start(char *const argv[], const char *cwd, int out_fd, int err_fd,
		   struct uk_error *err)
{
	char *path = uk_which(argv[0]);
	pid_t pid;

	if (!path)
		return uk_errorf(err, "'%s' not found", argv[0]);
	pid = fork();
	if (pid == 0) {
		if (cwd && chdir(cwd) != 0) {
			fprintf(stderr, "uk: error: cannot enter '%s': %s\n", cwd, strerror(errno));
			_exit(127);
		}
		if (out_fd >= 0) {
			dup2(out_fd, STDOUT_FILENO);
			close(out_fd);
		}
		if (err_fd >= 0) {
			dup2(err_fd, STDERR_FILENO);
			close(err_fd);
		}
		execv(path, argv);
		fprintf(stderr, "uk: error: cannot run '%s': %s\n", path, strerror(errno));
		_exit(127);
	}
	free(path);
	if (pid < 0)
		return uk_errorf(err, "cannot start '%s': %s", argv[0], strerror(errno));
	return pid;
}

pid_t uk_spawn(char *const argv[], const char *cwd, struct uk_error *err)
{
	return start(argv, cwd, -1, -1, err);
}

pid_t uk_spawn_stderr(char *const argv[], const char *cwd, int err_fd, struct uk_error *err)
{
	return start(argv, cwd, -1, err_fd, err);
}

int uk_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int uk_run_capture(char *const argv[], char **out, struct uk_error *err)
{
	int fds[2];
	pid_t pid;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (pipe(fds) != 0)
		return uk_errorf(err, "cannot create a pipe: %s", strerror(errno));
	pid = start(argv, NULL, fds[1], -1, err);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	for (;;) {
		ssize_t r;

		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = read(fds[0], buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	buf[n] = '\0';
	*out = buf;
	return uk_wait(pid);
}
