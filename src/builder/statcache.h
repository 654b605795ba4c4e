/* File contents' hashes remembered with what stat says of the file (size,
 * mtime, ctime, inode), so that a build hashes only files that changed:
 * a no-op build reads none of the sources. Kept per build folder in
 * CACHE/stat; losing it only costs hashing again. */
#ifndef UK_BUILD_STATCACHE_H
#define UK_BUILD_STATCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "util/fasthash.h"

struct uk_statcache_entry {
	char *path;
	uint64_t size, ino;
	int64_t mtime_ns, ctime_ns;
	char hash[UK_FASTHASH_HEX];
	int used;
	int racy; /* changed too recently to trust next time */
};

struct uk_statcache {
	char *file;
	struct uk_statcache_entry *v; /* open addressing on the path */
	size_t n, cap;
	int changed, file_read;
	uint64_t loaded; /* hash of the file as read, to skip writing it unchanged */
	size_t hashed; /* files read this time (tests, benches) */
};

/* Loads CACHE/stat (missing or broken: empty). */
void uk_statcache_load(struct uk_statcache *c, const char *cache_dir);
/* The hash of path's contents (relative paths are relative to dir, but
 * remembered as given); -1 when it cannot be read. */
int uk_statcache_hash(struct uk_statcache *c, const char *dir, const char *path,
		      char out[UK_FASTHASH_HEX]);
/* Writes the file back when something changed; errors are ignored (it is
 * only a cache). */
void uk_statcache_save(struct uk_statcache *c);
void uk_statcache_free(struct uk_statcache *c);

#endif
