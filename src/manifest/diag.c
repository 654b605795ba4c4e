/* The diagnostics list: every problem in a file, in file order. */
#include "manifest/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool after(const struct uk_diag *d, unsigned line, unsigned col)
{
	return d->line > line || (d->line == line && d->col > col);
}

static struct uk_diag *vdiag(struct mctx *c, unsigned line, unsigned col,
			     const char *fmt, va_list ap)
{
	struct uk_diags *ds = c->diags;
	struct uk_diag *d;
	size_t pos;
	va_list aq;
	int n;

	if (ds->n >= MF_MAX_DIAGS) {
		c->dropped++;
		return NULL;
	}
	ds->v = mf_realloc(ds->v, (ds->n + 1) * sizeof(*ds->v));
	/* Most problems arrive in file order; a few (missing fields) belong
	 * earlier. Insert keeping equal positions in arrival order. */
	pos = ds->n;
	while (pos > 0 && after(&ds->v[pos - 1], line, col))
		pos--;
	memmove(&ds->v[pos + 1], &ds->v[pos], (ds->n - pos) * sizeof(*ds->v));
	ds->n++;
	d = &ds->v[pos];
	memset(d, 0, sizeof(*d));
	d->file = mf_strdup(c->file);
	d->line = line;
	d->col = col;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	d->msg = mf_alloc(n > 0 ? (size_t)n + 1 : 1);
	if (n > 0)
		vsnprintf(d->msg, (size_t)n + 1, fmt, ap);
	return d;
}

struct uk_diag *mf_diag(struct mctx *c, unsigned line, unsigned col,
			const char *fmt, ...)
{
	struct uk_diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = vdiag(c, line, col, fmt, ap);
	va_end(ap);
	return d;
}

struct uk_diag *mf_diag_at(struct mctx *c, const struct ynode *n,
			   const char *fmt, ...)
{
	struct uk_diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = vdiag(c, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return d;
}

void mf_hint(struct uk_diag *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!d)
		return;
	free(d->hint);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	d->hint = mf_alloc(n > 0 ? (size_t)n + 1 : 1);
	va_start(ap, fmt);
	if (n > 0)
		vsnprintf(d->hint, (size_t)n + 1, fmt, ap);
	va_end(ap);
}

int mf_fail(struct mctx *c, struct uk_error *err)
{
	struct uk_diags *ds = c->diags;
	char first[UK_ERR_MSG_MAX];

	if (c->dropped) {
		/* Past the cap: say so once, at the end, whatever the order. */
		struct uk_diag *d;

		ds->v = mf_realloc(ds->v, (ds->n + 1) * sizeof(*ds->v));
		d = &ds->v[ds->n++];
		memset(d, 0, sizeof(*d));
		d->file = mf_strdup(c->file);
		d->msg = mf_asprintf("%zu more problems not shown", c->dropped);
		c->dropped = 0;
	}
	if (!err)
		return -1;
	if (ds->n == 0) {
		uk_errorf(err, "%s: invalid file", c->file);
	} else {
		struct uk_diag head = ds->v[0];

		head.hint = NULL;
		uk_diag_format(&head, first, sizeof(first));
		if (ds->n > 1)
			uk_errorf(err, "%s (and %zu more problem%s)", first,
				  ds->n - 1, ds->n > 2 ? "s" : "");
		else
			uk_errorf(err, "%s", first);
		if (ds->v[0].hint)
			uk_hintf(err, "%s", ds->v[0].hint);
	}
	err->status = 2;
	return -1;
}

void uk_diags_free(struct uk_diags *ds)
{
	size_t i;

	if (!ds)
		return;
	for (i = 0; i < ds->n; i++) {
		free(ds->v[i].file);
		free(ds->v[i].msg);
		free(ds->v[i].hint);
	}
	free(ds->v);
	ds->v = NULL;
	ds->n = 0;
}

void uk_diag_format(const struct uk_diag *d, char *buf, size_t len)
{
	int n;

	if (!buf || len == 0)
		return;
	if (d->line && d->col)
		n = snprintf(buf, len, "%s:%u:%u: %s", d->file, d->line,
			     d->col, d->msg);
	else if (d->line) /* no column: a link problem's line */
		n = snprintf(buf, len, "%s:%u: %s", d->file, d->line, d->msg);
	else
		n = snprintf(buf, len, "%s: %s", d->file, d->msg);
	if (d->hint && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "\n  hint: %s", d->hint);
}
