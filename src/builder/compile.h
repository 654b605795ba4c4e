/* The compile driver: parallel compiler jobs, dependency files, and two
 * caches so that an unchanged source is never compiled twice: the shared
 * object cache of the user (build/objcache.h), which outlives `rm -rf
 * build` and serves every project, and the build folder's own records
 * (which object each source had, file hashes by stat) that make a no-op
 * build read no source at all. */
#ifndef UK_BUILD_COMPILE_H
#define UK_BUILD_COMPILE_H

#include <stddef.h>

#include "builder/objcache.h"
#include "manifest/manifest.h"
#include "util/error.h"

/* A folder whose files cannot change without its name changing (a
 * component unpacked by digest, the compiler's own headers): in keys it
 * is its label, and the files under it are not hashed. */
struct uk_compile_prefix {
	const char *dir, *label;
};

/* Where a cache miss may still find an object before compiling it (a
 * registry, build/remotecache.h); every call may fail quietly. */
struct uk_compile_remote {
	void *ctx;
	/* the dependency list (malloc'd text) for source key, or NULL */
	char *(*deps)(void *ctx, const char *key);
	/* the object bytes for object key, or -1; *msgs: what the compiler
	 * said making it (malloc'd), or NULL */
	int (*obj)(void *ctx, const char *key, char **data, size_t *len, char **msgs);
	/* what was compiled here, offered back (msgs NULL when it said nothing) */
	void (*put)(void *ctx, const char *src_key, const char *deps, const char *obj_key,
		    const char *obj_path, const char *msgs);
};

struct uk_compile_opts {
	const char *project_dir;      /* the compiler runs here; sources are relative to it */
	const char *cache_dir;        /* the build's own: deps/, obj/, stat */
	struct uk_objcache *shared;   /* NULL: only the build's own */
	const char *cc_id;            /* the compiler's identity (build/toolchain.h) */
	const struct uk_compile_prefix *prefixes;
	size_t nprefixes;
	const struct uk_compile_remote *remote; /* NULL: none */
	const struct uk_strv *sources;
	const struct uk_strv *cflags;
	unsigned jobs;                /* at least 1 */
	void (*progress)(void *ctx, const char *fmt, ...);
	/* each compiler command line, as it starts (uk build --verbose) */
	void (*command)(void *ctx, char *const argv[]);
	/* what the compiler wrote on stderr for one source, whole, when its
	 * job ends (failed: the source did not compile), so that parallel jobs'
	 * messages never mix; NULL: the compiler writes on our stderr itself */
	void (*output)(void *ctx, const char *text, int failed);
	struct uk_diags *diags;       /* with output: the compiler's diagnostics */
	int color;                    /* the compiler's messages in color */
	void *progress_ctx;
};

struct uk_compile_result {
	struct uk_strv objects;       /* one per source, same order */
	size_t compiled, cached;      /* cached: from any cache */
	size_t shared, remote;        /* of those: from the user's cache, from the remote */
	size_t hashed;                /* files whose contents were read to hash them */
};

/* A compiler error returns -1 with err naming the first error's file, line
 * and column (the compiler's own messages went to output, or stderr). */
int uk_compile(const struct uk_compile_opts *o, struct uk_compile_result *r,
	       struct uk_error *err);
void uk_compile_result_free(struct uk_compile_result *r);

/* The dependency list of a make-style .d file (escaped spaces handled).
 * Exposed for tests. */
int uk_depfile_parse(const char *text, struct uk_strv *deps);

#endif
