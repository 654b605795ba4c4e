/* Checking a mapping against a table of fields, and the typed readers the
 * fields use. Every problem becomes one diagnostic; nothing stops early. */
#include "manifest/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct ynode *mf_blame(const struct ynode *key, const struct ynode *val)
{
	return mf_is_null(val) ? key : val;
}

/* Reports an unknown key; returns the field it probably meant, or NULL. */
static const char *unknown_key(struct mctx *c, const struct ynode *key,
			       const struct mf_field *fields, size_t nfields,
			       const struct mf_synonym *syn, size_t nsyn)
{
	const char *words[32], *best = NULL;
	char q[MF_QBUF], list[512];
	struct uk_diag *d;
	size_t i, o = 0;

	d = mf_diag_at(c, key, "unknown key '%s'", mf_q(key->s, q, sizeof(q)));
	if (!d)
		return NULL; /* past the cap: spare the search */
	for (i = 0; i < nsyn && !best; i++)
		if (strcasecmp(key->s, syn[i].wrong) == 0)
			best = syn[i].right;
	for (i = 0; i < nfields && i < 32; i++)
		words[i] = fields[i].key;
	if (!best)
		best = mf_closest(key->s, words, i);
	if (best) {
		mf_hint(d, "did you mean '%s'?", best);
		return best;
	}
	list[0] = '\0';
	for (i = 0; i < nfields && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				      i ? ", " : "", fields[i].key);
	mf_hint(d, "valid keys are %s", list);
	return NULL;
}

/* MF_SPEC: the spec field of uk.yaml and component.yaml. */
static void set_spec(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, int *spec)
{
	char q[MF_QBUF];
	const char *s;

	if (val->kind != YN_SCALAR || mf_is_null(val)) {
		mf_hint(mf_diag_at(c, mf_blame(key, val),
				   "'spec' must be 1, not %s", mf_kind(val)),
			"write 'spec: 1'");
		return;
	}
	if (strcmp(val->s, "1") == 0) {
		*spec = 1;
		return;
	}
	for (s = val->s; *s >= '0' && *s <= '9'; s++)
		;
	if (!*s && s != val->s)
		mf_hint(mf_diag_at(c, val, "unsupported spec '%s'",
				   mf_q(val->s, q, sizeof(q))),
			"this uk reads 'spec: 1'");
	else
		mf_hint(mf_diag_at(c, val, "'spec' must be 1, not '%s'",
				   mf_q(val->s, q, sizeof(q))),
			"write 'spec: 1'");
}

/* MF_NAME: a project's or component's name. */
static void set_name(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, char **out)
{
	char q[MF_QBUF], *lower;
	struct uk_diag *d;
	size_t i;

	if (mf_get_str(c, key, val, out, false) < 0 || mf_valid_name(*out))
		return;
	d = mf_diag_at(c, val, "invalid %s '%s'", key->s,
		       mf_q(*out, q, sizeof(q)));
	lower = mf_strdup(*out);
	for (i = 0; lower[i]; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	if (strlen(*out) > 63)
		mf_hint(d, "a name is at most 63 characters");
	else if (mf_valid_name(lower))
		mf_hint(d, "names are lower-case: did you mean '%s'?",
			mf_q(lower, q, sizeof(q)));
	else
		mf_hint(d, "use lower-case letters, digits, '.', '_' and '-', "
			   "starting with a letter or digit");
	free(lower);
	free(*out);
	*out = NULL;
}

static void set_field(struct mctx *c, const struct mf_field *f, const struct ynode *key,
		      const struct ynode *val, void *obj)
{
	void *at = (char *)obj + f->off;

	switch (f->kind) {
	case MF_SPEC:
		set_spec(c, key, val, at);
		break;
	case MF_NAME:
		set_name(c, key, val, at);
		break;
	case MF_STR:
		mf_get_str(c, key, val, at, f->allow_empty);
		break;
	case MF_STRV:
		mf_get_strv(c, key, val, at, f->allow_empty, f->check);
		break;
	case MF_CUSTOM:
		f->set(c, key, val, obj);
		break;
	}
}

void mf_walk(struct mctx *c, const struct ynode *map,
	     const struct mf_field *fields, size_t nfields,
	     const struct mf_synonym *syn, size_t nsyn, void *obj)
{
	const struct ynode *first[32] = { 0 };
	bool meant[32] = { 0 };
	char q[MF_QBUF];
	size_t i, f;

	if (nfields > 32)
		nfields = 32; /* the tables have 13 */

	for (i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *key = map->kid[i], *val = map->kid[i + 1];

		if (key->kind == YN_ALIAS)
			continue; /* reported when read */
		if (key->kind != YN_SCALAR || mf_is_null(key)) {
			mf_diag_at(c, key, "a key must be a string, not %s",
				   mf_kind(key));
			continue;
		}
		for (f = 0; f < nfields; f++)
			if (strcmp(key->s, fields[f].key) == 0)
				break;
		if (f == nfields || key->has_nul) {
			const char *best = unknown_key(c, key, fields, nfields,
						       syn, nsyn);

			for (f = 0; best && f < nfields; f++)
				if (strcmp(best, fields[f].key) == 0)
					meant[f] = true;
			continue;
		}
		if (first[f]) {
			mf_hint(mf_diag_at(c, key, "duplicate key '%s'",
					   fields[f].key),
				"'%s' is first set at line %u", fields[f].key,
				first[f]->line);
			continue;
		}
		first[f] = key;
		if (val->kind == YN_ALIAS)
			continue;
		if (mf_is_null(val) && !fields[f].required)
			continue; /* as if absent: the default holds */
		set_field(c, &fields[f], key, val, obj);
	}
	for (f = 0; f < nfields; f++) {
		/* A misspelt required key was reported with its fix. */
		if (!fields[f].required || first[f] || meant[f])
			continue;
		mf_hint(mf_diag_at(c, map, "missing required field '%s'",
				   mf_q(fields[f].key, q, sizeof(q))),
			"%s", fields[f].missing_hint);
	}
}

int mf_get_str(struct mctx *c, const struct ynode *key,
	       const struct ynode *val, char **out, bool allow_empty)
{
	if (val->kind == YN_ALIAS)
		return -1;
	if (val->kind != YN_SCALAR) {
		mf_diag_at(c, val, "'%s' must be a string, not %s", key->s,
			   mf_kind(val));
		return -1;
	}
	if (val->has_nul) {
		mf_diag_at(c, val, "'%s' must not contain NUL characters",
			   key->s);
		return -1;
	}
	if (!allow_empty && (val->s[0] == '\0' || mf_is_null(val))) {
		mf_diag_at(c, mf_blame(key, val), "'%s' must not be empty",
			   key->s);
		return -1;
	}
	free(*out);
	*out = mf_strdup(mf_is_null(val) ? "" : val->s);
	return 0;
}

/* "FOO: 1" inside a list is a mapping to YAML; the user meant a string. */
static void hint_quote(struct uk_diag *d, const struct ynode *item)
{
	char qk[MF_QBUF], qv[MF_QBUF];

	if (item->kind != YN_MAP || item->n != 2 ||
	    item->kid[0]->kind != YN_SCALAR || item->kid[1]->kind != YN_SCALAR)
		return;
	mf_hint(d, "quote it if you meant a string: \"%s: %s\"",
		mf_q(item->kid[0]->s, qk, sizeof(qk)),
		mf_q(item->kid[1]->s, qv, sizeof(qv)));
}

const char *mf_item_str(struct mctx *c, const struct ynode *key,
			const struct ynode *item, bool allow_empty)
{
	if (item->kind == YN_ALIAS)
		return NULL;
	if (item->kind != YN_SCALAR || mf_is_null(item)) {
		hint_quote(mf_diag_at(c, item,
				      "each item of '%s' must be a string, "
				      "not %s",
				      key->s, mf_kind(item)),
			   item);
		return NULL;
	}
	if (item->has_nul) {
		mf_diag_at(c, item, "items of '%s' must not contain NUL "
				    "characters",
			   key->s);
		return NULL;
	}
	if (!allow_empty && item->s[0] == '\0') {
		mf_diag_at(c, item, "items of '%s' must not be empty", key->s);
		return NULL;
	}
	return item->s;
}

/* "cflags: -O2 -Wall" was meant as two flags: suggest [-O2, -Wall]. */
static void hint_list(struct uk_diag *d, const char *key, const char *s)
{
	char q[MF_QBUF], list[MF_QBUF * 2];
	size_t o = 0;
	bool space = false;

	mf_q(s, q, sizeof(q));
	for (s = q; *s && o + 3 < sizeof(list); s++) {
		if (*s == ' ' || *s == '\t') {
			space = true;
			continue;
		}
		if (space && o > 0) {
			list[o++] = ',';
			list[o++] = ' ';
		}
		space = false;
		list[o++] = *s;
	}
	list[o] = '\0';
	mf_hint(d, "write a list: '%s: [%s]'", key, list);
}

int mf_get_strv(struct mctx *c, const struct ynode *key,
		const struct ynode *val, struct uk_strv *out, bool allow_empty,
		mf_item_check check)
{
	bool sized;
	size_t i;

	if (val->kind == YN_ALIAS)
		return -1;
	if (val->kind != YN_SEQ) {
		struct uk_diag *d = mf_diag_at(
			c, mf_blame(key, val),
			"'%s' must be a list of strings, not %s", key->s,
			mf_kind(val));

		if (val->kind == YN_SCALAR && !mf_is_null(val))
			hint_list(d, key->s, val->s);
		return -1;
	}
	/* Sized once: pushing one by one is quadratic under ASan's realloc. */
	sized = !out->v;
	if (sized)
		out->v = mf_alloc((val->n + 1) * sizeof(*out->v));
	for (i = 0; i < val->n; i++) {
		const char *s = mf_item_str(c, key, val->kid[i], allow_empty);

		if (!s || (check && !check(c, key, val->kid[i])))
			continue;
		if (!sized) {
			uk_strv_push(out, s);
			continue;
		}
		out->v[out->n++] = mf_strdup(s);
		out->v[out->n] = NULL;
	}
	return 0;
}

void mf_read(struct mctx *c, const struct mf_field *fields, size_t nfields,
	     const struct mf_synonym *syn, size_t nsyn, void *obj, bool *io)
{
	struct ynode *root;

	*io = false;
	if (mf_tree_load(c, &root, io) == 0) {
		mf_walk(c, root, fields, nfields, syn, nsyn, obj);
		mf_tree_free(root);
	}
}

int mf_failed(struct mctx *c, bool io, struct uk_diags *own, struct uk_error *err)
{
	mf_fail(c, err);
	if (io && err)
		err->status = 1;
	uk_diags_free(own);
	return -1;
}
