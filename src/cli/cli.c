#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && nc[0])
		return 0;
	return isatty(fileno(f));
}

int cli_progress_enabled(void)
{
	return isatty(STDERR_FILENO);
}

int cli_report(const struct uk_error *err)
{
	int color = cli_color(stderr);

	fprintf(stderr, "uk: %serror:%s %s\n", color ? "\033[1;31m" : "",
		color ? "\033[0m" : "", err->msg);
	if (err->hint[0])
		fprintf(stderr, "hint: %s\n", err->hint);
	return err->status ? err->status : UK_EXIT_FAIL;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	struct uk_error err = { .status = UK_EXIT_USAGE };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	if (usage)
		snprintf(err.hint, sizeof(err.hint), "usage: %s", usage);
	return cli_report(&err);
}

void cli_notice(const char *fmt, ...)
{
	va_list ap;

	fputs("uk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}
