/* Running programs: the compiler, the reference linker. */
#ifndef UK_UTIL_SPAWN_H
#define UK_UTIL_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Starts argv[0] (searched in $PATH) with cwd (NULL: ours); stdout and
 * stderr are ours. Returns the pid, or -1 with err set. */
pid_t uk_spawn(char *const argv[], const char *cwd, struct uk_error *err);
/* The same with its stderr on err_fd (which the child closes; ours stays
 * open). */
pid_t uk_spawn_stderr(char *const argv[], const char *cwd, int err_fd, struct uk_error *err);

/* Waits for pid; returns its exit status (128+N when killed by signal N). */
int uk_wait(pid_t pid);

/* Runs argv and captures its stdout (NUL-terminated, caller frees); returns
 * the exit status, or -1 with err set when it could not start. */
int uk_run_capture(char *const argv[], char **out, struct uk_error *err);

#endif
