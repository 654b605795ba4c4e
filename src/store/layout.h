/* An OCI image layout on disk (OCI Image Spec v1.1): `oci-layout`,
 * `index.json` and `blobs/sha256/<hex>`. Blobs are written to a temporary
 * file and renamed once their digest is known; index.json is rewritten
 * atomically under flock(<root>/.lock); every read is checked (digest and
 * size of blobs, shape of JSON documents). */
#ifndef UK_STORE_LAYOUT_H
#define UK_STORE_LAYOUT_H

#include <jansson.h>
#include <stddef.h>

#include "store/digest.h"
#include "util/error.h"

#define UK_MT_INDEX "application/vnd.oci.image.index.v1+json"
#define UK_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define UK_MT_LAYER_TGZ "application/vnd.oci.image.layer.v1.tar+gzip"
/* an image layer uk does not compress: its digest is its diff_id */
#define UK_MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define UK_ANNOT_REF "org.opencontainers.image.ref.name"

/* Largest index.json, manifest or config read into memory. */
#define UK_LAYOUT_DOC_MAX (16u << 20)

/* 1 if root holds an oci-layout file. */
int uk_layout_present(const char *root);

/* Creates root (and parents), blobs/sha256, oci-layout and an empty
 * index.json, whichever are missing. */
int uk_layout_init(const char *root, struct uk_error *err);

/* Atomically replaces <root>/<name> (temp file in <root>/.tmp, fsync,
 * rename, fsync of the folder); errors name <root>/<name>. */
int uk_layout_write_file(const char *root, const char *name, const void *buf,
			 size_t len, struct uk_error *err);

/* "<root>/blobs/sha256/<hex>", malloc'd; NULL if digest is invalid. */
char *uk_layout_blob_path(const char *root, const char *digest);

/* 1 if the layout at root holds blob digest as a regular file of size
 * bytes (its content is checked when it is read). */
int uk_layout_has_blob(const char *root, const char *digest,
		       unsigned long long size);

/* Stores buf as a blob; digest_out gets its digest. An existing blob with
 * that digest is kept if its content is right, replaced otherwise. */
int uk_layout_put_blob(const char *root, const void *buf, size_t len,
		       char digest_out[UK_DIGEST_MAX], struct uk_error *err);

/* The same, except that a blob of 1 MiB or more is not synced and published
 * at once: it stays in a temporary file whose write-back has started,
 * uk_layout_open_blob reads it from there, and uk_layout_publish (at the
 * latest when the process exits) syncs it and gives it its name. uk push
 * packs its layer so: the sync runs while the layer is uploaded. Other
 * processes see the blob once it is published; one that never is (uk
 * killed) is a temporary file uk removes or gc drops, and a failure leaves
 * it out of the store, which packs it again next time. */
int uk_layout_put_blob_later(const char *root, const void *buf, size_t len,
			     char digest_out[UK_DIGEST_MAX], struct uk_error *err);
/* Publishes what uk_layout_put_blob_later left; -1 (err for the first
 * failure) if a blob could not be synced or named, after trying them all. */
int uk_layout_publish(struct uk_error *err);

/* Blobs committed between these two have their folder synced once, at the
 * end (not after each one): a caller names them (a tag) only after the end.
 * They nest. */
void uk_layout_batch_begin(void);
void uk_layout_batch_end(void);

/* A blob written piecewise (e.g. from the network), hashed as it is
 * written, and published by commit only if it has the expected digest. */
struct uk_blob_writer {
	int fd, cleanup; /* cleanup: util/cleanup.h handle of tmp */
	char *tmp, *root;
	struct uk_sha256 h;
	unsigned long long kicked; /* written back up to here (h.size: written) */
};
int uk_blob_writer_open(struct uk_blob_writer *w, const char *root,
			struct uk_error *err);
int uk_blob_writer_write(struct uk_blob_writer *w, const void *buf,
			 size_t len, struct uk_error *err);
/* expect may be NULL (accept any digest); digest_out may be NULL. The
 * writer is closed either way. */
int uk_blob_writer_commit(struct uk_blob_writer *w, const char *expect,
			  char digest_out[UK_DIGEST_MAX], struct uk_error *err);
void uk_blob_writer_abort(struct uk_blob_writer *w);
/* Commits what w holds under the digest of its bytes as
 * uk_layout_put_blob_later does: write-back started, synced and named by
 * uk_layout_publish. */
int uk_blob_writer_commit_later(struct uk_blob_writer *w,
				char digest_out[UK_DIGEST_MAX], struct uk_error *err);
/* Reads back what w holds as the tar or tar+gzip layer digest of size bytes and
 * walks it as uk would unpack it (store/layer.h's checks), writing
 * nothing: a pull refuses a layer uk could not use before committing it. */
int uk_blob_writer_check_layer(const struct uk_blob_writer *w,
			       const char *digest, unsigned long long size,
			       struct uk_error *err);

/* Reads a whole blob (at most max bytes) into a malloc'd, NUL-terminated
 * buffer, checking its size (unless size is -1) and digest. */
int uk_layout_read_blob(const char *root, const char *digest, long long size,
			size_t max, char **buf, size_t *len,
			struct uk_error *err);

/* Opens a blob for streaming; the reader must check the digest itself.
 * Returns an fd, or -1 with err set. */
int uk_layout_open_blob(const char *root, const char *digest,
			struct uk_error *err);

/* A descriptor: checks shape (mediaType, digest, size, optional
 * artifactType and annotations of strings). On a bad one, why says what is
 * wrong and -1 is returned. */
struct uk_descriptor {
	const char *media_type, *artifact_type; /* borrowed from the JSON */
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
	json_t *annotations; /* borrowed, may be NULL */
};
int uk_descriptor_parse(json_t *j, struct uk_descriptor *d, char *why,
			size_t whylen);

/* The tagged entries of index.json (those with a ref.name annotation). A
 * root without a layout gives none. */
struct uk_layout_ref {
	char *ref;
	char *media_type;
	char *artifact_type; /* NULL if absent */
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
};
int uk_layout_refs(const char *root, struct uk_layout_ref **out, size_t *n,
		   struct uk_error *err);
void uk_layout_refs_free(struct uk_layout_ref *r, size_t n);

/* Points ref at a descriptor in index.json (replacing any entry with that
 * ref), under the store lock. artifact_type may be NULL. */
int uk_layout_tag(const char *root, const char *ref, const char *media_type,
		  const char *artifact_type, const char *digest,
		  unsigned long long size, struct uk_error *err);

/* Removes ref from index.json; 0 if removed, 1 if it was not there. */
int uk_layout_untag(const char *root, const char *ref, struct uk_error *err);

/* The same two for a caller holding uk_layout_lock(root). */
int uk_layout_tag_locked(const char *root, const char *ref,
			 const char *media_type, const char *artifact_type,
			 const char *digest, unsigned long long size,
			 struct uk_error *err);
int uk_layout_untag_locked(const char *root, const char *ref,
			   struct uk_error *err);

/* An image manifest read from the layout (digest and shape checked). */
struct uk_oci_manifest {
	json_t *json; /* owns everything below */
	const char *artifact_type; /* NULL if absent */
	struct uk_descriptor config;
	struct uk_descriptor *layers;
	size_t nlayers;
};
int uk_oci_manifest_read(const char *root, const char *digest,
			 long long size, struct uk_oci_manifest *m,
			 struct uk_error *err);
void uk_oci_manifest_free(struct uk_oci_manifest *m);

/* Holds flock(<root>/.lock) until uk_layout_unlock; returns an fd. */
int uk_layout_lock(const char *root, struct uk_error *err);
void uk_layout_unlock(int fd);

#endif
