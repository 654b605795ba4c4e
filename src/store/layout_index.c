/* index.json: read with its shape checked, rewritten atomically under the
 * store lock. */
#include "store/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"

int uk_descriptor_parse(json_t *j, struct uk_descriptor *d, char *why,
			size_t whylen)
{
	json_t *mt, *dg, *sz, *at, *an, *v;
	const char *k;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j))
		return snprintf(why, whylen, "not an object"), -1;
	mt = json_object_get(j, "mediaType");
	dg = json_object_get(j, "digest");
	sz = json_object_get(j, "size");
	at = json_object_get(j, "artifactType");
	an = json_object_get(j, "annotations");
	if (!json_is_string(mt) || !*json_string_value(mt))
		return snprintf(why, whylen, "mediaType is not a string"), -1;
	if (!json_is_string(dg) || !uk_digest_valid(json_string_value(dg)))
		return snprintf(why, whylen, "digest is not a sha256 digest"), -1;
	if (!json_is_integer(sz) || json_integer_value(sz) < 0)
		return snprintf(why, whylen, "size is not a non-negative integer"), -1;
	if (at && !json_is_string(at))
		return snprintf(why, whylen, "artifactType is not a string"), -1;
	if (an && !json_is_object(an))
		return snprintf(why, whylen, "annotations is not an object"), -1;
	json_object_foreach(an, k, v) {
		if (!json_is_string(v))
			return snprintf(why, whylen, "annotation '%s' is not a string",
					k), -1;
	}
	d->media_type = json_string_value(mt);
	d->artifact_type = at ? json_string_value(at) : NULL;
	snprintf(d->digest, sizeof(d->digest), "%s", json_string_value(dg));
	d->size = (unsigned long long)json_integer_value(sz);
	d->annotations = an;
	return 0;
}

static int index_corrupt(struct uk_error *err, const char *root,
			 const char *why)
{
	uk_errorf(err, "the store index '%s/index.json' is corrupt: %s", root,
		  why);
	return uk_hintf(err, "move it away and add the components again "
			     "(uk pkg create DIR, or uk pull REF)");
}

static json_t *check_index(json_t *j, const char *root, struct uk_error *err)
{
	json_t *sv = json_object_get(j, "schemaVersion");
	json_t *mt = json_object_get(j, "mediaType");
	json_t *ms = json_object_get(j, "manifests"), *m;
	struct uk_descriptor d;
	char why[256], where[320];
	size_t i;

	if (!json_is_object(j))
		return index_corrupt(err, root, "not a JSON object"), NULL;
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return index_corrupt(err, root, "schemaVersion is not 2"), NULL;
	if (mt && (!json_is_string(mt) || strcmp(json_string_value(mt), UK_MT_INDEX)))
		return index_corrupt(err, root, "mediaType is not an OCI image index"),
		       NULL;
	if (!json_is_array(ms))
		return index_corrupt(err, root, "manifests is not an array"), NULL;
	json_array_foreach(ms, i, m) {
		if (uk_descriptor_parse(m, &d, why, sizeof(why)) < 0) {
			snprintf(where, sizeof(where), "manifests[%zu]: %s", i, why);
			return index_corrupt(err, root, where), NULL;
		}
	}
	return j;
}

/* The parsed, checked index; an empty one if the root has no layout. */
static json_t *load_index(const char *root, struct uk_error *err)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *j;
	struct stat st;

	snprintf(path, sizeof(path), "%s/index.json", root);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && !uk_layout_present(root))
			return json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2,
					 "mediaType", UK_MT_INDEX, "manifests");
		uk_errorf(err, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)UK_LAYOUT_DOC_MAX)
		return index_corrupt(err, root, "not a file of a sane size"), NULL;
	/* from a buffer: jansson reads a FILE a character at a time */
	char *buf = NULL;
	size_t len = 0;

	if (uk_read_file(path, &buf, &len, err) != 0)
		return NULL;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (!j) {
		char why[300];

		snprintf(why, sizeof(why), "line %d: %s", je.line, je.text);
		return index_corrupt(err, root, why), NULL;
	}
	if (!check_index(j, root, err)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static const char *ref_of(json_t *m)
{
	json_t *an = json_object_get(m, "annotations");

	return json_string_value(json_object_get(an, UK_ANNOT_REF));
}

/* Tools such as skopeo do not copy artifactType into index.json; the
 * manifest has it. Best effort: a manifest that cannot be read leaves it
 * unknown, and whoever uses the entry reads it again and reports why. */
static char *artifact_type_of(const char *root, const struct uk_descriptor *d)
{
	struct uk_oci_manifest m;
	struct uk_error ignored = {0};
	char *at = NULL;

	if (d->artifact_type)
		return strdup(d->artifact_type);
	if (strcmp(d->media_type, UK_MT_MANIFEST) ||
	    uk_oci_manifest_read(root, d->digest, (long long)d->size, &m,
				 &ignored) < 0)
		return NULL;
	if (m.artifact_type)
		at = strdup(m.artifact_type);
	uk_oci_manifest_free(&m);
	return at;
}

/* The last listing of each of two store roots (a build looks in the
 * user's and the built-in store once per component), kept while
 * index.json is the same file: its inode, size and mtime. */
struct memo {
	char *root;
	struct stat st;
	struct uk_layout_ref *v;
	size_t n;
};
static struct memo memo[2];
static unsigned memo_next;
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static struct uk_layout_ref *refs_dup(const struct uk_layout_ref *r, size_t n)
{
	struct uk_layout_ref *v = calloc(n + 1, sizeof(*v));

	if (!v)
		abort();
	for (size_t i = 0; i < n; i++) {
		v[i] = r[i];
		v[i].ref = strdup(r[i].ref);
		v[i].media_type = strdup(r[i].media_type);
		v[i].artifact_type = r[i].artifact_type ? strdup(r[i].artifact_type) : NULL;
		if (!v[i].ref || !v[i].media_type || (r[i].artifact_type && !v[i].artifact_type))
			abort();
	}
	return v;
}

static int refs_read(const char *root, struct uk_layout_ref **out, size_t *n,
		     struct uk_error *err);

int uk_layout_refs(const char *root, struct uk_layout_ref **out, size_t *n,
		   struct uk_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	int rc, known;

	snprintf(path, sizeof(path), "%s/index.json", root);
	known = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	pthread_mutex_lock(&memo_mu);
	for (unsigned i = 0; known && i < 2; i++)
		if (memo[i].root && !strcmp(memo[i].root, root) && same_file(&memo[i].st, &st)) {
			*out = refs_dup(memo[i].v, memo[i].n);
			*n = memo[i].n;
			pthread_mutex_unlock(&memo_mu);
			return 0;
		}
	pthread_mutex_unlock(&memo_mu);
	rc = refs_read(root, out, n, err);
	if (rc != 0 || !known)
		return rc;
	/* kept only if the file did not change while it was read */
	struct stat after;

	if (stat(path, &after) != 0 || !same_file(&st, &after))
		return rc;
	pthread_mutex_lock(&memo_mu);
	struct memo *m = &memo[memo_next++ % 2];

	free(m->root);
	uk_layout_refs_free(m->v, m->n);
	m->root = strdup(root);
	m->st = st;
	m->v = refs_dup(*out, *n);
	m->n = *n;
	pthread_mutex_unlock(&memo_mu);
	return rc;
}

static int refs_read(const char *root, struct uk_layout_ref **out, size_t *n,
		     struct uk_error *err)
{
	json_t *idx = load_index(root, err), *m;
	struct uk_layout_ref *v;
	size_t i, k = 0;
	char why[8];

	*out = NULL;
	*n = 0;
	if (!idx)
		return -1;
	v = calloc(json_array_size(json_object_get(idx, "manifests")) + 1,
		   sizeof(*v));
	if (!v) {
		json_decref(idx);
		return uk_errorf(err, "out of memory");
	}
	json_array_foreach(json_object_get(idx, "manifests"), i, m) {
		struct uk_descriptor d;
		const char *ref = ref_of(m);

		if (!ref || uk_descriptor_parse(m, &d, why, sizeof(why)) < 0)
			continue;
		v[k].ref = strdup(ref);
		v[k].media_type = strdup(d.media_type);
		v[k].artifact_type = artifact_type_of(root, &d);
		memcpy(v[k].digest, d.digest, sizeof(d.digest));
		v[k].size = d.size;
		k++;
	}
	json_decref(idx);
	*out = v;
	*n = k;
	return 0;
}

void uk_layout_refs_free(struct uk_layout_ref *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++) {
		free(r[i].ref);
		free(r[i].media_type);
		free(r[i].artifact_type);
	}
	free(r);
}

/* Drops entries tagged ref; returns how many. */
static size_t remove_ref(json_t *ms, const char *ref)
{
	size_t i = 0, removed = 0;

	while (i < json_array_size(ms)) {
		const char *r = ref_of(json_array_get(ms, i));

		if (r && !strcmp(r, ref)) {
			json_array_remove(ms, i);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}

static int cmp_entry(const void *a, const void *b)
{
	const char *ra = ref_of(*(json_t *const *)a);
	const char *rb = ref_of(*(json_t *const *)b);

	return strcmp(ra ? ra : "", rb ? rb : "");
}

/* Keeps index.json in ref order so that it is stable across runs. */
static json_t *sorted(json_t *ms)
{
	size_t n = json_array_size(ms), i;
	json_t **v = calloc(n + 1, sizeof(*v)), *out = json_array();

	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(ms, i);
	qsort(v, n, sizeof(*v), cmp_entry);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static int save_index(const char *root, json_t *idx, struct uk_error *err)
{
	json_t *ms = sorted(json_object_get(idx, "manifests"));
	char *json, *text;
	int rc;

	if (!ms)
		return uk_errorf(err, "out of memory");
	json_object_set_new(idx, "manifests", ms);
	json = json_dumps(idx, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!json || asprintf(&text, "%s\n", json) < 0) {
		free(json);
		return uk_errorf(err, "out of memory");
	}
	rc = uk_layout_write_file(root, "index.json", text, strlen(text), err);
	free(json);
	free(text);
	return rc;
}

/* Runs edit on the index, and saves it if edit returns 0, for a caller that
 * already holds uk_layout_lock (a pull commits its blobs and tags them in
 * one locked step, so `uk gc` never sees the blobs untagged). */
static int edit_index_locked(const char *root,
			     int (*edit)(json_t *ms, void *ctx), void *ctx,
			     struct uk_error *err)
{
	json_t *idx;
	int rc;

	if (uk_layout_init(root, err) < 0)
		return -1;
	idx = load_index(root, err);
	rc = idx ? edit(json_object_get(idx, "manifests"), ctx) : -1;
	if (idx && rc < 0)
		uk_errorf(err, "out of memory");
	if (rc == 0 && save_index(root, idx, err) < 0)
		rc = -1;
	json_decref(idx);
	return rc;
}

/* The same under the lock. */
static int edit_index(const char *root, int (*edit)(json_t *ms, void *ctx),
		      void *ctx, struct uk_error *err)
{
	int lock, rc;

	if (uk_layout_init(root, err) < 0)
		return -1;
	if ((lock = uk_layout_lock(root, err)) < 0)
		return -1;
	rc = edit_index_locked(root, edit, ctx, err);
	uk_layout_unlock(lock);
	return rc;
}

struct tag_args {
	const char *ref, *media_type, *artifact_type, *digest;
	unsigned long long size;
};

static int do_tag(json_t *ms, void *ctx)
{
	struct tag_args *t = ctx;
	json_t *d = json_pack("{s:s, s:s, s:I, s:{s:s}}", "mediaType",
			      t->media_type, "digest", t->digest, "size",
			      (json_int_t)t->size, "annotations", UK_ANNOT_REF,
			      t->ref);

	if (!d)
		return -1;
	if (t->artifact_type)
		json_object_set_new(d, "artifactType",
				    json_string(t->artifact_type));
	remove_ref(ms, t->ref);
	return json_array_append_new(ms, d);
}

int uk_layout_tag(const char *root, const char *ref, const char *media_type,
		  const char *artifact_type, const char *digest,
		  unsigned long long size, struct uk_error *err)
{
	struct tag_args t = {ref, media_type, artifact_type, digest, size};

	if (!uk_digest_valid(digest))
		return uk_errorf(err, "'%s' is not a sha256 digest", digest);
	return edit_index(root, do_tag, &t, err);
}

struct untag_args {
	const char *ref;
	size_t removed;
};

static int do_untag(json_t *ms, void *ctx)
{
	struct untag_args *u = ctx;

	u->removed = remove_ref(ms, u->ref);
	return 0;
}

int uk_layout_untag(const char *root, const char *ref, struct uk_error *err)
{
	struct untag_args u = {ref, 0};

	if (edit_index(root, do_untag, &u, err) < 0)
		return -1;
	return u.removed ? 0 : 1;
}


int uk_layout_tag_locked(const char *root, const char *ref,
			 const char *media_type, const char *artifact_type,
			 const char *digest, unsigned long long size,
			 struct uk_error *err)
{
	struct tag_args t = {ref, media_type, artifact_type, digest, size};

	if (!uk_digest_valid(digest))
		return uk_errorf(err, "'%s' is not a sha256 digest", digest);
	return edit_index_locked(root, do_tag, &t, err);
}

int uk_layout_untag_locked(const char *root, const char *ref,
			   struct uk_error *err)
{
	struct untag_args u = {ref, 0};

	if (edit_index_locked(root, do_untag, &u, err) < 0)
		return -1;
	return u.removed ? 0 : 1;
}
