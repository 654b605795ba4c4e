/* The one error type every stage returns. Stages never print: they fill a
 * struct uk_error and return -1; only src/cli/ talks to the terminal. */
#ifndef UK_UTIL_ERROR_H
#define UK_UTIL_ERROR_H

#include <stdarg.h>

#define UK_ERR_MSG_MAX 1024
#define UK_ERR_HINT_MAX 512

struct uk_error {
	char msg[UK_ERR_MSG_MAX];   /* "uk.yaml:3:5: unknown key 'sorces'" */
	char hint[UK_ERR_HINT_MAX]; /* "did you mean 'sources'?" (may be empty) */
	int status;                 /* exit status the CLI should use (default 1) */
};

/* Sets err->msg (printf-style) and clears the hint; returns -1 so a caller
 * writes `return uk_errorf(err, "cannot open '%s'", path);`. err may be NULL. */
int uk_errorf(struct uk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int uk_verrorf(struct uk_error *err, const char *fmt, va_list ap);

/* Sets err->hint; returns -1 like uk_errorf. */
int uk_hintf(struct uk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with context: "linking 'hello': <old msg>". */
int uk_error_wrap(struct uk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void uk_error_clear(struct uk_error *err);

#endif
