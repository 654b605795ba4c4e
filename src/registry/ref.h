/* Registry references: [host[:port]/]repo[:tag][@sha256:...]. The first
 * path component is a host when it has a '.' or ':' or is "localhost";
 * otherwise the default registry ($UK_REGISTRY, else docker.io) is used. */
#ifndef UK_REGISTRY_REF_H
#define UK_REGISTRY_REF_H

#include "store/digest.h"
#include "util/error.h"

#define UK_DEFAULT_REGISTRY "docker.io"

struct uk_ref {
	char *host;     /* "localhost:5000", "docker.io" */
	char *repo;     /* "team/hello" */
	char *tag;      /* NULL when only a digest was given */
	char digest[UK_DIGEST_MAX]; /* "" when none */
};

/* Parses s; a reference without tag or digest gets tag "latest". */
int uk_ref_parse(const char *s, struct uk_ref *r, struct uk_error *err);
void uk_ref_free(struct uk_ref *r);

/* "host/repo:tag@digest" (only the parts present), malloc'd. */
char *uk_ref_string(const struct uk_ref *r);
/* "host/repo:tag" or "host/repo@digest": how the store tags a pull. */
char *uk_ref_store_name(const struct uk_ref *r);

/* $UK_REGISTRY, else docker.io. */
const char *uk_ref_default_registry(void);

/* 1 if s names a registry host explicitly (its first '/'-separated part is
 * a host), as component references in uk.yaml do. */
int uk_ref_names_registry(const char *s);

/* The host to talk to ("docker.io" is served by registry-1.docker.io). */
const char *uk_ref_api_host(const char *host);

/* 1 if plain HTTP is allowed without --insecure: localhost, 127.0.0.1,
 * [::1], with any port. */
int uk_ref_host_is_local(const char *host);

#endif
