/* The client's request engine, shared by client*.c only. */
#ifndef UK_REGISTRY_CLIENT_HTTP_H
#define UK_REGISTRY_CLIENT_HTTP_H

#include "registry/client.h"

struct http_req {
	const char *method; /* GET, HEAD, PUT, POST, PATCH */
	const char *url;    /* absolute */
	const char *accept, *content_type, *content_range;
	const void *body;   /* sent when has_body */
	size_t body_len;
	int has_body;
	/* The response body goes to sink when set, else into memory (at most
	 * max_body bytes, default 1 MiB). */
	int (*sink)(void *ctx, const void *buf, size_t n, struct uk_error *err);
	int (*reset)(void *ctx, struct uk_error *err);
	void *ctx;
	size_t max_body;
	int follow;         /* follow redirects (blob GETs) */
	const char *label;  /* for progress; NULL: none */
	unsigned long long total;
	/* A body of unknown length instead (body, body_len and has_body
	 * unused), sent chunked as read hands it over: bytes into buf, 0 at
	 * its end, HTTP_READ_ABORT to stop the request. Such a request is
	 * not retried and not authenticated again on a 401: what was read is
	 * gone, and the registry may have kept part of it. */
	size_t (*read)(void *ctx, char *buf, size_t n);
	void *read_ctx;
};
#define HTTP_READ_ABORT UK_UPLOAD_ABORT /* registry/client.h */

struct http_resp {
	long status;
	char *body;
	size_t len;
	char *location, *content_type, *digest, *www_auth, *retry_after;
};

/* Performs q with auth, retries and backoff. 0 when a response arrived
 * (check r->status); -1 with err set when none did, the credentials were
 * refused, or the sink failed. */
int http_do(struct uk_client *c, const struct http_req *q,
	    struct http_resp *r, struct uk_error *err);
void http_resp_free(struct http_resp *r);

/* An error for an unexpected status: names the method and URL, adds the
 * registry's own error codes and messages, and a hint. */
int http_status_error(const struct uk_client *c, const struct http_req *q,
		      const struct http_resp *r, const char *what,
		      struct uk_error *err);

/* "<base>/v2/<repo>/<rest>", malloc'd. */
char *client_url(const struct uk_client *c, const char *rest);

#endif
