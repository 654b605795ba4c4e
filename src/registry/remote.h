/* Moving artifacts between the local store and a registry: push a tree
 * (index -> manifests -> config and layers) from a layout, and pull one into
 * the user store (uk_store_gc, which drops what nothing references, is the
 * store's own). */
#ifndef UK_REGISTRY_REMOTE_H
#define UK_REGISTRY_REMOTE_H

#include "registry/client.h"
#include "store/store.h"

/* Pushes the manifest or index digest (read from the layout at root) and
 * everything it references, children before parents, then tags it as tag
 * (NULL: by digest only). Blobs the registry has are skipped; with
 * mount_from, missing ones are first mounted from that repository. */
int uk_push_tree(struct uk_client *c, const char *root, const char *media_type,
		 const char *digest, unsigned long long size, const char *tag,
		 const char *mount_from, struct uk_error *err);

struct uk_pulled {
	char *name;       /* how the store tags it: host/repo:tag or host/repo@digest */
	char *media_type;
	char *artifact_type; /* NULL for images */
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
	unsigned blobs_fetched, blobs_present;
};

/* Fetches r into the layout at root: every manifest and blob digest is
 * checked, blobs land in temporary files that are renamed, and only once
 * all are complete are they committed and tagged in one locked step (an
 * interrupted or failed pull tags nothing). With r->digest, that digest
 * is fetched and must match. */
int uk_pull(struct uk_client *c, const struct uk_ref *r, const char *root,
	    struct uk_pulled *out, struct uk_error *err);
void uk_pulled_free(struct uk_pulled *p);

/* Finds a component named by registry reference (host/repo:tag), pulling
 * it into the user store when missing (or when the pinned digest is not
 * there), and unpacks it. */
int uk_store_find_remote(struct uk_store *s, const char *ref,
			 const char *pinned_digest,
			 struct uk_store_component *out, struct uk_error *err);

/* Makes uk_store_find_component hand registry references to
 * uk_store_find_remote (uk_store_set_remote); uk's main calls it once. */
void uk_registry_attach(void);

#endif
