/* uk.lock: the digest each component reference resolved to, so later builds
 * (and other machines) use exactly the same components. JSON:
 *   {"lockVersion": 1, "components": {"uk-runtime": {"name": ..., "version": ...,
 *    "digest": "sha256:..."}}} */
#ifndef UK_BUILD_LOCK_H
#define UK_BUILD_LOCK_H

#include <stddef.h>

#include "util/error.h"

struct uk_lock_entry {
	char *ref, *name, *version, *digest;
};

struct uk_lock {
	struct uk_lock_entry *v;
	size_t n;
};

/* A missing file is an empty lock; a broken one is an error naming it. */
int uk_lock_load(const char *path, struct uk_lock *l, struct uk_error *err);
int uk_lock_save(const char *path, const struct uk_lock *l, struct uk_error *err);
const struct uk_lock_entry *uk_lock_find(const struct uk_lock *l, const char *ref);
void uk_lock_set(struct uk_lock *l, const char *ref, const char *name,
		 const char *version, const char *digest);
void uk_lock_free(struct uk_lock *l);

#endif
