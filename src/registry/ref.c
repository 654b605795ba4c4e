/* Parsing and printing registry references (OCI distribution-spec names:
 * lowercase path components joined by '/', tags of at most 128 characters). */
#include "registry/ref.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *uk_ref_default_registry(void)
{
	const char *r = getenv("UK_REGISTRY");

	return r && *r ? r : UK_DEFAULT_REGISTRY;
}

static int is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static int component_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
		return 0;
	while (i < n) {
		if (is_alnum_lower(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.' && is_alnum_lower(s[i + 1])) {
			i++;
		} else if (s[i] == '_') {
			i += s[i + 1] == '_' ? 2 : 1;
			if (!is_alnum_lower(s[i]))
				return 0;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
			if (!is_alnum_lower(s[i]))
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

static int repo_ok(const char *s)
{
	const char *p = s, *slash;

	if (strlen(s) > 255)
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		if (!component_ok(p, slash ? (size_t)(slash - p) : strlen(p)))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

static int tag_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

static int host_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || n > 253)
		return 0;
	if (s[0] == '[') { /* [IPv6]:port */
		while (i < n && s[i] != ']')
			i++;
		if (i == n)
			return 0;
		i++;
	} else {
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '.' ||
				 s[i] == '-'))
			i++;
		if (i == 0)
			return 0;
	}
	if (i == n)
		return 1;
	if (s[i] != ':' || i + 1 == n || n - i > 6)
		return 0;
	for (i++; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Docker's rule: a first part with '.' or ':', or "localhost", is a host. */
static int first_is_host(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || s[0] == '[' ||
	       (n == 9 && !memcmp(s, "localhost", 9));
}

int uk_ref_names_registry(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;

	return slash && first_is_host(s, (size_t)(slash - s));
}

int uk_ref_host_is_local(const char *host)
{
	static const char *const local[] = {"localhost", "127.0.0.1", "[::1]"};
	size_t i, n;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		n = strlen(local[i]);
		if (!strncmp(host, local[i], n) &&
		    (host[n] == '\0' || host[n] == ':'))
			return 1;
	}
	return 0;
}

const char *uk_ref_api_host(const char *host)
{
	return strcmp(host, "docker.io") ? host : "registry-1.docker.io";
}

static int bad(struct uk_error *err, const char *s, const char *why)
{
	uk_errorf(err, "'%s' is not a valid image reference: %s", s, why);
	uk_hintf(err, "a reference is [HOST[:PORT]/]REPO[:TAG][@sha256:DIGEST], "
		      "like localhost:5000/team/hello:1.0");
	err->status = 2;
	return -1;
}

int uk_ref_parse(const char *s, struct uk_ref *r, struct uk_error *err)
{
	char *copy, *at, *name, *colon, *slash;
	const char *host;
	size_t hlen;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return bad(err, "", "it is empty");
	if (strlen(s) > 1024)
		return bad(err, "(too long)", "it is longer than 1024 characters");
	if (!(copy = strdup(s)))
		return uk_errorf(err, "out of memory");
	if ((at = strchr(copy, '@'))) {
		*at++ = '\0';
		if (!uk_digest_valid(at)) {
			bad(err, s, "the part after '@' is not sha256: and 64 "
				    "lowercase hex digits");
			goto out;
		}
		snprintf(r->digest, sizeof(r->digest), "%s", at);
	}
	name = copy;
	slash = strchr(name, '/');
	if (slash && first_is_host(name, (size_t)(slash - name))) {
		host = name;
		hlen = (size_t)(slash - name);
		name = slash + 1;
	} else {
		host = uk_ref_default_registry();
		hlen = strlen(host);
	}
	if (!host_ok(host, hlen)) {
		bad(err, s, "the registry host is not HOST or HOST:PORT");
		goto out;
	}
	/* A ':' after the last '/' starts the tag. */
	slash = strrchr(name, '/');
	colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		*colon++ = '\0';
		if (!tag_ok(colon)) {
			bad(err, s, "the tag must be 1 to 128 letters, digits, '.', "
				    "'_' or '-', not starting with '.' or '-'");
			goto out;
		}
		r->tag = strdup(colon);
	} else if (!r->digest[0]) {
		r->tag = strdup("latest");
	}
	if (!repo_ok(name)) {
		bad(err, s, "the repository must be lowercase letters and digits "
			    "separated by '/', '.', '_' or '-'");
		goto out;
	}
	r->host = strndup(host, hlen);
	/* docker.io keeps official images under library/. */
	if (r->host && !strcmp(r->host, "docker.io") && !strchr(name, '/')) {
		if (asprintf(&r->repo, "library/%s", name) < 0)
			r->repo = NULL;
	} else {
		r->repo = strdup(name);
	}
	if (!r->host || !r->repo || (colon && !r->tag) ||
	    (!colon && !r->digest[0] && !r->tag)) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(copy);
	if (rc < 0)
		uk_ref_free(r);
	return rc;
}

void uk_ref_free(struct uk_ref *r)
{
	free(r->host);
	free(r->repo);
	free(r->tag);
	memset(r, 0, sizeof(*r));
}

char *uk_ref_string(const struct uk_ref *r)
{
	char *s;

	if (asprintf(&s, "%s/%s%s%s%s%s", r->host, r->repo, r->tag ? ":" : "",
		     r->tag ? r->tag : "", r->digest[0] ? "@" : "", r->digest) < 0)
		return NULL;
	return s;
}

char *uk_ref_store_name(const struct uk_ref *r)
{
	char *s;

	if (asprintf(&s, "%s/%s%s%s", r->host, r->repo, r->tag ? ":" : "@",
		     r->tag ? r->tag : r->digest) < 0)
		return NULL;
	return s;
}
