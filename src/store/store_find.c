/* Resolving "NAME" or "NAME:VERSION" (optionally pinned to a digest) to an
 * unpacked component folder: user store first, then the built-in one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/layout.h"
#include "store/store.h"
#include "util/path.h"

static uk_store_remote_fn remote;

void uk_store_set_remote(uk_store_remote_fn fn)
{
	remote = fn;
}

struct candidate {
	const char *root;
	const struct uk_layout_ref *ref;
};

struct search {
	struct uk_layout_ref *refs[2];
	size_t nrefs[2];
	struct candidate *v;
	size_t n;
};

static int is_component(const struct uk_layout_ref *r)
{
	return r->artifact_type && !strcmp(r->artifact_type, UK_COMPONENT_ARTIFACT);
}

static const char *version_of(const struct uk_layout_ref *r)
{
	const char *c = strchr(r->ref, ':');

	return c ? c + 1 : "";
}

/* ref "NAME" matches every "NAME:*"; "NAME:VERSION" only itself. */
static int matches(const struct uk_layout_ref *r, const char *want)
{
	size_t n = strlen(want);

	if (!is_component(r))
		return 0;
	if (strchr(want, ':'))
		return !strcmp(r->ref, want);
	return !strncmp(r->ref, want, n) && r->ref[n] == ':';
}

static int collect(struct uk_store *s, const char *want, struct search *q,
		   struct uk_error *err)
{
	const char *roots[2] = {s->user_root, s->builtin_root};
	size_t i, k;

	for (i = 0; i < 2; i++) {
		if (!roots[i])
			continue;
		if (uk_layout_refs(roots[i], &q->refs[i], &q->nrefs[i], err) < 0)
			return -1;
		for (k = 0; k < q->nrefs[i]; k++) {
			void *v;

			if (!matches(&q->refs[i][k], want))
				continue;
			if (!(v = realloc(q->v, (q->n + 1) * sizeof(*q->v))))
				return uk_errorf(err, "out of memory");
			q->v = v;
			q->v[q->n].root = roots[i];
			q->v[q->n].ref = &q->refs[i][k];
			q->n++;
		}
	}
	return 0;
}

static void search_free(struct search *q)
{
	uk_layout_refs_free(q->refs[0], q->nrefs[0]);
	uk_layout_refs_free(q->refs[1], q->nrefs[1]);
	free(q->v);
}

/* The user store's candidate wins ties, being first. */
static const struct candidate *pick(const struct search *q, const char *pin)
{
	const struct candidate *best = NULL;
	size_t i;

	for (i = 0; i < q->n; i++) {
		const struct candidate *c = &q->v[i];

		if (pin) {
			if (!strcmp(c->ref->digest, pin))
				return c;
			continue;
		}
		if (!best || uk_store_version_cmp(version_of(c->ref),
						  version_of(best->ref)) > 0)
			best = c;
	}
	return best;
}

static int not_found(struct uk_store *s, const char *want,
		     const struct search *q, struct uk_error *err)
{
	char other[256] = "";
	size_t i, len = 0;
	const char *name_end = strchr(want, ':');
	size_t nlen = name_end ? (size_t)(name_end - want) : strlen(want);

	/* Other versions of the name, to say what there is instead. */
	for (i = 0; i < 2 && name_end; i++) {
		size_t k;

		for (k = 0; k < q->nrefs[i] && len < sizeof(other) - 64; k++) {
			const struct uk_layout_ref *r = &q->refs[i][k];

			if (is_component(r) && !strncmp(r->ref, want, nlen) &&
			    r->ref[nlen] == ':')
				len += (size_t)snprintf(other + len, sizeof(other) - len,
							"%s%s", len ? ", " : "", r->ref);
			if (len >= sizeof(other))
				len = sizeof(other) - 1; /* truncated */
		}
	}
	uk_errorf(err, "component '%s' not found", want);
	return uk_hintf(err, "%s%s%slooked in '%s' and %s%s%s; add it with "
			     "'uk pkg create DIR' or 'uk pull REF'",
			len ? "the stores hold " : "", other, len ? "; " : "",
			s->user_root, s->builtin_root ? "'" : "",
			s->builtin_root ? s->builtin_root : "no built-in store (run make)",
			s->builtin_root ? "'" : "");
}

static int pin_mismatch(const char *want, const char *pin,
			const struct search *q, struct uk_error *err)
{
	const struct candidate *c = pick(q, NULL);

	uk_errorf(err, "component '%s' is pinned to %s, but the store holds %s "
		       "(%s)", want, pin, c->ref->digest, c->ref->ref);
	return uk_hintf(err, "get the pinned one back ('uk pull REF@%s'), or "
			     "remove the pin from uk.lock to accept the new one",
			pin);
}

/* The unpacked folder; the built-in store is never written, so one of its
 * components not unpacked there is unpacked into the user store. */
static int unpacked_dir(struct uk_store *s, const struct candidate *c,
			char **dir, struct uk_error *err)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/unpacked/%s", c->root,
		 uk_digest_hex(c->ref->digest));
	if (uk_is_dir(path)) {
		*dir = strdup(path);
		return *dir ? 0 : uk_errorf(err, "out of memory");
	}
	return uk_store_unpack(c->root, c->ref->digest, (long long)c->ref->size,
			       s->user_root, dir, err);
}

static int fill(struct uk_store *s, const struct candidate *c,
		struct uk_store_component *out, struct uk_error *err)
{
	const char *colon = strchr(c->ref->ref, ':');

	if (unpacked_dir(s, c, &out->dir, err) < 0)
		return -1;
	out->name = strndup(c->ref->ref, (size_t)(colon - c->ref->ref));
	out->version = strdup(colon + 1);
	memcpy(out->digest, c->ref->digest, sizeof(out->digest));
	out->root = c->root;
	if (!out->name || !out->version)
		return uk_errorf(err, "out of memory");
	return 0;
}

int uk_store_find_component(struct uk_store *s, const char *ref,
			    const char *pinned_digest,
			    struct uk_store_component *out, struct uk_error *err)
{
	struct search q = {0};
	const struct candidate *c;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	/* host/repo:tag names a registry: pulled into the user store. */
	if (remote && (rc = remote(s, ref, pinned_digest, out, err)) <= 0)
		return rc;
	rc = -1;
	if (!ref || !*ref || ref[0] == ':' || strchr(ref, '@') ||
	    (strchr(ref, ':') && strchr(ref, ':') != strrchr(ref, ':')))
		return uk_errorf(err, "'%s' is not a component reference "
				      "(NAME or NAME:VERSION)", ref ? ref : "");
	if (pinned_digest && !uk_digest_valid(pinned_digest))
		return uk_errorf(err, "the pinned digest '%s' of '%s' is not a "
				      "sha256 digest", pinned_digest, ref);
	if (collect(s, ref, &q, err) < 0)
		goto out;
	if (q.n == 0) {
		not_found(s, ref, &q, err);
		goto out;
	}
	if (!(c = pick(&q, pinned_digest))) {
		pin_mismatch(ref, pinned_digest, &q, err);
		goto out;
	}
	rc = fill(s, c, out, err);
out:
	if (rc < 0)
		uk_store_component_free(out);
	search_free(&q);
	return rc;
}
