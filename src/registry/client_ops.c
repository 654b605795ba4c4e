/* Blob and manifest transfers (OCI distribution-spec v1.1): HEAD to skip,
 * cross-repository mount, POST then PUT (or PATCH chunks then PUT), GETs
 * with every digest checked. */
#include "util/curl_lazy.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "registry/client_http.h"
#include "store/layout.h"

#define ACCEPT_MANIFESTS                                                       \
	UK_MT_INDEX ", " UK_MT_MANIFEST ", " UK_MT_DOCKER_MANIFEST ", "        \
	UK_MT_DOCKER_LIST

char *uk_url_resolve(const char *base, const char *request_url,
		     const char *location)
{
	char *u, *q;
	const char *slash;

	if (!strncmp(location, "http://", 7) || !strncmp(location, "https://", 8))
		return strdup(location);
	if (location[0] == '/') {
		if (asprintf(&u, "%s%s", base, location) < 0)
			return NULL;
		return u;
	}
	/* Relative to the request's folder (its query dropped). */
	if (!(u = strdup(request_url)))
		return NULL;
	if ((q = strchr(u, '?')))
		*q = '\0';
	slash = strrchr(u, '/');
	if (!slash || slash < u + strlen(base)) {
		free(u);
		if (asprintf(&u, "%s/%s", base, location) < 0)
			return NULL;
		return u;
	}
	u[slash - u + 1] = '\0';
	if (asprintf(&q, "%s%s", u, location) < 0)
		q = NULL;
	free(u);
	return q;
}

char *uk_url_add_query(const char *url, const char *name, const char *value)
{
	char *u, *v = curl_easy_escape(NULL, value, 0);
	const char *q = strchr(url, '?');
	char sep = !q ? '?' : (q[1] == '\0' || url[strlen(url) - 1] == '&') ? 0 : '&';

	if (!v)
		return NULL;
	if (asprintf(&u, "%s%s%s=%s", url, sep ? (sep == '?' ? "?" : "&") : "",
		     name, v) < 0)
		u = NULL;
	curl_free(v);
	return u;
}

static int oom(struct uk_error *err)
{
	return uk_errorf(err, "out of memory");
}

int uk_client_blob_exists(struct uk_client *c, const char *digest,
			  unsigned long long size, int *exists,
			  struct uk_error *err)
{
	char rest[128 + UK_DIGEST_MAX], *url;
	struct http_req q = {.method = "HEAD"};
	struct http_resp r = {0};
	int rc;

	(void)size;
	*exists = 0;
	snprintf(rest, sizeof(rest), "blobs/%s", digest);
	if (!(url = client_url(c, rest)))
		return oom(err);
	q.url = url;
	rc = http_do(c, &q, &r, err);
	if (rc == 0) {
		if (r.status == 200)
			*exists = 1;
		else if (r.status != 404)
			rc = http_status_error(c, &q, &r, "cannot check a blob", err);
	}
	http_resp_free(&r);
	free(url);
	return rc;
}

/* POST an upload (or a mount); *location is where to send the bytes, or
 * NULL when the mount made the blob exist already. */
static int start_upload(struct uk_client *c, const char *digest,
			const char *mount_from, char **location,
			struct uk_error *err)
{
	char *url = client_url(c, "blobs/uploads/"), *m = NULL;
	struct http_req q = {.method = "POST", .content_type = "application/octet-stream"};
	struct http_resp r = {0};
	int rc;

	*location = NULL;
	if (!url)
		return oom(err);
	if (mount_from) {
		char *t = uk_url_add_query(url, "mount", digest);

		m = t ? uk_url_add_query(t, "from", mount_from) : NULL;
		free(t);
		if (!m) {
			free(url);
			return oom(err);
		}
	}
	q.url = m ? m : url;
	q.has_body = 1;
	q.body = "";
	rc = http_do(c, &q, &r, err);
	if (rc == 0 && r.status == 201 && mount_from) {
		c->stats.blobs_mounted++;
	} else if (rc == 0 && r.status == 202 && r.location) {
		if (!(*location = uk_url_resolve(c->base, q.url, r.location)))
			rc = oom(err);
	} else if (rc == 0) {
		rc = http_status_error(c, &q, &r, r.status == 202
				       ? "the registry started an upload without a Location"
				       : "cannot start a blob upload", err);
	}
	http_resp_free(&r);
	free(url);
	free(m);
	return rc;
}

/* Sends q, a PATCH of u; u->location follows the answer's Location and
 * u->off moves on by *sent bytes (read once q is done: a streamed body's
 * count is known only then). */
static int send_patch(struct uk_client *c, struct uk_upload *u, struct http_req *q,
		      const char *what, const unsigned long long *sent, struct uk_error *err)
{
	struct http_resp r = {0};
	int rc;

	q->url = u->location;
	rc = http_do(c, q, &r, err);
	if (rc == 0 && r.status == 202 && r.location) {
		char *next = uk_url_resolve(c->base, q->url, r.location);

		if (!next)
			rc = oom(err);
		free(u->location);
		u->location = next;
	} else if (rc == 0) {
		rc = http_status_error(c, q, &r, what, err);
	}
	http_resp_free(&r);
	if (rc == 0)
		u->off += *sent;
	return rc;
}

/* PATCH one chunk at u->off. */
static int patch(struct uk_client *c, struct uk_upload *u, const void *buf, size_t n,
		 const char *label, unsigned long long total, struct uk_error *err)
{
	char range[64];
	struct http_req q = {.method = "PATCH",
			     .content_type = "application/octet-stream",
			     .content_range = range,
			     .label = label,
			     .total = total,
			     .body = buf,
			     .body_len = n,
			     .has_body = 1};
	unsigned long long sent = n;

	if (n == 0)
		return 0;
	snprintf(range, sizeof(range), "%llu-%llu", u->off, u->off + n - 1);
	return send_patch(c, u, &q, "cannot upload a blob chunk", &sent, err);
}

/* PUT ?digest= with the last bytes (buf, len; none with NULL). */
static int finish_upload(struct uk_client *c, const char *location,
			 const void *buf, size_t len, const char *digest,
			 struct uk_error *err)
{
	char *url = uk_url_add_query(location, "digest", digest);
	struct http_req q = {.method = "PUT",
			     .content_type = "application/octet-stream",
			     .label = digest,
			     .total = len};
	struct http_resp r = {0};
	int rc;

	if (!url)
		return oom(err);
	q.url = url;
	q.body = buf ? buf : "";
	q.body_len = buf ? len : 0;
	q.has_body = 1;
	rc = http_do(c, &q, &r, err);
	if (rc == 0 && r.status != 201 && r.status != 204)
		rc = http_status_error(c, &q, &r, "cannot finish a blob upload", err);
	if (rc == 0 && r.digest && strcmp(r.digest, digest))
		rc = uk_errorf(err, "registry %s stored blob %s as %s", c->base,
			       digest, r.digest);
	http_resp_free(&r);
	free(url);
	return rc;
}

int uk_client_sent(const struct uk_client *c, const char *digest)
{
	size_t i;

	for (i = 0; i < c->nsent; i++)
		if (!strcmp(c->sent[i], digest))
			return 1;
	return 0;
}

/* Counts an upload and remembers it for uk_client_sent (best effort). */
static void sent(struct uk_client *c, const char *digest)
{
	char (*v)[UK_DIGEST_MAX];

	c->stats.blobs_uploaded++;
	if (uk_client_sent(c, digest) ||
	    !(v = realloc(c->sent, (c->nsent + 1) * sizeof(*v))))
		return;
	c->sent = v;
	snprintf(v[c->nsent++], UK_DIGEST_MAX, "%s", digest);
}

int uk_client_push_blob(struct uk_client *c, const void *buf, size_t len,
			const char *digest, const char *mount_from,
			struct uk_error *err)
{
	int exists;

	if (uk_client_blob_exists(c, digest, len, &exists, err) < 0)
		return -1;
	if (exists) {
		c->stats.blobs_skipped++;
		return 0;
	}
	return uk_client_upload_blob(c, buf, len, digest, mount_from, err);
}

int uk_client_upload_blob(struct uk_client *c, const void *buf, size_t len,
			  const char *digest, const char *mount_from,
			  struct uk_error *err)
{
	struct uk_upload u = {0};
	int rc = 0;

	if (start_upload(c, digest, mount_from, &u.location, err) < 0)
		return -1;
	if (!u.location)
		return 0; /* mounted */
	if (len > c->o.chunk_size) {
		while (rc == 0 && u.off < len) {
			size_t n = len - u.off < c->o.chunk_size ? len - (size_t)u.off
								 : c->o.chunk_size;

			rc = patch(c, &u, (const char *)buf + u.off, n, digest, len, err);
		}
		if (rc == 0)
			rc = finish_upload(c, u.location, NULL, len, digest, err);
	} else {
		rc = finish_upload(c, u.location, buf, len, digest, err);
	}
	free(u.location);
	if (rc == 0)
		sent(c, digest);
	else
		uk_error_wrap(err, "pushing blob %.19s", digest);
	return rc;
}

int uk_client_upload_start(struct uk_client *c, struct uk_upload *u,
			   struct uk_error *err)
{
	memset(u, 0, sizeof(*u));
	if (start_upload(c, NULL, NULL, &u->location, err) < 0)
		return -1;
	return u->location ? 0 : uk_errorf(err, "registry %s started no upload", c->base);
}

/* Counts what the caller's read hands to curl, for u->off. */
struct counted {
	size_t (*read)(void *ctx, char *buf, size_t n);
	void *ctx;
	unsigned long long n;
};

static size_t count_read(void *ctx, char *buf, size_t n)
{
	struct counted *k = ctx;
	size_t got = k->read(k->ctx, buf, n);

	if (got != HTTP_READ_ABORT)
		k->n += got;
	return got;
}

int uk_client_upload_stream(struct uk_client *c, struct uk_upload *u,
			    size_t (*read)(void *ctx, char *buf, size_t n), void *ctx,
			    struct uk_error *err)
{
	struct counted k = {.read = read, .ctx = ctx};
	struct http_req q = {.method = "PATCH",
			     .content_type = "application/octet-stream",
			     .read = count_read,
			     .read_ctx = &k};

	return send_patch(c, u, &q, "cannot stream a blob upload", &k.n, err);
}

int uk_client_upload_finish(struct uk_client *c, struct uk_upload *u,
			    const char *digest, struct uk_error *err)
{
	int rc = finish_upload(c, u->location, NULL, 0, digest, err);

	free(u->location);
	u->location = NULL;
	if (rc == 0)
		sent(c, digest);
	return rc;
}

void uk_client_upload_cancel(struct uk_client *c, struct uk_upload *u)
{
	struct http_req q = {.method = "DELETE", .url = u->location};
	struct http_resp r = {0};
	struct uk_error ignored = {0};
	unsigned retries = c->o.retries;

	/* Best effort, once: a registry that is gone drops the upload itself. */
	if (u->location) {
		c->o.retries = 0;
		http_do(c, &q, &r, &ignored);
		c->o.retries = retries;
		http_resp_free(&r);
	}
	free(u->location);
	memset(u, 0, sizeof(*u));
}

int uk_client_push_manifest(struct uk_client *c, const char *ref,
			    const char *media_type, const void *buf,
			    size_t len, struct uk_error *err)
{
	char rest[512], *url, digest[UK_DIGEST_MAX];
	struct http_req q = {.method = "PUT", .content_type = media_type};
	struct http_resp r = {0};
	int rc;

	if (uk_digest_buf(buf, len, digest) < 0)
		return uk_errorf(err, "cannot compute a sha256 digest");
	snprintf(rest, sizeof(rest), "manifests/%s", ref);
	if (!(url = client_url(c, rest)))
		return oom(err);
	q.url = url;
	q.body = buf;
	q.body_len = len;
	q.has_body = 1;
	rc = http_do(c, &q, &r, err);
	if (rc == 0 && r.status != 201 && r.status != 200)
		rc = http_status_error(c, &q, &r, "cannot push a manifest", err);
	if (rc == 0 && r.digest && strcmp(r.digest, digest))
		rc = uk_errorf(err, "registry %s stored manifest %s as %s", c->base,
			       digest, r.digest);
	http_resp_free(&r);
	free(url);
	return rc;
}

/* The document's own mediaType wins over the Content-Type header. */
static char *media_type_of(const char *body, size_t len, const char *ctype)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	char *out;
	size_t n;

	if (mt) {
		out = strdup(mt);
	} else if (ctype) {
		n = strcspn(ctype, "; ");
		out = strndup(ctype, n);
	} else {
		out = strdup("");
	}
	json_decref(j);
	return out;
}

int uk_client_get_manifest(struct uk_client *c, const char *ref, char **body,
			   size_t *len, char **media_type,
			   char digest[UK_DIGEST_MAX], struct uk_error *err)
{
	char rest[512], *url;
	struct http_req q = {.method = "GET", .accept = ACCEPT_MANIFESTS,
			     .max_body = UK_LAYOUT_DOC_MAX};
	struct http_resp r = {0};
	int rc;

	*body = NULL;
	*media_type = NULL;
	snprintf(rest, sizeof(rest), "manifests/%s", ref);
	if (!(url = client_url(c, rest)))
		return oom(err);
	q.url = url;
	rc = http_do(c, &q, &r, err);
	if (rc == 0 && r.status == 404) {
		uk_errorf(err, "no such manifest in the registry (GET %s answered 404)",
			  url);
		uk_hintf(err, "check the repository and tag; 'uk push' publishes one");
		rc = -1;
	} else if (rc == 0 && r.status != 200) {
		rc = http_status_error(c, &q, &r, "cannot get a manifest", err);
	}
	if (rc == 0 && uk_digest_buf(r.body ? r.body : "", r.len, digest) < 0)
		rc = uk_errorf(err, "cannot compute a sha256 digest");
	if (rc == 0 && uk_digest_valid(ref) && strcmp(ref, digest)) {
		uk_errorf(err, "registry %s sent a manifest that hashes to %s for %s",
			  c->base, digest, ref);
		rc = uk_hintf(err, "the registry or something between is corrupting "
				   "data; nothing was stored");
	}
	if (rc == 0 && r.digest && uk_digest_valid(r.digest) &&
	    strcmp(r.digest, digest)) {
		uk_errorf(err, "registry %s says manifest %s has digest %s, but its "
			       "bytes hash to %s", c->base, ref, r.digest, digest);
		rc = uk_hintf(err, "nothing was stored; try again or report it to "
				   "the registry's operator");
	}
	if (rc == 0) {
		*media_type = media_type_of(r.body ? r.body : "", r.len, r.content_type);
		*body = r.body ? r.body : strdup("");
		*len = r.len;
		r.body = NULL;
		if (!*media_type || !*body)
			rc = oom(err);
	}
	http_resp_free(&r);
	free(url);
	return rc;
}

struct blob_get {
	int (*sink)(void *ctx, const void *buf, size_t n, struct uk_error *err);
	int (*reset)(void *ctx, struct uk_error *err);
	void *ctx;
	struct uk_sha256 h;
	unsigned long long size, got;
	const char *digest;
};

static int hashing_sink(void *ctx, const void *buf, size_t n,
			struct uk_error *err)
{
	struct blob_get *b = ctx;

	b->got += n;
	if (b->got > b->size)
		return uk_errorf(err, "blob %s is longer than the %llu bytes its "
				      "descriptor says", b->digest, b->size);
	uk_sha256_update(&b->h, buf, n);
	return b->sink(b->ctx, buf, n, err);
}

static int hashing_reset(void *ctx, struct uk_error *err)
{
	struct blob_get *b = ctx;

	uk_sha256_free(&b->h);
	b->got = 0;
	if (uk_sha256_init(&b->h) < 0)
		return oom(err);
	return b->reset ? b->reset(b->ctx, err) : uk_errorf(err, "cannot restart a download");
}

int uk_client_get_blob(struct uk_client *c, const char *digest,
		       unsigned long long size,
		       int (*sink)(void *ctx, const void *buf, size_t n,
				   struct uk_error *err),
		       int (*reset)(void *ctx, struct uk_error *err), void *ctx,
		       struct uk_error *err)
{
	char rest[128 + UK_DIGEST_MAX], *url, got[UK_DIGEST_MAX];
	struct blob_get b = {sink, reset, ctx, {0}, size, 0, digest};
	struct http_req q = {.method = "GET", .follow = 1, .sink = hashing_sink,
			     .reset = hashing_reset, .ctx = &b, .label = digest,
			     .total = size, .max_body = 64u << 10};
	struct http_resp r = {0};
	int rc;

	snprintf(rest, sizeof(rest), "blobs/%s", digest);
	if (!(url = client_url(c, rest)))
		return oom(err);
	if (uk_sha256_init(&b.h) < 0) {
		free(url);
		return oom(err);
	}
	q.url = url;
	rc = http_do(c, &q, &r, err);
	if (rc == 0 && r.status != 200)
		rc = http_status_error(c, &q, &r, "cannot get a blob", err);
	uk_sha256_final(&b.h, got);
	if (rc == 0 && (b.got != size || strcmp(got, digest))) {
		uk_errorf(err, "registry %s sent %llu bytes hashing to %s for blob "
			       "%s (%llu bytes)", c->base, b.got, got, digest, size);
		rc = uk_hintf(err, "the data is corrupt; nothing was stored. Try "
				   "again, or report it to the registry's operator");
	}
	http_resp_free(&r);
	free(url);
	return rc;
}
