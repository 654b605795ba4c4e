/* The compile driver: parallel compiler jobs, dependency files, and a
 * content-hash cache so an unchanged source is never compiled twice. */
#ifndef UK_BUILD_COMPILE_H
#define UK_BUILD_COMPILE_H

#include <stddef.h>

#include "manifest/manifest.h"
#include "util/error.h"

struct uk_compile_opts {
	const char *project_dir;      /* the compiler runs here; sources are relative to it */
	const char *cache_dir;        /* holds deps/ and obj/ */
	const struct uk_strv *sources;
	const struct uk_strv *cflags;
	unsigned jobs;                /* at least 1 */
	void (*progress)(void *ctx, const char *fmt, ...);
	void *progress_ctx;
};

struct uk_compile_result {
	struct uk_strv objects;       /* one per source, same order */
	size_t compiled, cached;
};

/* A compiler error leaves the compiler's own messages on stderr and returns
 * -1 with err naming the source. */
int uk_compile(const struct uk_compile_opts *o, struct uk_compile_result *r,
	       struct uk_error *err);
void uk_compile_result_free(struct uk_compile_result *r);

/* The dependency list of a make-style .d file (escaped spaces handled).
 * Exposed for tests. */
int uk_depfile_parse(const char *text, struct uk_strv *deps);

#endif
