/* The object cache shared by every project of a user: $UK_HOME/cache.
 *   obj/XX/KEY.o   compiled objects by object key
 *   man/XX/KEY     the project files a source read (its dependency list),
 *                  by the source's own key, so that an object key can be
 *                  computed without compiling
 *   msg/XX/KEY     what the compiler said (warnings) making object KEY,
 *                  replayed when the object comes from the cache
 *   cc/            the compiler's answers (build/toolchain.h)
 *   size           bytes held, kept under the lock; lock, tmp/
 * Entries appear by rename, so a reader never sees half of one, and two
 * builds at once at worst compile the same source twice. The size is
 * bounded ($UK_CACHE_SIZE, default 2G): when a build pushes it over, the
 * entries used least recently go (a hit refreshes an entry's mtime once
 * an hour). Builds hard-link the objects they use into their own folder,
 * so an eviction never pulls one from under a link in progress. */
#ifndef UK_BUILD_OBJCACHE_H
#define UK_BUILD_OBJCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct uk_objcache {
	char *root;     /* $UK_HOME/cache */
	uint64_t added; /* bytes stored by this process, not yet accounted */
	unsigned seq;   /* temporary file names */
};

/* Creates the folders when needed. */
int uk_objcache_open(struct uk_objcache *c, const char *user_root, struct uk_error *err);
/* Adds what this process stored to the size and trims to the bound. */
void uk_objcache_close(struct uk_objcache *c);

/* The path of the object KEY when the cache holds it, else NULL. */
char *uk_objcache_obj(struct uk_objcache *c, const char *key);
/* Moves the file tmp (on any file system) to be the object KEY; returns
 * its path, or NULL (tmp is left) when it cannot. */
char *uk_objcache_put_obj(struct uk_objcache *c, const char *key, const char *tmp);
/* Stores buf[0..len) as the object KEY. */
char *uk_objcache_put_obj_buf(struct uk_objcache *c, const char *key, const void *buf,
			      size_t len);

/* The dependency list stored for source key KEY (malloc'd), or NULL. */
char *uk_objcache_deps(struct uk_objcache *c, const char *key);
void uk_objcache_put_deps(struct uk_objcache *c, const char *key, const char *text);

/* The compiler's messages stored with object KEY (malloc'd), or NULL. */
char *uk_objcache_msgs(struct uk_objcache *c, const char *key);
void uk_objcache_put_msgs(struct uk_objcache *c, const char *key, const char *text);

/* A fresh temporary path inside the cache (for the compiler's output). */
char *uk_objcache_tmp(struct uk_objcache *c, const char *ext);

/* The bound: $UK_CACHE_SIZE (digits with K, M or G), default 2 GiB. */
uint64_t uk_objcache_limit(void);

struct uk_objcache_stats {
	unsigned entries;  /* entries removed */
	uint64_t bytes;    /* their bytes */
	uint64_t kept;     /* bytes left */
};

/* Removes the least recently used entries until at most limit bytes are
 * left, and temporary files older than an hour. Holds the lock. */
int uk_objcache_trim(const char *root, uint64_t limit, struct uk_objcache_stats *st,
		     struct uk_error *err);
/* uk gc: trims $UK_HOME/cache to its bound. A missing cache is empty. */
int uk_objcache_gc(const char *user_root, struct uk_objcache_stats *st,
		   struct uk_error *err);

#endif
