/* Components named by registry reference in uk.yaml (host/repo:tag): found
 * in the user store under that name, else pulled into it, then unpacked
 * like any component. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/ref.h"
#include "registry/remote.h"
#include "store/layout.h"
#include "store/store.h"

/* The tagged entry called name (or, with pin, any entry of the same
 * repository with that digest). */
static int lookup(const char *root, const char *name, const char *repo_prefix,
		  const char *pin, char digest[UK_DIGEST_MAX],
		  unsigned long long *size, struct uk_error *err)
{
	struct uk_layout_ref *refs;
	size_t n, i, plen = strlen(repo_prefix);
	int found = 0;

	if (uk_layout_refs(root, &refs, &n, err) < 0)
		return -1;
	for (i = 0; i < n && !found; i++) {
		const struct uk_layout_ref *r = &refs[i];
		int same_repo = !strncmp(r->ref, repo_prefix, plen) &&
				(r->ref[plen] == ':' || r->ref[plen] == '@');

		if (pin ? (same_repo && !strcmp(r->digest, pin)) : !strcmp(r->ref, name)) {
			memcpy(digest, r->digest, UK_DIGEST_MAX);
			*size = r->size;
			found = 1;
		}
	}
	uk_layout_refs_free(refs, n);
	return found;
}

static int fetch(const struct uk_ref *r, const char *root,
		 char digest[UK_DIGEST_MAX], unsigned long long *size,
		 struct uk_error *err)
{
	struct uk_client c;
	struct uk_pulled p;
	int rc;

	if (uk_client_open(&c, r, NULL, err) < 0)
		return -1;
	rc = uk_pull(&c, r, root, &p, err);
	uk_client_close(&c);
	if (rc < 0)
		return -1;
	memcpy(digest, p.digest, UK_DIGEST_MAX);
	*size = p.size;
	uk_pulled_free(&p);
	return 0;
}

/* name and version from the component's config blob. */
static int describe(const char *root, const char *digest,
		    unsigned long long size, struct uk_store_component *out,
		    struct uk_error *err)
{
	struct uk_oci_manifest m;
	char *buf = NULL;
	size_t len;
	json_t *j = NULL;
	json_error_t je;
	int rc = -1;

	if (uk_oci_manifest_read(root, digest, (long long)size, &m, err) < 0)
		return -1;
	if (uk_layout_read_blob(root, m.config.digest, (long long)m.config.size,
				UK_LAYOUT_DOC_MAX, &buf, &len, err) < 0)
		goto out;
	j = json_loadb(buf, len, 0, &je);
	if (!j) {
		rc = uk_errorf(err, "%s is not a uk component: its config is not valid "
				    "JSON: line %d, column %d: %s", digest, je.line,
			       je.column, je.text);
	} else if (json_is_string(json_object_get(j, "name")) &&
	    json_is_string(json_object_get(j, "version"))) {
		out->name = strdup(json_string_value(json_object_get(j, "name")));
		out->version = strdup(json_string_value(json_object_get(j, "version")));
		rc = out->name && out->version ? 0 : uk_errorf(err, "out of memory");
	} else {
		rc = uk_errorf(err, "%s is not a uk component: its config has no "
				    "name and version", digest);
	}
out:
	json_decref(j);
	free(buf);
	uk_oci_manifest_free(&m);
	return rc;
}

int uk_store_find_remote(struct uk_store *s, const char *ref,
			 const char *pinned_digest,
			 struct uk_store_component *out, struct uk_error *err)
{
	struct uk_ref r;
	char *name = NULL, *prefix = NULL, digest[UK_DIGEST_MAX];
	unsigned long long size = 0;
	int rc = -1, found;

	memset(out, 0, sizeof(*out));
	if (uk_ref_parse(ref, &r, err) < 0)
		return -1;
	if (pinned_digest && !r.digest[0]) {
		/* Pinned by uk.lock: fetch exactly that digest. */
		snprintf(r.digest, sizeof(r.digest), "%s", pinned_digest);
		free(r.tag);
		r.tag = NULL;
	}
	name = uk_ref_store_name(&r);
	if (!name || asprintf(&prefix, "%s/%s", r.host, r.repo) < 0) {
		prefix = NULL;
		uk_errorf(err, "out of memory");
		goto out;
	}
	found = lookup(s->user_root, name, prefix, r.digest[0] ? r.digest : NULL,
		       digest, &size, err);
	if (found < 0)
		goto out;
	if (!found && fetch(&r, s->user_root, digest, &size, err) < 0) {
		uk_error_wrap(err, "component '%s'", ref);
		goto out;
	}
	if (uk_store_unpack(s->user_root, digest, (long long)size, s->user_root,
			    &out->dir, err) < 0 ||
	    describe(s->user_root, digest, size, out, err) < 0)
		goto out;
	memcpy(out->digest, digest, UK_DIGEST_MAX);
	out->root = s->user_root;
	rc = 0;
out:
	if (rc < 0)
		uk_store_component_free(out);
	free(name);
	free(prefix);
	uk_ref_free(&r);
	return rc;
}

/* The store's hook: 1 (not ours) unless ref names a registry. */
static int find_hook(struct uk_store *s, const char *ref,
		     const char *pinned_digest, struct uk_store_component *out,
		     struct uk_error *err)
{
	if (!ref || !uk_ref_names_registry(ref))
		return 1;
	return uk_store_find_remote(s, ref, pinned_digest, out, err);
}

void uk_registry_attach(void)
{
	uk_store_set_remote(find_hook);
}
