/* The image's own files (uk.yaml `files:`), as `uk build` packs them into
 * section `uk_files` of the kernel (read-only, loaded; the runtime finds it
 * through __start_uk_files/__stop_uk_files) and the runtime mounts them
 * read-only at `/`. Little-endian, every offset from the start of the
 * header, every field checked by the runtime before use (a bad image is
 * refused with a message, never followed).
 *
 *   header | entries[count] | names (NUL-terminated) | data (8-aligned)
 *
 * Entries are sorted by path (byte order) and every directory on a path
 * has an entry of its own before its children; the root is not listed.
 * Paths are relative ("etc/app.conf"): no leading '/', no empty, "." or
 * ".." component. A regular file's data is its bytes, a symlink's data is
 * its target (no NUL); a directory has none. */
#ifndef UK_IMAGEFS_H
#define UK_IMAGEFS_H

#include <stdint.h>

#define UK_IMAGEFS_MAGIC   "UKFILES1" /* 8 bytes, no NUL */
#define UK_IMAGEFS_VERSION 1
#define UK_IMAGEFS_SECTION "uk_files"

struct uk_imagefs_header {
	char magic[8];
	uint32_t version;
	uint32_t count;       /* entries */
	uint64_t size;        /* bytes of the whole blob, header included */
	uint64_t entries_off; /* = sizeof(header) */
	uint64_t names_off;
	uint64_t data_off;
};

struct uk_imagefs_entry {
	uint32_t name_off;  /* from names_off: the path, NUL-terminated */
	uint32_t mode;      /* S_IFREG/S_IFDIR/S_IFLNK | permission bits */
	uint32_t uid, gid;  /* 0 0 as packed by uk build */
	uint64_t mtime;     /* seconds: SOURCE_DATE_EPOCH or 0 */
	uint64_t data_off;  /* from the start of the header */
	uint64_t size;      /* bytes of data */
};

_Static_assert(sizeof(struct uk_imagefs_header) == 48, "imagefs header");
_Static_assert(sizeof(struct uk_imagefs_entry) == 40, "imagefs entry");

#endif
