/* uk build --cache REF: the object cache shared through an OCI repository
 * (REF is HOST/REPO, no tag), so that CI runners share what they compile.
 * Each entry is an OCI image manifest tagged by its key, with one layer:
 *   d-<source key>   the dependency list (build/compile.c)
 *   o-<object key>   the object; the compiler's warnings making it, if
 *                    any, in the manifest's dev.uk.cache.messages annotation
 * A miss compiles. A registry that is down, answers an error, is slower
 * than $UK_CACHE_TIMEOUT seconds (default 5) for one request, or sends a
 * blob whose digest is wrong is given up for the rest of the build after
 * one notice: the build compiles instead and never fails for it. */
#ifndef UK_BUILD_REMOTECACHE_H
#define UK_BUILD_REMOTECACHE_H

#include "builder/compile.h"
#include "util/error.h"

struct uk_remotecache;

/* NULL with err (status 2) for a malformed REF; nothing is contacted yet.
 * notice gets the one line said when the registry is given up. */
struct uk_remotecache *uk_remotecache_open(const char *ref,
					   void (*notice)(void *ctx, const char *msg),
					   void *ctx, struct uk_error *err);
/* The hooks uk_compile calls (build/compile.h). */
void uk_remotecache_hooks(struct uk_remotecache *rc, struct uk_compile_remote *out);
/* Objects pushed, found; and whether it was given up. */
void uk_remotecache_counts(const struct uk_remotecache *rc, unsigned *pushed,
			   unsigned *found, int *gave_up);
void uk_remotecache_close(struct uk_remotecache *rc);

#endif
