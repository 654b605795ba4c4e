/* The image's own files: what uk.yaml's files: and zoneinfo: name, packed
 * into section uk_files (src/imagefmt/imagefs.h) of an object the link
 * step takes as one more input. */
#ifndef UK_BUILD_FILES_H
#define UK_BUILD_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"
#include "util/error.h"

struct uk_files_packed {
	char *object;   /* CACHE/files/<digest>.o, or NULL when there are no files */
	uint64_t bytes; /* the blob: the size of section uk_files */
	size_t count;   /* entries, folders included */
};

/* Reads every file the manifest names (folders recursively, symlinks
 * inside them kept when they point inside), packs them with mtimes from
 * SOURCE_DATE_EPOCH (else 0), and writes the object into cache_dir under
 * its content's digest: the same files give the same path, so the link
 * step relinks exactly when a file, its mode or its path changed. A
 * problem with what a folder holds is reported at the folder's line in
 * uk.yaml (status 2). */
int uk_files_pack(const struct uk_manifest *m, const char *cache_dir,
		  struct uk_files_packed *r, struct uk_error *err);
void uk_files_packed_free(struct uk_files_packed *r);

#endif
