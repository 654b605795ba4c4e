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

/* Length of the valid UTF-8 sequence at s that is not a C1 control, else 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < 0xa0 || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Writes s with every control character (but newline and tab), C1 control
 * and byte that is not UTF-8 shown as \xHH: messages quote what registries
 * and files say, which must not drive the terminal (ESC]0;..., ESC[2J). */
static void put_clean(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n;

		if ((*p >= 0x20 && *p < 0x7f) || *p == '\n' || *p == '\t') {
			fputc(*p++, f);
		} else if (*p >= 0x80 && (n = utf8_len(p)) > 0) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
}

int cli_report(const struct uk_error *err)
{
	int color = cli_color(stderr);

	fprintf(stderr, "uk: %serror:%s ", color ? "\033[1;31m" : "",
		color ? "\033[0m" : "");
	put_clean(stderr, err->msg);
	fputc('\n', stderr);
	if (err->hint[0]) {
		fputs("hint: ", stderr);
		put_clean(stderr, err->hint);
		fputc('\n', stderr);
	}
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

static int quiet;

void cli_set_quiet(int on)
{
	quiet = on;
}

void cli_notice(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("uk: ", stderr);
	put_clean(stderr, buf);
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

/* An argument as sh reads it back: bare when it is plain, else in '...'. */
static void put_arg(FILE *f, const char *a)
{
	if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=:,+@%") == strlen(a)) {
		put_clean(f, a);
		return;
	}
	fputc('\'', f);
	for (; *a; a++) {
		if (*a == '\'')
			fputs("'\\''", f);
		else
			fputc(*a, f);
	}
	fputc('\'', f);
}

void cli_print_command(void *ctx, char *const argv[])
{
	(void)ctx;
	fputs("uk: +", stderr);
	for (size_t i = 0; argv[i]; i++) {
		fputc(' ', stderr);
		put_arg(stderr, argv[i]);
	}
	fputc('\n', stderr);
	fflush(stderr);
}
