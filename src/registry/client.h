/* An OCI distribution client (libcurl): the /v2/ check, anonymous, Basic
 * and Bearer-token auth, blob and manifest transfers with every digest
 * checked, bounded retries with backoff on 429, 5xx and dropped
 * connections. One client talks to one repository of one registry. It
 * never prints; progress goes through a callback. */
#ifndef UK_REGISTRY_CLIENT_H
#define UK_REGISTRY_CLIENT_H

#include <stddef.h>

#include "registry/ref.h"
#include "store/digest.h"
#include "util/error.h"

#define UK_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define UK_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

/* Progress of one transfer: label names it, done/total in bytes; called
 * with finished set once at its end. Only for blobs over 1 MiB. */
typedef void (*uk_progress_fn)(void *ctx, const char *label,
			       unsigned long long done,
			       unsigned long long total, int finished);

#define UK_MAX_BLOB_DEFAULT (4ull << 30)

struct uk_client_opts {
	int insecure;            /* plain HTTP to any host */
	unsigned retries;        /* extra attempts (default 4) */
	unsigned backoff_ms;     /* first wait, doubled each time (default 250) */
	size_t chunk_size;       /* blobs over this go up in PATCH chunks (default 32 MiB, or $UK_CHUNK_SIZE) */
	unsigned long long max_blob; /* larger blobs are refused before any download (default 4 GiB, or $UK_MAX_BLOB) */
	uk_progress_fn progress;
	void *progress_ctx;
	const char *user, *password; /* overrides stored credentials (uk login) */
};

struct uk_client_stats {
	unsigned blobs_uploaded, blobs_skipped, blobs_mounted;
	unsigned long long bytes_up, bytes_down;
	unsigned retries;
};

struct uk_client {
	void *curl;       /* CURL * */
	char *host;       /* as in the reference: "localhost:5000" */
	char *base;       /* "http://localhost:5000" */
	char *repo;
	char *userpass;   /* "user:password" for Basic and token requests */
	char *auth;       /* the Authorization header in use, or NULL */
	int auth_tried;   /* a 401 after this means the credentials are wrong */
	struct uk_client_opts o;
	struct uk_client_stats stats;
	int answered;     /* the last request got an answer (any status) */
	char (*sent)[UK_DIGEST_MAX]; /* blobs this client uploaded */
	size_t nsent;
};

int uk_client_open(struct uk_client *c, const struct uk_ref *r,
		   const struct uk_client_opts *o, struct uk_error *err);
void uk_client_close(struct uk_client *c);

/* GET /v2/ (authenticating if asked to): the registry speaks the API. */
int uk_client_ping(struct uk_client *c, struct uk_error *err);

/* HEAD a blob: *exists is 1 when the registry has it (with that size). */
int uk_client_blob_exists(struct uk_client *c, const char *digest,
			  unsigned long long size, int *exists,
			  struct uk_error *err);

/* Uploads buf as blob digest unless the registry has it. With mount_from
 * (another repository of the same registry), tries a cross-repository
 * mount first. */
int uk_client_push_blob(struct uk_client *c, const void *buf, size_t len,
			const char *digest, const char *mount_from,
			struct uk_error *err);

/* The same without the HEAD (the caller checked). */
int uk_client_upload_blob(struct uk_client *c, const void *buf, size_t len,
			  const char *digest, const char *mount_from,
			  struct uk_error *err);

/* An upload of bytes whose digest is known only at their end (uk push
 * streams a layer while it is packed): POST, then one PATCH without
 * Content-Range whose body is sent chunked (Transfer-Encoding) as read
 * hands it over, as docker push streams a layer (following the answer's
 * Location), then PUT ?digest=. A failed one is cancelled (DELETE, best
 * effort, no retry), so nothing half-uploaded stays in the registry's
 * way. */
struct uk_upload {
	char *location;
	unsigned long long off;
};
int uk_client_upload_start(struct uk_client *c, struct uk_upload *u,
			   struct uk_error *err);
/* The PATCH: read puts the next bytes into buf and says how many (0 at
 * the end, UK_UPLOAD_ABORT to stop). Not retried: on a failure the
 * registry may hold part of it. */
#define UK_UPLOAD_ABORT ((size_t)-1)
int uk_client_upload_stream(struct uk_client *c, struct uk_upload *u,
			    size_t (*read)(void *ctx, char *buf, size_t n), void *ctx,
			    struct uk_error *err);
int uk_client_upload_finish(struct uk_client *c, struct uk_upload *u,
			    const char *digest, struct uk_error *err);
void uk_client_upload_cancel(struct uk_client *c, struct uk_upload *u);

/* 1 when this client uploaded blob digest (so no HEAD need ask). */
int uk_client_sent(const struct uk_client *c, const char *digest);

/* PUT a manifest or index under ref (a tag or its digest); the registry's
 * Docker-Content-Digest, when given, must be the digest of buf. */
int uk_client_push_manifest(struct uk_client *c, const char *ref,
			    const char *media_type, const void *buf,
			    size_t len, struct uk_error *err);

/* GET a manifest or index by tag or digest, asking for the OCI types (and
 * Docker's, to name them in errors). *body is malloc'd and NUL-terminated,
 * *media_type (malloc'd) is the document's own mediaType or the
 * Content-Type, digest the sha256 of the bytes. With a digest as ref, the
 * bytes must match it. */
int uk_client_get_manifest(struct uk_client *c, const char *ref, char **body,
			   size_t *len, char **media_type,
			   char digest[UK_DIGEST_MAX], struct uk_error *err);

/* GET a blob, streamed to sink (which may fail with -1 and err set);
 * reset is called before a retry restarts the stream. The bytes are
 * hashed: unless they are exactly size bytes with that digest, it fails. */
int uk_client_get_blob(struct uk_client *c, const char *digest,
		       unsigned long long size,
		       int (*sink)(void *ctx, const void *buf, size_t n,
				   struct uk_error *err),
		       int (*reset)(void *ctx, struct uk_error *err), void *ctx,
		       struct uk_error *err);

/* Credentials: $UK_HOME/auth.json first, then Docker's config.json
 * ($DOCKER_CONFIG or ~/.docker) "auths". *userpass is "user:password"
 * (malloc'd) or NULL when there are none. */
int uk_auth_lookup(const char *host, char **userpass, struct uk_error *err);
/* Stores (or with user NULL removes) credentials in $UK_HOME/auth.json,
 * mode 0600. */
int uk_auth_store(const char *host, const char *user, const char *password,
		  struct uk_error *err);

/* Text from a server for a message: at most n-1 bytes of src (NULL: ""),
 * line breaks and tabs as spaces, so that it stays on its line (the CLI
 * shows other control characters escaped). */
void uk_server_text(char *dst, size_t n, const char *src);

/* Base64 of n bytes (malloc'd), and the reverse (NULL if invalid). */
char *uk_base64_encode(const void *buf, size_t n);
char *uk_base64_decode(const char *s, size_t *n);

/* Parses a WWW-Authenticate header: scheme ("basic"/"bearer", lowercase)
 * and for Bearer realm, service, scope (each malloc'd, NULL if absent). */
struct uk_challenge {
	char scheme[16];
	char *realm, *service, *scope;
};
int uk_challenge_parse(const char *h, struct uk_challenge *ch);
void uk_challenge_free(struct uk_challenge *ch);

/* Resolves a Location header against base ("http://host:port") and the
 * request URL: absolute, absolute-path and relative forms. malloc'd. */
char *uk_url_resolve(const char *base, const char *request_url,
		     const char *location);
/* url plus "name=value", with '?' or '&' as url needs. malloc'd. */
char *uk_url_add_query(const char *url, const char *name, const char *value);

#endif
