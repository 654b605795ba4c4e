#include "builder/linknames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void uk_linknames_make(const struct uk_plan *p, const struct uk_strv *objects,
		       struct uk_linknames *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; i < objects->n; i++) {
		uk_strv_push(&n->paths, objects->v[i]);
		uk_strv_push(&n->names, i < p->sources.n ? p->sources.v[i] : "uk.yaml files:");
	}
	if (p->libgcc) {
		uk_strv_push(&n->paths, p->libgcc);
		uk_strv_push(&n->names, "libgcc");
	}
	for (size_t i = 0; i < p->ncomps; i++) {
		uk_strv_push(&n->dirs, p->comps[i].found.dir);
		uk_strv_push(&n->labels, p->comps[i].found.name);
	}
}

void uk_linknames_free(struct uk_linknames *n)
{
	uk_strv_free(&n->paths);
	uk_strv_free(&n->names);
	uk_strv_free(&n->dirs);
	uk_strv_free(&n->labels);
}

/* Where a path in the linker's messages ends. */
static int path_char(char c)
{
	return c && !strchr(" \t\n'\"():,", c);
}

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* At p, "(MEMBER)": puts ":MEMBER" and returns what follows; else p. */
static const char *member(struct buf *b, const char *p)
{
	const char *close = *p == '(' ? strchr(p, ')') : NULL;

	if (!close || close == p + 1 || memchr(p, '\n', (size_t)(close - p)))
		return p;
	put(b, ":", 1);
	put(b, p + 1, (size_t)(close - p - 1));
	return close + 1;
}

/* The name for the path at p, appended to b; returns what follows it, or
 * NULL when no input's path starts there. */
static const char *name_at(const struct uk_linknames *n, struct buf *b, const char *p)
{
	for (size_t i = 0; i < n->paths.n; i++) {
		size_t len = strlen(n->paths.v[i]);

		if (strncmp(p, n->paths.v[i], len) != 0 || path_char(p[len]))
			continue;
		put(b, n->names.v[i], strlen(n->names.v[i]));
		return member(b, p + len);
	}
	for (size_t i = 0; i < n->dirs.n; i++) {
		size_t len = strlen(n->dirs.v[i]);
		const char *end, *base;

		if (strncmp(p, n->dirs.v[i], len) != 0 || p[len] != '/')
			continue;
		for (end = base = p + len + 1; path_char(*end); end++)
			if (*end == '/')
				base = end + 1;
		put(b, n->labels.v[i], strlen(n->labels.v[i]));
		if (*end == '(') { /* an archive: its member */
			const char *after = member(b, end);

			if (after != end)
				return after;
		}
		put(b, ":", 1);
		put(b, base, (size_t)(end - base));
		return end;
	}
	return NULL;
}

char *uk_linknames_rewrite(const struct uk_linknames *n, const char *text)
{
	struct buf b = { 0 };
	const char *p = text;

	put(&b, "", 0);
	while (*p) {
		const char *next = (p == text || !path_char(p[-1])) ? name_at(n, &b, p) : NULL;

		if (next) {
			p = next;
		} else {
			put(&b, p, 1);
			p++;
		}
	}
	return b.s;
}
