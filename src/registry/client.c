/* The client's request engine: one curl handle per client (connections are
 * reused), auth on a 401 challenge, bounded retries with backoff. */
#include "util/curl_lazy.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "manifest/manifest.h"
#include "registry/client.h"
#include "registry/client_http.h"

#define PROGRESS_MIN (1ull << 20)
#define MEM_BODY_DEFAULT (1u << 20)
#define BACKOFF_CAP_MS 8000u
/* curl's buffer for a read body (its default is 64 KiB): fewer, larger
 * sends of a layer streamed as it is packed */
#define STREAM_BUFFER (1u << 20)

struct xfer {
	const struct http_req *q;
	struct http_resp *r;
	struct uk_client *c;
	struct uk_error sink_err;
	int sink_failed, too_big;
	size_t cap;
	unsigned long long sent; /* of a read body */
};

void http_resp_free(struct http_resp *r)
{
	free(r->body);
	free(r->location);
	free(r->content_type);
	free(r->digest);
	free(r->www_auth);
	free(r->retry_after);
	memset(r, 0, sizeof(*r));
}

char *client_url(const struct uk_client *c, const char *rest)
{
	char *u;

	if (asprintf(&u, "%s/v2/%s/%s", c->base, c->repo, rest) < 0)
		return NULL;
	return u;
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n, k;
	char *colon, *v, **slot = NULL;

	if (len >= 5 && !strncmp(buf, "HTTP/", 5)) {
		/* A new response (after a redirect or 100): forget the last. */
		char *body = x->r->body;
		size_t blen = x->r->len;

		x->r->body = NULL;
		http_resp_free(x->r);
		x->r->body = body;
		x->r->len = blen;
		return len;
	}
	if (!(colon = memchr(buf, ':', len)))
		return len;
	k = (size_t)(colon - buf);
#define HDR(name, field)                                                       \
	if (k == strlen(name) && !strncasecmp(buf, name, k))                   \
		slot = &x->r->field;
	HDR("location", location)
	HDR("content-type", content_type)
	HDR("docker-content-digest", digest)
	HDR("www-authenticate", www_auth)
	HDR("retry-after", retry_after)
#undef HDR
	if (!slot || *slot)
		return len;
	v = colon + 1;
	while (v < buf + len && (*v == ' ' || *v == '\t'))
		v++;
	k = (size_t)(buf + len - v);
	while (k > 0 && (v[k - 1] == '\r' || v[k - 1] == '\n' || v[k - 1] == ' '))
		k--;
	*slot = strndup(v, k);
	return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	char *p;

	/* Bodies of error answers (and redirects) are kept for messages. */
	if (x->q->sink && x->r->status == 0) {
		long st = 0;

		curl_easy_getinfo(x->c->curl, CURLINFO_RESPONSE_CODE, &st);
		x->r->status = st;
	}
	if (x->q->sink && x->r->status >= 200 && x->r->status < 300) {
		if (x->q->sink(x->q->ctx, buf, len, &x->sink_err) < 0) {
			x->sink_failed = 1;
			return 0;
		}
		x->c->stats.bytes_down += len;
		return len;
	}
	if (x->r->len + len > x->cap) {
		x->too_big = 1;
		return 0;
	}
	if (!(p = realloc(x->r->body, x->r->len + len + 1)))
		return 0;
	memcpy(p + x->r->len, buf, len);
	x->r->body = p;
	x->r->len += len;
	p[x->r->len] = '\0';
	return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = ud;
	unsigned long long done = (unsigned long long)(x->q->has_body ? ulnow : dlnow);

	(void)dltotal;
	(void)ultotal;
	x->c->o.progress(x->c->o.progress_ctx, x->q->label, done, x->q->total, 0);
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t got = x->q->read(x->q->read_ctx, buf, size * n);

	if (got == HTTP_READ_ABORT)
		return CURL_READFUNC_ABORT;
	x->sent += got;
	return got;
}

static int retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static unsigned backoff(const struct uk_client *c, unsigned attempt,
			const struct http_resp *r)
{
	unsigned ms = c->o.backoff_ms << (attempt < 6 ? attempt : 6);

	if (r->retry_after) {
		char *end;
		unsigned long s = strtoul(r->retry_after, &end, 10);

		if (*end == '\0' && r->retry_after[0])
			ms = s > 10 ? 10000u : (unsigned)s * 1000u;
	}
	return ms > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : ms;
}

/* Credentials go only to the registry itself, not to another host that a
 * Location header names (an upload URL on a storage service). */
static int same_origin(const struct uk_client *c, const char *url)
{
	size_t n = strlen(c->base);

	return !strncmp(url, c->base, n) && (url[n] == '/' || url[n] == '\0' ||
					     url[n] == '?');
}

static struct curl_slist *headers(const struct uk_client *c,
				  const struct http_req *q)
{
	struct curl_slist *h = NULL;
	char line[512];

	h = curl_slist_append(h, "Expect:");
	h = curl_slist_append(h, "User-Agent: uk/" UK_VERSION);
	if (c->auth && same_origin(c, q->url))
		h = curl_slist_append(h, c->auth);
	if (q->accept) {
		snprintf(line, sizeof(line), "Accept: %s", q->accept);
		h = curl_slist_append(h, line);
	}
	if (q->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", q->content_type);
		h = curl_slist_append(h, line);
	}
	if (q->read)
		h = curl_slist_append(h, "Transfer-Encoding: chunked");
	if (q->content_range) {
		snprintf(line, sizeof(line), "Content-Range: %s", q->content_range);
		h = curl_slist_append(h, line);
	}
	return h;
}

/* SSL_CERT_FILE and SSL_CERT_DIR, as OpenSSL's tools read them, name the
 * certificates a private registry's TLS is checked against. */
static void ca_opts(CURL *h)
{
	const char *file = getenv("SSL_CERT_FILE"), *dir = getenv("SSL_CERT_DIR");

	if (file && *file)
		curl_easy_setopt(h, CURLOPT_CAINFO, file);
	if (dir && *dir)
		curl_easy_setopt(h, CURLOPT_CAPATH, dir);
}

static CURLcode perform(struct uk_client *c, const struct http_req *q,
			struct xfer *x, char *curl_err)
{
	CURL *h = c->curl;
	struct curl_slist *hd = headers(c, q);
	CURLcode rc;

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, q->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	/* A stalled transfer (under 1 KiB/s for 30 s) counts as dropped. */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	ca_opts(h);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	if (q->follow) {
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	}
	if (!strcmp(q->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (q->read) {
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(h, CURLOPT_READDATA, x);
		curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, (long)STREAM_BUFFER);
	} else if (strcmp(q->method, "GET")) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(q->has_body ? q->body_len : 0));
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
				 q->has_body ? q->body : "");
	}
	if (q->label && c->o.progress && q->total > PROGRESS_MIN) {
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	}
	curl_err[0] = '\0';
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x->r->status);
	if (rc == CURLE_OK && q->has_body && !q->read)
		c->stats.bytes_up += q->body_len;
	c->stats.bytes_up += x->sent;
	if (q->label && c->o.progress && q->total > PROGRESS_MIN)
		c->o.progress(c->o.progress_ctx, q->label, q->total, q->total, 1);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hd);
	return rc;
}

/* The "host[:port]" part of an http(s) URL, into buf. */
static void url_host(const char *url, char *buf, size_t n)
{
	const char *h = strstr(url, "://");

	h = h ? h + 3 : url;
	snprintf(buf, n, "%.*s", (int)strcspn(h, "/?#"), h);
}

/* " (named by registry HOST)" when the realm is on another host than the
 * registry, so that an error says who sent uk there; else "". */
static const char *named_by(const struct uk_client *c, const char *realm,
			    char *buf, size_t n)
{
	char rh[256], bh[256];

	url_host(realm, rh, sizeof(rh));
	url_host(c->base, bh, sizeof(bh));
	if (!strcasecmp(rh, bh))
		return "";
	snprintf(buf, n, " (named by registry %s)", bh);
	return buf;
}

/* Tokens (and the credentials that get them) travel over HTTPS when the
 * registry does: a realm on plain HTTP would hand them to anyone on the
 * path. */
static int realm_ok(const struct uk_client *c, const char *realm,
		    struct uk_error *err)
{
	char who[300];

	if (strncmp(realm, "https://", 8) && strncmp(realm, "http://", 7)) {
		uk_errorf(err, "registry %s names the token service '%s', which is "
			       "not an http(s) URL", c->base, realm);
		return 0;
	}
	if (!strncmp(c->base, "https://", 8) && !strncmp(realm, "http://", 7)) {
		uk_errorf(err, "registry %s names the token service '%s'%s on plain "
			       "HTTP; uk sends no credentials and asks for no token "
			       "there for an HTTPS registry", c->base, realm,
			  named_by(c, realm, who, sizeof(who)));
		uk_hintf(err, "the registry's auth settings are wrong, or something "
			      "between is changing its answers; tell its operator");
		return 0;
	}
	return 1;
}

/* Asks realm for a token (with the user's credentials when known). */
static int fetch_token(struct uk_client *c, const struct uk_challenge *ch,
		       struct uk_error *err)
{
	char *url = NULL, *svc = NULL, *scope = NULL, *tok = NULL;
	CURL *h = curl_easy_init();
	struct http_req q = {.method = "GET"};
	struct http_resp r = {0};
	struct xfer x = {.q = &q, .r = &r, .cap = 1u << 20};
	char curl_err[CURL_ERROR_SIZE];
	struct curl_slist *hd = NULL;
	json_t *j = NULL, *t;
	json_error_t je = {0};
	char who[300], why[256] = "";
	const char *by = named_by(c, ch->realm, who, sizeof(who));
	CURLcode rc;
	int ret = -1;

	if (!h)
		return uk_errorf(err, "out of memory");
	x.c = c;
	if (ch->service)
		svc = curl_easy_escape(h, ch->service, 0);
	if (ch->scope)
		scope = curl_easy_escape(h, ch->scope, 0);
	if (asprintf(&url, "%s%s%s%s%s%s", ch->realm,
		     strchr(ch->realm, '?') ? "&" : "?", svc ? "service=" : "",
		     svc ? svc : "", scope ? (svc ? "&scope=" : "scope=") : "",
		     scope ? scope : "") < 0) {
		url = NULL;
		uk_errorf(err, "out of memory");
		goto out;
	}
	q.url = url;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	ca_opts(h);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	if (c->userpass) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERPWD, c->userpass);
	}
	hd = curl_slist_append(hd, "User-Agent: uk/" UK_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_err[0] = '\0';
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	if (rc != CURLE_OK) {
		uk_errorf(err, "cannot get a token from '%s'%s: %s", ch->realm, by,
			  curl_err[0] ? curl_err : curl_easy_strerror(rc));
		goto out;
	}
	if (r.status == 401 || r.status == 403) {
		uk_errorf(err, "the token service '%s'%s refused %s (HTTP %ld)",
			  ch->realm, by,
			  c->userpass ? "the credentials" : "anonymous access",
			  r.status);
		uk_hintf(err, "log in with 'uk login %s'", c->host);
		err->status = 1;
		goto out;
	}
	j = r.body ? json_loadb(r.body, r.len, 0, &je) : NULL;
	if (r.body && !j)
		snprintf(why, sizeof(why), " (not valid JSON: line %d, column %d: %s)",
			 je.line, je.column, je.text);
	t = json_object_get(j, "token");
	if (!json_is_string(t))
		t = json_object_get(j, "access_token");
	if (r.status != 200 || !json_is_string(t) || !*json_string_value(t) ||
	    strpbrk(json_string_value(t), "\r\n")) {
		uk_errorf(err, "the token service '%s'%s answered HTTP %ld without "
			       "a token%s", ch->realm, by, r.status, why);
		goto out;
	}
	if (asprintf(&tok, "Authorization: Bearer %s", json_string_value(t)) < 0) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	free(c->auth);
	c->auth = tok;
	ret = 0;
out:
	json_decref(j);
	curl_slist_free_all(hd);
	curl_free(svc);
	curl_free(scope);
	free(url);
	http_resp_free(&r);
	curl_easy_cleanup(h);
	return ret;
}

static int authenticate(struct uk_client *c, const struct http_resp *r,
			struct uk_error *err)
{
	struct uk_challenge ch;
	char *enc, *hdr;
	int rc = -1;

	if (!r->www_auth || uk_challenge_parse(r->www_auth, &ch) < 0) {
		uk_errorf(err, "registry %s asks for authentication (HTTP 401) "
			       "without a usable WWW-Authenticate header", c->base);
		return -1;
	}
	if (!strcmp(ch.scheme, "basic")) {
		if (!c->userpass) {
			uk_errorf(err, "registry %s needs a user name and password",
				  c->base);
			uk_hintf(err, "log in first: 'uk login %s'", c->host);
		} else if ((enc = uk_base64_encode(c->userpass, strlen(c->userpass)))) {
			if (asprintf(&hdr, "Authorization: Basic %s", enc) >= 0) {
				free(c->auth);
				c->auth = hdr;
				rc = 0;
			}
			free(enc);
		}
	} else if (!strcmp(ch.scheme, "bearer") && ch.realm) {
		if (realm_ok(c, ch.realm, err))
			rc = fetch_token(c, &ch, err);
	} else {
		uk_errorf(err, "registry %s asks for '%s' authentication, which uk "
			       "does not support (only Basic and Bearer)",
			  c->base, ch.scheme);
	}
	uk_challenge_free(&ch);
	if (rc < 0 && !err->msg[0])
		uk_errorf(err, "out of memory");
	return rc;
}

static int refused(const struct uk_client *c, const struct http_req *q,
		   struct uk_error *err)
{
	uk_errorf(err, "registry %s refused the credentials for %s %.*s (HTTP 401)",
		  c->base, q->method, (int)strcspn(q->url, "?"), q->url);
	uk_hintf(err, "check the user name and password: 'uk login %s'", c->host);
	return -1;
}

int http_do(struct uk_client *c, const struct http_req *q,
	    struct http_resp *r, struct uk_error *err)
{
	unsigned attempt = 0;
	int reauthed = 0, started = 0;
	char curl_err[CURL_ERROR_SIZE];

	c->answered = 0;
	for (;;) {
		struct xfer x = {.q = q, .r = r, .c = c,
				 .cap = q->max_body ? q->max_body : MEM_BODY_DEFAULT};
		CURLcode rc;

		http_resp_free(r);
		if (started && q->reset && q->reset(q->ctx, err) < 0)
			return -1;
		started = 1;
		rc = perform(c, q, &x, curl_err);
		if (x.sink_failed) {
			*err = x.sink_err;
			return uk_error_wrap(err, "%s %.*s", q->method,
					     (int)strcspn(q->url, "?"), q->url);
		}
		if (x.too_big) {
			uk_errorf(err, "registry %s sent more than %zu bytes for %s %s",
				  c->base, x.cap, q->method, q->url);
			return -1;
		}
		if (rc != CURLE_OK) {
			if (retryable(rc) && attempt < c->o.retries && !q->read) {
				sleep_ms(backoff(c, attempt++, r));
				c->stats.retries++;
				continue;
			}
			uk_errorf(err, "cannot %s %.*s: %s%s", q->method,
				  (int)strcspn(q->url, "?"), q->url,
				  curl_err[0] ? curl_err : curl_easy_strerror(rc),
				  attempt ? " (after retries)" : "");
			uk_hintf(err, "check that the registry at %s is running and "
				      "reachable, then run the command again",
				  c->base);
			return -1;
		}
		if (r->status == 401 && !q->read) {
			if (reauthed || (c->auth_tried && !c->auth))
				return refused(c, q, err);
			if (c->auth_tried && c->auth && !strncmp(c->auth, "Authorization: Basic", 20))
				return refused(c, q, err);
			if (authenticate(c, r, err) < 0)
				return -1;
			c->auth_tried = 1;
			reauthed = 1;
			continue;
		}
		if ((r->status == 429 || r->status >= 500) && attempt < c->o.retries && !q->read) {
			sleep_ms(backoff(c, attempt++, r));
			c->stats.retries++;
			continue;
		}
		c->answered = 1;
		return 0;
	}
}

void uk_server_text(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < n; i++)
		dst[i] = src[i] == '\n' || src[i] == '\r' || src[i] == '\t' ? ' ' : src[i];
	if (n)
		dst[i] = '\0';
}

int http_status_error(const struct uk_client *c, const struct http_req *q,
		      const struct http_resp *r, const char *what,
		      struct uk_error *err)
{
	char detail[512] = "", code[64], msg[400];
	size_t n = 0, i;
	json_t *j = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL, *e;

	json_array_foreach(json_object_get(j, "errors"), i, e) {
		const char *jc = json_string_value(json_object_get(e, "code"));
		const char *jm = json_string_value(json_object_get(e, "message"));

		uk_server_text(code, sizeof(code), jc);
		uk_server_text(msg, sizeof(msg), jm);
		if (n < sizeof(detail) - 1)
			n += (size_t)snprintf(detail + n, sizeof(detail) - n, "%s%s%s%s",
					      n ? "; " : ": ", jc ? code : "",
					      jc && jm ? " " : "", jm ? msg : "");
	}
	json_decref(j);
	/* Upload URLs carry long opaque state in their query: left out. */
	uk_errorf(err, "%s: %s %.*s answered HTTP %ld%s", what, q->method,
		  (int)strcspn(q->url, "?"), q->url, r->status, detail);
	if (r->status == 403)
		uk_hintf(err, "the account has no permission for %s on %s; check "
			      "'uk login %s'", c->repo, c->base, c->host);
	else if (r->status == 429 || r->status >= 500)
		uk_hintf(err, "the registry at %s is failing or busy; try again later",
			 c->base);
	else
		uk_hintf(err, "check the reference and that %s is an OCI registry",
			 c->base);
	(void)i;
	return -1;
}

int uk_client_open(struct uk_client *c, const struct uk_ref *r,
		   const struct uk_client_opts *o, struct uk_error *err)
{
	static int curl_ready;
	int plain;

	memset(c, 0, sizeof(*c));
	if (o)
		c->o = *o;
	if (!o || !o->retries)
		c->o.retries = o && o->retries ? o->retries : 4;
	if (!c->o.backoff_ms)
		c->o.backoff_ms = 250;
	if (!c->o.chunk_size) {
		/* UK_CHUNK_SIZE (bytes) lets tests and benchmarks pick it. */
		const char *cs = getenv("UK_CHUNK_SIZE");
		char *end;
		unsigned long long v = cs ? strtoull(cs, &end, 10) : 0;

		c->o.chunk_size = cs && *cs && !*end && v >= 1024 ? (size_t)v : 32u << 20;
	}
	if (!c->o.max_blob) {
		const char *mb = getenv("UK_MAX_BLOB");
		uint64_t v = UK_MAX_BLOB_DEFAULT;

		if (mb && *mb && (uk_parse_size(mb, &v) < 0 || v == 0)) {
			uk_errorf(err, "UK_MAX_BLOB='%s' is not a size", mb);
			uk_hintf(err, "give bytes, or a number with K, M, G or T (e.g. 8G)");
			err->status = 2;
			return -1;
		}
		c->o.max_blob = v;
	}
	if (uk_curl_load(err) != 0)
		return -1;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return uk_errorf(err, "cannot initialise libcurl");
		curl_ready = 1;
	}
	plain = c->o.insecure || uk_ref_host_is_local(r->host);
	c->host = strdup(r->host);
	c->repo = strdup(r->repo);
	if (asprintf(&c->base, "%s://%s", plain ? "http" : "https",
		     uk_ref_api_host(r->host)) < 0)
		c->base = NULL;
	c->curl = curl_easy_init();
	if (!c->host || !c->repo || !c->base || !c->curl) {
		uk_client_close(c);
		return uk_errorf(err, "out of memory");
	}
	if (c->o.user) {
		if (asprintf(&c->userpass, "%s:%s", c->o.user,
			     c->o.password ? c->o.password : "") < 0)
			c->userpass = NULL;
	} else if (uk_auth_lookup(r->host, &c->userpass, err) < 0) {
		uk_client_close(c);
		return -1;
	}
	return 0;
}

void uk_client_close(struct uk_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	if (c->userpass)
		memset(c->userpass, 0, strlen(c->userpass));
	free(c->userpass);
	free(c->auth);
	free(c->sent);
	free(c->host);
	free(c->base);
	free(c->repo);
	memset(c, 0, sizeof(*c));
}

int uk_client_ping(struct uk_client *c, struct uk_error *err)
{
	char *url;
	struct http_req q = {.method = "GET"};
	struct http_resp r = {0};
	int rc;

	if (asprintf(&url, "%s/v2/", c->base) < 0)
		return uk_errorf(err, "out of memory");
	q.url = url;
	rc = http_do(c, &q, &r, err);
	if (rc == 0 && r.status != 200)
		rc = http_status_error(c, &q, &r, "the API check failed", err);
	http_resp_free(&r);
	free(url);
	return rc;
}
