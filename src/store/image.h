/* Built images as OCI artifacts: an image index with one manifest per
 * target, each with an image config (amd64, linux, rootfs.diff_ids, Cmd,
 * Env) and one reproducible tar layer (gzipped, unless the kernel does not
 * compress: image_layer.c) holding unikernel/NAME and its metadata
 * unikernel/NAME.json, annotated for urunc. */
#ifndef UK_STORE_IMAGE_H
#define UK_STORE_IMAGE_H

#include <stddef.h>

#include "store/digest.h"
#include "util/error.h"

#define UK_MT_IMAGE_CONFIG "application/vnd.oci.image.config.v1+json"
#define UK_ANNOT_TARGET "dev.uk.target"
#define UK_ANNOT_UK_VERSION "dev.uk.version"
#define UK_ANNOT_RUNTIME_VERSION "dev.uk.runtime.version"
#define UK_ANNOT_MEMORY "dev.uk.memory"
#define UK_URUNC_BINARY "com.urunc.unikernel.binary"
#define UK_URUNC_CMDLINE "com.urunc.unikernel.cmdline"
#define UK_URUNC_HYPERVISOR "com.urunc.unikernel.hypervisor"
#define UK_URUNC_TYPE "com.urunc.unikernel.unikernelType"
/* urunc knows unikraft, rumprun, mirage, hermit, linux...; uk images are
 * PVH kernels taking "uk.*" options, so they carry their own type. */
#define UK_URUNC_TYPE_VALUE "uk"

/* Where a layer goes while it is packed (uk push streams it to a
 * registry): begin is called as packing starts (while the tar is made),
 * member with each gzip member (or UK_GZIP_MEMBER bytes of plain tar) of
 * the layer in order, as soon as it is made, then with buf NULL once
 * there are no more (also after a failure; the bytes handed over are
 * valid until that call returns, so a sink that sends them from another
 * thread waits for it there), and end with the layer's digest and size
 * once all are (NULL when packing failed). None can fail the packing:
 * the sink keeps its own errors. The layer of a kernel of at most min bytes is made whole first
 * and not handed on. */
struct uk_layer_sink {
	void (*begin)(void *ctx);
	void (*member)(void *ctx, const void *buf, size_t n);
	void (*end)(void *ctx, const char *digest, unsigned long long size);
	void *ctx;
	size_t min;
};

/* Writes the artifact for the built images (paths of kernels with their
 * .json metadata) into the layout at root, untagged; digest and size name
 * the index. Same images, same bytes, same digests. Each layer packed
 * (not found in uk's layer cache) also goes to sink, unless it is NULL. */
int uk_image_pack(const char *root, const char *const *images, size_t n,
		  const struct uk_layer_sink *sink, char digest[UK_DIGEST_MAX],
		  unsigned long long *size, struct uk_error *err);

/* The layer of one image (see image_layer.c), put into the layout at root
 * as uk_layout_put_blob_later does (published at exit at the latest) and
 * handed to sink (may be NULL) as it is made: its digest and size, and the
 * digest of its tar (the config's diff_id). */
int uk_image_layer(const char *root, const char *image, const char *name,
		   long long mtime, const struct uk_layer_sink *sink,
		   char layer[UK_DIGEST_MAX], size_t *len, char diff[UK_DIGEST_MAX],
		   struct uk_error *err);

/* For `uk run REF`: the image tagged ref in the layout at root, its
 * manifest for target (NULL: kvm, else the first), unpacked once per
 * manifest digest into <root>/unpacked/<hex>/; *kernel is the kernel's
 * path there (its .json metadata beside it). Returns 1 (and sets
 * nothing) when root holds no such ref. */
int uk_image_resolve(const char *root, const char *ref, const char *target,
		     char **kernel, struct uk_error *err);

#endif
