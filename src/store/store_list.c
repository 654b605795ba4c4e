/* What the stores hold, for `uk images`: every tagged entry of both roots
 * with its kind and total size (manifest, config and layers). */
#include <stdlib.h>
#include <string.h>

#include "store/layout.h"
#include "store/store.h"

static int total_size(const char *root, const struct uk_descriptor *d,
		      int depth, unsigned long long *total,
		      struct uk_error *err);

static int manifest_size(const char *root, const struct uk_descriptor *d,
			 unsigned long long *total, struct uk_error *err)
{
	struct uk_oci_manifest m;
	size_t i;

	if (uk_oci_manifest_read(root, d->digest, (long long)d->size, &m, err) < 0)
		return -1;
	*total += d->size + m.config.size;
	for (i = 0; i < m.nlayers; i++)
		*total += m.layers[i].size;
	uk_oci_manifest_free(&m);
	return 0;
}

/* A multi-target image is an index of manifests. */
static int index_size(const char *root, const struct uk_descriptor *d,
		      int depth, unsigned long long *total,
		      struct uk_error *err)
{
	char *buf, why[128];
	size_t len, i;
	json_t *j, *ms, *e;
	int rc = 0;

	if (uk_layout_read_blob(root, d->digest, (long long)d->size,
				UK_LAYOUT_DOC_MAX, &buf, &len, err) < 0)
		return -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	ms = json_object_get(j, "manifests");
	if (!json_is_array(ms))
		rc = uk_errorf(err, "index %s in the store '%s' has no manifests",
			       d->digest, root);
	*total += d->size;
	json_array_foreach(ms, i, e) {
		struct uk_descriptor sub;

		if (rc < 0)
			break;
		if (uk_descriptor_parse(e, &sub, why, sizeof(why)) < 0)
			rc = uk_errorf(err, "index %s in the store '%s': manifests[%zu]: %s",
				       d->digest, root, i, why);
		else
			rc = total_size(root, &sub, depth + 1, total, err);
	}
	json_decref(j);
	return rc;
}

static int total_size(const char *root, const struct uk_descriptor *d,
		      int depth, unsigned long long *total,
		      struct uk_error *err)
{
	if (!strcmp(d->media_type, UK_MT_MANIFEST))
		return manifest_size(root, d, total, err);
	if (!strcmp(d->media_type, UK_MT_INDEX) && depth < 2)
		return index_size(root, d, depth, total, err);
	*total += d->size;
	return 0;
}

static int add_root(const char *root, struct uk_store_entry **out, size_t *n,
		    struct uk_error *err)
{
	struct uk_layout_ref *refs;
	size_t nrefs, i;
	void *v;
	int rc = 0;

	if (uk_layout_refs(root, &refs, &nrefs, err) < 0)
		return -1;
	if (!(v = realloc(*out, (*n + nrefs + 1) * sizeof(**out)))) {
		uk_layout_refs_free(refs, nrefs);
		return uk_errorf(err, "out of memory");
	}
	*out = v;
	for (i = 0; i < nrefs && rc == 0; i++) {
		struct uk_store_entry *e = &(*out)[*n];
		struct uk_descriptor d = {.media_type = refs[i].media_type,
					  .size = refs[i].size};
		int comp = refs[i].artifact_type &&
			   !strcmp(refs[i].artifact_type, UK_COMPONENT_ARTIFACT);

		memcpy(d.digest, refs[i].digest, sizeof(d.digest));
		memset(e, 0, sizeof(*e));
		e->size = 0;
		rc = total_size(root, &d, 0, &e->size, err);
		if (rc < 0)
			break;
		e->ref = strdup(refs[i].ref);
		e->kind = strdup(comp ? "component" : "image");
		memcpy(e->digest, refs[i].digest, sizeof(e->digest));
		e->root = root;
		(*n)++;
	}
	uk_layout_refs_free(refs, nrefs);
	return rc;
}

int uk_store_list(struct uk_store *s, struct uk_store_entry **out, size_t *n,
		  struct uk_error *err)
{
	*out = NULL;
	*n = 0;
	if ((s->user_root && add_root(s->user_root, out, n, err) < 0) ||
	    (s->builtin_root && add_root(s->builtin_root, out, n, err) < 0)) {
		uk_store_entries_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void uk_store_entries_free(struct uk_store_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++) {
		free(e[i].ref);
		free(e[i].kind);
	}
	free(e);
}
