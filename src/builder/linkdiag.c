#include "builder/linkdiag.h"

#include "builder/linkwhere.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char undef_hint[] =
	"define it in a file that 'sources:' in uk.yaml lists, or add the component "
	"that provides it to 'libraries:'";
static const char dup_hint[] =
	"remove one of the definitions, make one of them static or weak, or leave "
	"one file out of 'sources:'";

static char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		abort();
	return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		abort();
	return s;
}

static struct uk_diag *add(struct uk_diags *ds, char *file, char *msg, const char *hint)
{
	struct uk_diag *d;

	ds->v = realloc(ds->v, (ds->n + 1) * sizeof(*ds->v));
	if (!ds->v)
		abort();
	d = &ds->v[ds->n++];
	memset(d, 0, sizeof(*d));
	d->file = file;
	d->msg = msg;
	d->hint = hint ? strdup(hint) : NULL;
	return d;
}

/* "'SYM'" at p: SYM (malloc'd) and *end after the closing quote. */
static char *quoted(const char *p, const char **end)
{
	const char *q = *p == '\'' ? strchr(p + 1, '\'') : NULL;

	if (!q)
		return NULL;
	*end = q + 1;
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/* The input named before " (section": from p up to it. */
static char *input_before_section(const char *p)
{
	const char *s = strstr(p, " (section '");

	return s ? xstrndup(p, (size_t)(s - p)) : NULL;
}

/* The program's own object named in the linker's line (not yet renamed)
 * from "by " or "in " at p, up to " (section '", and that section. */
static int program_input(const struct uk_linknames *n, const char *p, char **obj, char **sec)
{
	const char *s = strstr(p, " (section '"), *e;

	if (!s || !(e = strchr(s + 11, '\'')))
		return -1;
	for (size_t i = 0; i < n->paths.n; i++)
		if (strlen(n->paths.v[i]) == (size_t)(s - p) &&
		    !strncmp(n->paths.v[i], p, (size_t)(s - p))) {
			*obj = n->paths.v[i];
			*sec = xstrndup(s + 11, (size_t)(e - s - 11));
			return 0;
		}
	return -1;
}

/* d at the line its problem is, from the object's DWARF: the reference
 * (undefined) or the second definition (duplicate), as ld says them. */
static void locate(struct uk_diag *d, const struct uk_linknames *n, const char *orig)
{
	const char *rest, *p;
	char *sym, *obj, *sec = NULL;
	struct uk_linkwhere w;
	int rc = -1;

	if (!strncmp(orig, "undefined symbol ", 17) && (sym = quoted(orig + 17, &rest))) {
		if (!strncmp(rest, ", referenced by ", 16) &&
		    program_input(n, rest + 16, &obj, &sec) == 0)
			rc = uk_linkwhere_ref(obj, sec, sym, &w);
	} else if (!strncmp(orig, "duplicate symbol ", 17) && (sym = quoted(orig + 17, &rest))) {
		if ((p = strstr(rest, ") and in ")) && program_input(n, p + 9, &obj, &sec) == 0)
			rc = uk_linkwhere_def(obj, sym, &w);
	} else {
		return;
	}
	if (rc == 0) {
		/* the function a reference is in (a definition names its own) */
		char *msg = NULL;

		if (w.func && !strncmp(orig, "undefined", 9))
			msg = xasprintf("%s (in function '%s')", d->msg, w.func);

		free(d->file);
		d->file = w.file;
		d->line = w.line;
		if (msg) {
			free(d->msg);
			d->msg = msg;
		}
		free(w.func);
	}
	free(sec);
	free(sym);
}

/* One line of the linker's list (already renamed) as a diagnostic. */
static void one(struct uk_diags *ds, const char *line)
{
	const char *rest;
	char *sym, *file;

	if (!strncmp(line, "undefined symbol ", 17) && (sym = quoted(line + 17, &rest))) {
		if (!strncmp(rest, ", referenced by ", 16) &&
		    (file = input_before_section(rest + 16))) {
			add(ds, file, xasprintf("undefined reference to '%s'", sym),
			    undef_hint);
			free(sym);
			return;
		}
		free(sym);
	}
	if (!strncmp(line, "duplicate symbol ", 17) && (sym = quoted(line + 17, &rest))) {
		const char *second = strstr(rest, ") and in ");
		char *first;

		if (!strncmp(rest, ": defined in ", 13) && second &&
		    (first = input_before_section(rest + 13)) &&
		    (file = input_before_section(second + 9))) {
			char *msg = xasprintf("'%s' is defined again (first in %s)", sym, first);

			add(ds, file, msg, dup_hint);
			free(first);
			free(sym);
			return;
		}
		free(sym);
	}
	/* anything else (the entry symbol missing): as the linker said it */
	add(ds, xstrndup("uk.yaml", 7), xstrndup(line, strlen(line)), NULL);
}

void uk_linkdiag(const struct uk_linknames *n, const char *text, struct uk_diags *diags,
		 struct uk_error *err)
{
	struct uk_diags own = { 0 }, *ds = diags ? diags : &own;
	size_t first = ds->n, count;
	char *renamed, *line, *save = NULL;

	if (!text) {
		renamed = uk_linknames_rewrite(n, err->msg);
		snprintf(err->msg, sizeof(err->msg), "%s", renamed);
		free(renamed);
		return;
	}
	/* line by line: renamed for the message, as the linker said it for
	 * finding the object */
	char *orig = strdup(text);

	if (!orig)
		abort();
	line = strtok_r(orig, "\n", &save); /* the count: said by the list */
	while ((line = strtok_r(NULL, "\n", &save))) {
		size_t at = ds->n;

		renamed = uk_linknames_rewrite(n, line);
		one(ds, renamed);
		free(renamed);
		if (ds->n > at)
			locate(&ds->v[at], n, line);
	}
	free(orig);
	count = ds->n - first;
	if (count) {
		const struct uk_diag *d = &ds->v[first];
		char more[64] = "";

		if (count > 1)
			snprintf(more, sizeof(more), " (and %zu more)", count - 1);
		if (d->line)
			uk_errorf(err, "%s:%u: %s%s", d->file, d->line, d->msg, more);
		else
			uk_errorf(err, "%s: %s%s", d->file, d->msg, more);
		if (d->hint)
			uk_hintf(err, "%s", d->hint);
	}
	err->status = 1;
	uk_diags_free(&own);
}
