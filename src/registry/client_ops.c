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

/* PATCH the chunks; *location follows each answer's Location. */
static int send_chunks(struct uk_client *c, const char *buf, size_t len,
		       const char *digest, char **location,
		       struct uk_error *err)
{
	size_t off = 0;

	while (off < len) {
		size_t n = len - off < c->o.chunk_size ? len - off : c->o.chunk_size;
		char range[64];
		struct http_req q = {.method = "PATCH",
				     .content_type = "application/octet-stream",
				     .content_range = range,
				     .label = digest,
				     .total = len};
		struct http_resp r = {0};
		int rc;

		snprintf(range, sizeof(range), "%zu-%zu", off, off + n - 1);
		q.url = *location;
		q.body = buf + off;
		q.body_len = n;
		q.has_body = 1;
		rc = http_do(c, &q, &r, err);
		if (rc == 0 && r.status == 202 && r.location) {
			char *next = uk_url_resolve(c->base, q.url, r.location);

			if (!next)
				rc = oom(err);
			free(*location);
			*location = next;
		} else if (rc == 0) {
			rc = http_status_error(c, &q, &r, "cannot upload a blob chunk", err);
		}
		http_resp_free(&r);
		if (rc < 0)
			return -1;
		off += n;
	}
	return 0;
}

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
	char *loc = NULL;
	int rc;

	if (start_upload(c, digest, mount_from, &loc, err) < 0)
		return -1;
	if (!loc)
		return 0; /* mounted */
	if (len > c->o.chunk_size)
		rc = send_chunks(c, buf, len, digest, &loc, err) < 0 ||
		     finish_upload(c, loc, NULL, len, digest, err) < 0 ? -1 : 0;
	else
		rc = finish_upload(c, loc, buf, len, digest, err);
	free(loc);
	if (rc == 0)
		c->stats.blobs_uploaded++;
	else
		uk_error_wrap(err, "pushing blob %.19s", digest);
	return rc;
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
