/* The local store: an OCI image layout (oci-layout, index.json,
 * blobs/sha256/) holding components and images. Two roots are searched: the
 * user's ($UK_HOME, default ~/.local/share/uk, writable) and the built-in one
 * that `make` builds and `make install` installs (read-only). */
#ifndef UK_STORE_STORE_H
#define UK_STORE_STORE_H

#include <stddef.h>

#include "util/error.h"

#define UK_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL */

struct uk_store {
	char *user_root;    /* $UK_HOME or ~/.local/share/uk */
	char *builtin_root; /* $UK_BUILTIN_STORE, or found beside the uk binary */
};

/* A component found in a store, unpacked and ready to use. */
struct uk_store_component {
	char *name, *version;
	char digest[UK_DIGEST_MAX]; /* manifest digest */
	char *dir;                  /* unpacked folder holding component.yaml */
	const char *root;           /* which store root it came from */
};

struct uk_store_entry {
	char *ref;      /* "uk-runtime:0.1.0" */
	char *kind;     /* "component" or "image" */
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
	const char *root;
};

int uk_store_open(struct uk_store *s, struct uk_error *err);
void uk_store_close(struct uk_store *s);

/* Finds "NAME" or "NAME:VERSION" (user store first, then built-in). With a
 * pinned digest (from uk.lock), only that digest is accepted. On a miss,
 * err says where it looked and how to get the component. A reference
 * naming a registry (host/repo:tag) goes to the hook below. */
int uk_store_find_component(struct uk_store *s, const char *ref,
			    const char *pinned_digest,
			    struct uk_store_component *out, struct uk_error *err);
void uk_store_component_free(struct uk_store_component *c);

/* Components named by registry reference are the registry's to find (it
 * pulls them into the user store): it installs this hook at start-up
 * (uk_registry_attach), so that the store never calls into the registry.
 * The hook returns 1 for a reference that names no registry, which the
 * store then looks for itself; without a hook, every reference is. */
typedef int (*uk_store_remote_fn)(struct uk_store *s, const char *ref,
				  const char *pinned_digest,
				  struct uk_store_component *out,
				  struct uk_error *err);
void uk_store_set_remote(uk_store_remote_fn fn);

/* Packs a component folder (component.yaml, lib/, include/) into the layout
 * at root as a reproducible OCI artifact, tagged NAME:VERSION. */
int uk_store_add_component(const char *root, const char *dir,
			   char digest_out[UK_DIGEST_MAX], struct uk_error *err);

/* Everything both roots hold; caller frees with uk_store_entries_free. */
int uk_store_list(struct uk_store *s, struct uk_store_entry **out, size_t *n,
		  struct uk_error *err);
void uk_store_entries_free(struct uk_store_entry *e, size_t n);

/* Component artifacts: the manifest's artifactType and the config blob's
 * media type. The config is JSON with sorted keys: name, version, and every
 * field of component.yaml (see uk-pkg(1)). */
#define UK_COMPONENT_ARTIFACT "application/vnd.uk.component.v1"
#define UK_COMPONENT_CONFIG "application/vnd.uk.component.config.v1+json"

/* The config blob of a component: compact JSON, sorted keys, malloc'd. */
struct uk_component;
char *uk_store_component_config(const struct uk_component *c);

/* Like uk_store_add_component, and fills out (name, version, digest, the
 * unpacked folder; out->root points at root). */
int uk_store_pack_component(const char *root, const char *dir,
			    struct uk_store_component *out,
			    struct uk_error *err);

/* Unpacks the component whose manifest digest is given, read from the
 * layout at root (everything verified), into
 * <dest_root>/unpacked/<hex of digest>/ unless it is already there;
 * *dir_out (malloc'd) is that folder. */
int uk_store_unpack(const char *root, const char *digest, long long size,
		    const char *dest_root, char **dir_out,
		    struct uk_error *err);

/* Removes, under the store lock, blobs and unpacked folders that no tagged
 * entry of index.json reaches (nor, for unpacked folders, a tagged entry
 * of the built-in store, which may be NULL), temporary files older than an
 * hour, and uk push's caches about removed blobs. */
struct uk_gc_stats {
	unsigned blobs, dirs, tmp;
	unsigned long long bytes;
};
int uk_store_gc(const char *root, const char *builtin, struct uk_gc_stats *st,
		struct uk_error *err);

/* Orders versions the semver way: numeric fields compared as numbers,
 * "1.0.0-rc1" < "1.0.0"; <0, 0 or >0. */
int uk_store_version_cmp(const char *a, const char *b);

#endif
