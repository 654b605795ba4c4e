#include "builder/ccdiag.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *word;
	enum uk_severity sev;
} kinds[] = {
	{ "fatal error: ", UK_SEV_ERROR },
	{ "error: ", UK_SEV_ERROR },
	{ "sorry, unimplemented: ", UK_SEV_ERROR },
	{ "warning: ", UK_SEV_WARNING },
	{ "note: ", UK_SEV_NOTE },
};

/* One line of text without its color escapes ("\033[01;31m"). */
static char *plain_line(const char *p, size_t len)
{
	char *s = malloc(len + 1);
	size_t n = 0;

	if (!s)
		abort();
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\033' && i + 1 < len && p[i + 1] == '[') {
			for (i += 2; i < len && !(p[i] >= 0x40 && p[i] <= 0x7e); i++)
				;
			continue;
		}
		s[n++] = p[i];
	}
	s[n] = '\0';
	return s;
}

char *uk_ccdiag_plain(const char *text)
{
	return plain_line(text, strlen(text));
}

/* ":DIGITS" at the end of s[0..*len): its value, *len shortened; 0 if none. */
static unsigned trailing_number(const char *s, size_t *len)
{
	size_t i = *len;
	unsigned long v;

	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	if (i == *len || i == 0 || s[i - 1] != ':')
		return 0;
	v = strtoul(s + i, NULL, 10);
	*len = i - 1;
	return v > 0 && v < 1000000000ul ? (unsigned)v : 0;
}

/* The driver names itself ("cc1", "gcc", "/usr/bin/x86_64-linux-gnu-gcc-12");
 * a file without a line number has an extension ("src/main.c"). */
static int names_a_file(const char *s, size_t len, unsigned line)
{
	const char *base = s;

	if (line)
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			base = s + i + 1;
	return memchr(base, '.', len - (size_t)(base - s)) != NULL;
}

static char *file_name(const char *s, size_t len, const char *project_dir)
{
	size_t pn = project_dir ? strlen(project_dir) : 0;

	if (pn && len > pn && !strncmp(s, project_dir, pn) && s[pn] == '/') {
		s += pn + 1;
		len -= pn + 1;
	}
	while (len > 2 && !strncmp(s, "./", 2)) {
		s += 2;
		len -= 2;
	}
	char *f = strndup(s, len);

	if (!f)
		abort();
	return f;
}

/* Adds the diagnostic of one message line; 1 when it is an error. */
static int one_line(const char *line, const char *project_dir, struct uk_diags *out)
{
	const char *at = NULL, *msg = NULL;
	enum uk_severity sev = UK_SEV_ERROR;
	struct uk_diag *d;
	unsigned ln = 0, col = 0;
	size_t len;

	if (!*line || isspace((unsigned char)*line))
		return 0; /* a source line, a caret, "   from b.h:1," */
	for (const char *p = strstr(line, ": "); p && !at; p = strstr(p + 1, ": "))
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strncmp(p + 2, kinds[k].word, strlen(kinds[k].word))) {
				at = p;
				msg = p + 2 + strlen(kinds[k].word);
				sev = kinds[k].sev;
				break;
			}
	if (!at)
		return 0; /* "In file included from", "b.h: In function 'f':" */
	len = (size_t)(at - line);
	col = trailing_number(line, &len);
	if (col && !(ln = trailing_number(line, &len))) {
		ln = col; /* FILE:LINE: without a column */
		col = 0;
	}
	out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
	if (!out->v)
		abort();
	d = &out->v[out->n++];
	memset(d, 0, sizeof(*d));
	d->file = len && names_a_file(line, len, ln) ? file_name(line, len, project_dir) : NULL;
	d->line = ln;
	d->col = col;
	d->msg = strdup(msg);
	d->severity = sev;
	if (!d->msg)
		abort();
	return sev == UK_SEV_ERROR;
}

size_t uk_ccdiag_parse(const char *text, const char *project_dir, struct uk_diags *out)
{
	size_t errors = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = plain_line(p, n);

		errors += (size_t)one_line(line, project_dir, out);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	return errors;
}
