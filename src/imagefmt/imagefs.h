/* The image's own files (uk.yaml files: and zoneinfo:) as section uk_files
 * of the kernel. The layout is runtime/include/uk/imagefs.h's, which host
 * code does not include: it is mirrored here, and tests/unit/test_imagefs.c
 * compiles both and checks they agree.
 *
 *   header | entries[count] | names (NUL-terminated) | data (8-aligned)
 *
 * Little-endian. Entries sorted by path (byte order), every directory on a
 * path listed before its children, the root not listed, paths relative
 * ("etc/app.conf"). A file's data is its bytes, a symlink's its target.
 * uk build's object also defines the global symbol uk_files over the blob
 * (src/imagefmt/secobj.h), which a runtime's link_if rule can name. */
#ifndef UK_IMAGEFMT_IMAGEFS_H
#define UK_IMAGEFMT_IMAGEFS_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define UKF_MAGIC   "UKFILES1" /* 8 bytes, no NUL */
#define UKF_VERSION 1
#define UKF_SECTION "uk_files"

struct ukf_header {
	char magic[8];
	uint32_t version;
	uint32_t count;
	uint64_t size;        /* the whole blob, header included */
	uint64_t entries_off; /* = sizeof(header) */
	uint64_t names_off;
	uint64_t data_off;
};

struct ukf_entry {
	uint32_t name_off;    /* from names_off */
	uint32_t mode;        /* S_IFREG/S_IFDIR/S_IFLNK | permission bits */
	uint32_t uid, gid;
	uint64_t mtime;
	uint64_t data_off;    /* from the start of the header */
	uint64_t size;
};

_Static_assert(sizeof(struct ukf_header) == 48, "imagefs header");
_Static_assert(sizeof(struct ukf_entry) == 40, "imagefs entry");

/* One thing to pack: a regular file, a folder or a symlink. */
struct ukf_item {
	char *path;           /* relative and clean: "srv/www/index.html" */
	uint32_t mode;        /* S_IF* | permission bits (07777 at most) */
	unsigned char *data;  /* file bytes or symlink target; NULL for a folder */
	size_t size;
};

/* Packs items[0..n) (any order) into a new blob: sorted, the folders above
 * each path added (mode 0755) where the items do not list them, owner 0:0,
 * every mtime the given one. Fails on a path given twice or one below a
 * non-folder. The items are left as they are. */
int ukf_pack(const struct ukf_item *items, size_t n, uint64_t mtime,
	     unsigned char **blob, size_t *len, struct uk_error *err);

/* A listing of a blob read back, every offset checked against len. */
struct ukf_listed {
	const char *path;     /* points into the blob */
	const unsigned char *data; /* size bytes in the blob (a symlink's target) */
	uint32_t mode;
	uint64_t size, mtime;
	uint32_t uid, gid;
};
int ukf_list(const unsigned char *blob, size_t len, struct ukf_listed **out,
	     size_t *n, struct uk_error *err);

/* The files packed into a kernel ELF: its section uk_files, listed. */
struct ukf_image {
	unsigned char *file;  /* the whole kernel */
	size_t file_len;
	uint64_t section_bytes; /* 0 when the image has no files */
	uint64_t data_bytes;    /* files' and symlinks' bytes */
	struct ukf_listed *v;
	size_t n;
};
/* Reads path; an image without section uk_files gives n == 0. */
int ukf_image_load(const char *path, struct ukf_image *im, struct uk_error *err);
/* The same, over an ELF already in memory (for tests); keeps buf. */
int ukf_image_parse(const unsigned char *buf, size_t len, const char *name,
		    struct ukf_image *im, struct uk_error *err);
void ukf_image_free(struct ukf_image *im);

#endif
