/* Pulling an image or component into a layout: documents are fetched and
 * checked in memory, blobs no larger than the client's limit stream into
 * temporary files (digest checked as they arrive, tar and tar+gzip layers then
 * walked as uk would unpack them), and everything is committed and tagged
 * under the store lock only when all of it is complete. A blob skipped
 * because the store had it is looked at again under that lock: if uk rmi
 * or uk gc removed it meanwhile, it is fetched again before the tag. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "registry/remote.h"
#include "store/layer_live.h"
#include "store/layout.h"

#define MAX_MANIFESTS 64
#define MAX_LAYERS 128
/* Rounds of "fetch what is missing, commit" before giving up on a store
 * that keeps losing blobs. */
#define MAX_COMMITS 3

struct doc {
	char digest[UK_DIGEST_MAX];
	char *body;
	size_t len;
};

struct fetch {
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
	struct uk_blob_writer w;
	int open;    /* w holds the downloaded bytes, committed under the lock */
	int skipped; /* the store had it: checked again under the lock */
	int layer;   /* a tar or tar+gzip layer: its entries are checked */
	int live_on; /* ... while it downloads, by live */
	struct uk_layer_live live;
	const char *root;
};

struct pull {
	struct uk_client *c;
	const char *root;
	struct doc docs[MAX_MANIFESTS + 1];
	size_t ndocs;
	struct fetch *blobs;
	size_t nblobs;
	char *artifact_type; /* of the top manifest */
};

static int unsupported(const struct uk_client *c, const char *what,
		       const char *type, struct uk_error *err)
{
	char mt[256];

	uk_server_text(mt, sizeof(mt), type);
	if (!strcmp(mt, UK_MT_DOCKER_MANIFEST) || !strcmp(mt, UK_MT_DOCKER_LIST)) {
		uk_errorf(err, "%s on %s is a Docker manifest (%s); uk reads OCI "
			       "images and artifacts only", what, c->base, mt);
		return uk_hintf(err, "republish it in OCI form, e.g. 'skopeo copy "
				     "--format oci'");
	}
	uk_errorf(err, "%s on %s has the unknown manifest type '%s'", what,
		  c->base, mt[0] ? mt : "(none)");
	return uk_hintf(err, "uk pulls OCI image indexes (" UK_MT_INDEX ") and "
			     "manifests (" UK_MT_MANIFEST ")");
}

static int bad_doc(const struct uk_client *c, const char *digest,
		   const char *why, struct uk_error *err)
{
	uk_errorf(err, "manifest %s from %s is invalid: %s", digest, c->base, why);
	return uk_hintf(err, "nothing was stored; the artifact on the registry "
			     "is broken, push it again");
}

/* "4 GiB" for the limit in messages. */
static void human(char *buf, size_t n, unsigned long long v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, n, "%llu bytes", v);
	else
		snprintf(buf, n, "%llu %ciB", v, units[u]);
}

static int too_big(const struct pull *p, const char *doc,
		   const struct uk_descriptor *d, struct uk_error *err)
{
	char lim[32];

	human(lim, sizeof(lim), p->c->o.max_blob);
	uk_errorf(err, "manifest %s from %s lists blob %s of %llu bytes, more than "
		       "the %s uk pulls", doc, p->c->base, d->digest, d->size, lim);
	return uk_hintf(err, "nothing was downloaded; if the blob is genuine, raise "
			     "the limit with --max-blob SIZE or UK_MAX_BLOB=SIZE");
}

static int add_blob(struct pull *p, const char *doc, const struct uk_descriptor *d,
		    int layer, struct uk_error *err)
{
	size_t i;
	void *v;

	if (d->size > p->c->o.max_blob)
		return too_big(p, doc, d, err);
	for (i = 0; i < p->nblobs; i++)
		if (!strcmp(p->blobs[i].digest, d->digest)) {
			p->blobs[i].layer |= layer;
			return 0;
		}
	if (!(v = realloc(p->blobs, (p->nblobs + 1) * sizeof(*p->blobs))))
		return uk_errorf(err, "out of memory");
	p->blobs = v;
	memset(&p->blobs[p->nblobs], 0, sizeof(*p->blobs));
	memcpy(p->blobs[p->nblobs].digest, d->digest, UK_DIGEST_MAX);
	p->blobs[p->nblobs].size = d->size;
	p->blobs[p->nblobs].layer = layer;
	p->blobs[p->nblobs].root = p->root;
	p->nblobs++;
	return 0;
}

/* The document as JSON; NULL (err set, naming the parser's line, column and
 * reason) when it is not. */
static json_t *parse_doc(const struct pull *p, const struct doc *d,
			 struct uk_error *err)
{
	json_error_t je;
	json_t *j = json_loadb(d->body, d->len, JSON_REJECT_DUPLICATES, &je);
	char why[300];

	if (j)
		return j;
	snprintf(why, sizeof(why), "not valid JSON: line %d, column %d: %s", je.line,
		 je.column, je.text);
	bad_doc(p->c, d->digest, why, err);
	return NULL;
}

static int is_layer(const struct uk_descriptor *d)
{
	return !strcmp(d->media_type, UK_MT_LAYER_TGZ) || !strcmp(d->media_type, UK_MT_LAYER_TAR);
}

/* An image manifest: its config and layers join the blobs to fetch. */
static int take_manifest(struct pull *p, const struct doc *d, int top,
			 struct uk_error *err)
{
	json_t *j = parse_doc(p, d, err);
	json_t *layers = json_object_get(j, "layers"), *l, *at;
	struct uk_descriptor desc;
	char why[128], where[200];
	size_t i;
	int rc = 0;

	if (!j)
		return -1;
	if (!json_is_object(j) || json_integer_value(json_object_get(j, "schemaVersion")) != 2)
		rc = bad_doc(p->c, d->digest, "not a JSON object with schemaVersion 2", err);
	else if (uk_descriptor_parse(json_object_get(j, "config"), &desc, why,
				     sizeof(why)) < 0) {
		snprintf(where, sizeof(where), "config: %s", why);
		rc = bad_doc(p->c, d->digest, where, err);
	} else if (!json_is_array(layers) || json_array_size(layers) > MAX_LAYERS) {
		rc = bad_doc(p->c, d->digest, "layers is not an array of at most 128", err);
	} else {
		rc = add_blob(p, d->digest, &desc, 0, err);
	}
	json_array_foreach(layers, i, l) {
		if (rc < 0)
			break;
		if (uk_descriptor_parse(l, &desc, why, sizeof(why)) < 0) {
			snprintf(where, sizeof(where), "layers[%zu]: %s", i, why);
			rc = bad_doc(p->c, d->digest, where, err);
		} else {
			rc = add_blob(p, d->digest, &desc, is_layer(&desc), err);
		}
	}
	at = json_object_get(j, "artifactType");
	if (rc == 0 && top && json_is_string(at) &&
	    !(p->artifact_type = strdup(json_string_value(at))))
		rc = uk_errorf(err, "out of memory");
	json_decref(j);
	return rc;
}

static int fetch_doc(struct pull *p, const struct uk_descriptor *d,
		     struct uk_error *err)
{
	struct doc *doc = &p->docs[p->ndocs];
	char *mt;
	int rc;

	if (uk_client_get_manifest(p->c, d->digest, &doc->body, &doc->len, &mt,
				   doc->digest, err) < 0)
		return -1;
	p->ndocs++;
	if (doc->len != d->size)
		rc = bad_doc(p->c, d->digest, "its size differs from the index's", err);
	else if (strcmp(mt, UK_MT_MANIFEST))
		rc = unsupported(p->c, d->digest, mt, err);
	else
		rc = take_manifest(p, doc, 0, err);
	free(mt);
	return rc;
}

static int take_index(struct pull *p, const struct doc *d, struct uk_error *err)
{
	json_t *j = parse_doc(p, d, err);
	json_t *ms = json_object_get(j, "manifests"), *e;
	struct uk_descriptor desc;
	char why[128], where[200];
	size_t i;
	int rc = 0;

	if (!j)
		return -1;
	if (!json_is_object(j) || json_integer_value(json_object_get(j, "schemaVersion")) != 2 ||
	    !json_is_array(ms))
		rc = bad_doc(p->c, d->digest, "not an index with schemaVersion 2 "
					      "and manifests", err);
	else if (json_array_size(ms) == 0 || json_array_size(ms) > MAX_MANIFESTS)
		rc = bad_doc(p->c, d->digest, "it lists no manifests, or more than 64",
			     err);
	json_array_foreach(ms, i, e) {
		if (rc < 0)
			break;
		if (uk_descriptor_parse(e, &desc, why, sizeof(why)) < 0) {
			snprintf(where, sizeof(where), "manifests[%zu]: %s", i, why);
			rc = bad_doc(p->c, d->digest, where, err);
		} else if (strcmp(desc.media_type, UK_MT_MANIFEST)) {
			snprintf(where, sizeof(where), "manifests[%zu] of %.19s", i,
				 d->digest);
			rc = unsupported(p->c, where, desc.media_type, err);
		} else {
			rc = fetch_doc(p, &desc, err);
		}
	}
	json_decref(j);
	return rc;
}

static int sink(void *ctx, const void *buf, size_t n, struct uk_error *err)
{
	struct fetch *f = ctx;

	if (uk_blob_writer_write(&f->w, buf, n, err) < 0)
		return -1;
	return f->live_on ? uk_layer_live_feed(&f->live, buf, n, err) : 0;
}

/* A layer's check starts with its download (and again with a restarted
 * one); without a thread for it, the stored file is checked after. */
static void live_start(struct fetch *f)
{
	f->live_on = f->layer && uk_layer_live_start(&f->live, f->digest, f->size) == 0;
}

static void live_cancel(struct fetch *f)
{
	if (f->live_on)
		uk_layer_live_cancel(&f->live);
	f->live_on = 0;
}

static int restart(void *ctx, struct uk_error *err)
{
	struct fetch *f = ctx;

	live_cancel(f);
	uk_blob_writer_abort(&f->w);
	f->open = 0;
	if (uk_blob_writer_open(&f->w, f->root, err) < 0)
		return -1;
	f->open = 1;
	live_start(f);
	return 0;
}

/* A downloaded layer, walked as uk would unpack it (entries, sizes). */
static int check_layer(const struct pull *p, struct fetch *f, struct uk_error *err)
{
	int rc = f->live_on ? uk_layer_live_finish(&f->live, err)
			    : uk_blob_writer_check_layer(&f->w, f->digest, f->size, err);

	f->live_on = 0;
	if (rc < 0) {
		uk_error_wrap(err, "registry %s sent a layer uk cannot use", p->c->base);
		uk_hintf(err, "nothing was stored; uk layers hold only files and "
			      "folders with relative paths");
	}
	return rc;
}

/* Fetches every blob that is neither downloaded nor in the store. */
static int fetch_blobs(struct pull *p, struct uk_pulled *out,
		       struct uk_error *err)
{
	size_t i;

	for (i = 0; i < p->nblobs; i++) {
		struct fetch *f = &p->blobs[i];

		if (f->open || f->skipped)
			continue;
		if (uk_layout_has_blob(p->root, f->digest, f->size)) {
			f->skipped = 1;
			out->blobs_present++;
			continue;
		}
		if (uk_blob_writer_open(&f->w, p->root, err) < 0)
			return -1;
		f->open = 1;
		live_start(f);
		if (uk_client_get_blob(p->c, f->digest, f->size, sink, restart, f,
				       err) < 0) {
			live_cancel(f);
			return -1;
		}
		if (f->layer && check_layer(p, f, err) < 0)
			return -1;
		out->blobs_fetched++;
	}
	return 0;
}

/* For tests of the commit race: with UK_TEST_PULL_PAUSE=FILE, creates FILE
 * once every blob is there and waits (at most a minute) until it is gone. */
static void test_pause(void)
{
	const char *f = getenv("UK_TEST_PULL_PAUSE");
	struct timespec ts = {0, 20 * 1000000L};
	int fd, i;

	if (!f || !*f || (fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return;
	close(fd);
	for (i = 0; i < 3000 && access(f, F_OK) == 0; i++)
		nanosleep(&ts, NULL);
}

/* Skipped blobs that are no longer in the store become blobs to fetch;
 * returns how many. Called under the lock. */
static unsigned recheck_skipped(struct pull *p, struct uk_pulled *out)
{
	unsigned gone = 0;
	size_t i;

	for (i = 0; i < p->nblobs; i++) {
		struct fetch *f = &p->blobs[i];

		if (f->skipped && !uk_layout_has_blob(p->root, f->digest, f->size)) {
			f->skipped = 0;
			out->blobs_present--;
			gone++;
		}
	}
	return gone;
}

/* Under the lock: blobs, documents, then the tag. Returns 1, committing
 * nothing, when blobs that were skipped have gone meanwhile. */
static int commit(struct pull *p, struct uk_pulled *out, struct uk_error *err)
{
	char d[UK_DIGEST_MAX];
	size_t i;
	int lock, rc = 0;

	if (uk_layout_init(p->root, err) < 0 || (lock = uk_layout_lock(p->root, err)) < 0)
		return -1;
	if (recheck_skipped(p, out) > 0) {
		uk_layout_unlock(lock);
		return 1;
	}
	uk_layout_batch_begin(); /* the blobs' folder synced once, before the tag */
	for (i = 0; i < p->nblobs && rc == 0; i++) {
		if (!p->blobs[i].open)
			continue;
		p->blobs[i].open = 0;
		rc = uk_blob_writer_commit(&p->blobs[i].w, p->blobs[i].digest, NULL, err);
	}
	for (i = 0; i < p->ndocs && rc == 0; i++)
		rc = uk_layout_put_blob(p->root, p->docs[i].body, p->docs[i].len, d, err);
	uk_layout_batch_end();
	if (rc == 0)
		rc = uk_layout_tag_locked(p->root, out->name, out->media_type,
					  p->artifact_type, out->digest, out->size, err);
	uk_layout_unlock(lock);
	return rc;
}

/* Fetch, commit; again while the store lost skipped blobs in between. */
static int fetch_and_commit(struct pull *p, struct uk_pulled *out,
			    struct uk_error *err)
{
	int round, rc = 0;

	for (round = 0; round < MAX_COMMITS; round++) {
		if (fetch_blobs(p, out, err) < 0)
			return -1;
		if (round == 0)
			test_pause();
		if ((rc = commit(p, out, err)) <= 0)
			return rc;
	}
	uk_errorf(err, "blobs it found in the store '%s' were removed again %d "
		       "times before it could tag them", p->root, MAX_COMMITS);
	return uk_hintf(err, "something (uk rmi, uk gc) keeps removing them; "
			     "nothing was tagged, run the pull again");
}

static void pull_free(struct pull *p)
{
	size_t i;

	for (i = 0; i < p->ndocs; i++)
		free(p->docs[i].body);
	for (i = 0; i < p->nblobs; i++)
		if (p->blobs[i].open)
			uk_blob_writer_abort(&p->blobs[i].w);
	free(p->blobs);
	free(p->artifact_type);
}

int uk_pull(struct uk_client *c, const struct uk_ref *r, const char *root,
	    struct uk_pulled *out, struct uk_error *err)
{
	struct pull p = {.c = c, .root = root};
	struct doc *top = &p.docs[0];
	char *mt = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!(out->name = uk_ref_store_name(r)))
		return uk_errorf(err, "out of memory");
	if (uk_client_get_manifest(c, r->digest[0] ? r->digest : r->tag,
				   &top->body, &top->len, &mt, top->digest, err) < 0)
		goto out;
	p.ndocs = 1;
	memcpy(out->digest, top->digest, UK_DIGEST_MAX);
	out->size = top->len;
	if (!strcmp(mt, UK_MT_INDEX))
		rc = take_index(&p, top, err);
	else if (!strcmp(mt, UK_MT_MANIFEST))
		rc = take_manifest(&p, top, 1, err);
	else
		rc = unsupported(c, out->name, mt, err);
	out->media_type = mt;
	mt = NULL;
	if (rc == 0)
		rc = fetch_and_commit(&p, out, err);
	if (rc == 0 && p.artifact_type &&
	    !(out->artifact_type = strdup(p.artifact_type)))
		rc = uk_errorf(err, "out of memory");
out:
	free(mt);
	pull_free(&p);
	if (rc < 0) {
		uk_error_wrap(err, "pulling %s", out->name);
		uk_pulled_free(out);
	}
	return rc;
}

void uk_pulled_free(struct uk_pulled *p)
{
	free(p->name);
	free(p->media_type);
	free(p->artifact_type);
	memset(p, 0, sizeof(*p));
}
