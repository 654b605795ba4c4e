/* Small helpers for the manifest readers: allocation that cannot fail
 * quietly, edit distance for "did you mean", quoting, name rules. */
#include "manifest/internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *mf_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *mf_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *mf_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = mf_alloc(n);

	memcpy(p, s, n);
	return p;
}

char *mf_asprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	p = mf_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Optimal string alignment distance, case-insensitive, so that "sorces",
 * "soucres" and "Sources" all find "sources". Long inputs are not worth
 * comparing: anything past 64 bytes counts as far. */
unsigned mf_distance(const char *a, const char *b, unsigned limit)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned d[65][65];

	if (la > 64 || lb > 64)
		return limit + 1;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) !=
					tolower((unsigned char)b[j - 1]);
			unsigned v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > limit ? limit + 1 : d[la][lb];
}

const char *mf_closest(const char *s, const char *const *words, size_t n)
{
	const char *best = NULL;
	unsigned bestd = 3;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d = mf_distance(s, words[i], 2);

		/* A one-letter word is "close" to everything short. */
		if (d < bestd && d < strlen(words[i])) {
			best = words[i];
			bestd = d;
		}
	}
	return best;
}

const char *mf_q(const char *s, char *buf, size_t len)
{
	size_t i, o = 0, max = len > 64 ? 60 : len - 4;

	for (i = 0; s[i] && o < max; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	/* Do not cut a UTF-8 sequence in half. */
	if (s[i]) {
		while (o > 0 && ((unsigned char)s[o] & 0xc0) == 0x80)
			o--;
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

bool mf_is_ident(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!(isalnum(ch) || ch == '_') || ch >= 0x80)
			return false;
	}
	return true;
}

/* [a-z0-9][a-z0-9._-]*, at most 63 characters. */
bool mf_valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

		if (!ok && (i == 0 || (ch != '.' && ch != '_' && ch != '-')))
			return false;
	}
	return true;
}

char *mf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return mf_strdup(".");
	if (slash == path)
		return mf_strdup("/");
	d = mf_alloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	return d;
}

char *mf_join(const char *dir, const char *rel)
{
	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return mf_strdup(rel);
	return mf_asprintf("%s/%s", dir, rel);
}
