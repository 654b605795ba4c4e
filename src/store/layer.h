/* Layers: reproducible tar+gzip (libarchive) from a folder, and the reverse,
 * checked against the layer's digest while it is read. */
#ifndef UK_STORE_LAYER_H
#define UK_STORE_LAYER_H

#include <stddef.h>

#include "store/digest.h"
#include "util/error.h"

/* Packs the files and folders named by paths (relative to dir; folders are
 * walked, symlinks followed) into a tar+gzip in a malloc'd buffer. The bytes
 * depend only on the paths and contents: entries sorted by name, every mtime
 * set to mtime, uid/gid 0 without names, mode 0755 for folders and
 * executables else 0644, gzip without file name or timestamp. */
int uk_layer_pack(const char *dir, const char *const *paths, size_t npaths,
		  long long mtime, void **out, size_t *len,
		  struct uk_error *err);

/* Unpacks the tar+gzip (or plain tar) read from fd into the existing, empty folder dest.
 * Only regular files and folders with relative paths free of ".." are
 * accepted (an error names the first other entry and what it is), and they
 * may unpack to at most 100 times size bytes (64 MiB always, 16 GiB at
 * most). The bytes read are hashed: unless they are exactly size bytes
 * with the given digest, it fails (dest may then hold partial output, which
 * the caller removes). */
int uk_layer_unpack_fd(int fd, const char *dest, const char *digest,
		       unsigned long long size, struct uk_error *err);

/* The same checks, writing nothing: a pull refuses a layer that uk could
 * not unpack. */
int uk_layer_check_fd(int fd, const char *digest, unsigned long long size,
		      struct uk_error *err);

/* The same, but the digest is not computed: for bytes whose digest the
 * caller checks itself (uk pull's download hashes what it hands on). */
int uk_layer_check_fd_unhashed(int fd, const char *digest, unsigned long long size,
			       struct uk_error *err);

#endif
