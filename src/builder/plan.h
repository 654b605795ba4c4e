/* The plan: everything a build needs, resolved before any work starts. */
#ifndef UK_BUILD_PLAN_H
#define UK_BUILD_PLAN_H

#include "manifest/manifest.h"
#include "builder/toolchain.h"
#include "store/store.h"
#include "util/error.h"

struct uk_plan_component {
	struct uk_store_component found; /* where it is, its digest */
	struct uk_component desc;        /* its component.yaml */
	char *ref;                       /* as the manifest named it */
};

struct uk_plan {
	struct uk_manifest man;
	struct uk_plan_component *comps; /* runtime, libraries, then what they require */
	size_t ncomps;
	struct uk_strv sources;          /* expanded globs, sorted, relative to man.dir */
	struct uk_strv cflags;           /* the whole compiler command after "cc" */
	char *entry;                     /* entry symbol (from the runtime) */
	char *libgcc;                    /* the compiler's runtime library, linked last */
	struct uk_toolchain tc;          /* the compiler (its answers cached) */
	char *cache_root;                /* $UK_HOME/cache */
	int lock_changed;                /* uk.lock must be rewritten */
};

/* Loads DIR/uk.yaml, resolves components through the store (honouring
 * uk.lock), expands sources. On an invalid manifest, diags hold every
 * problem and err->status is 2. */
int uk_plan_make(const char *dir, struct uk_store *store, struct uk_plan *p,
		 struct uk_diags *diags, struct uk_error *err);
void uk_plan_free(struct uk_plan *p);

/* Link inputs for one target, in link order: component objects, then the
 * given program objects, then component archives (common, platform), then
 * the compiler's runtime library (libgcc: __udivti3 and the like), as gcc
 * links it after libc. */
void uk_plan_link_inputs(const struct uk_plan *p, enum uk_target t,
			 const struct uk_strv *objects, struct uk_strv *inputs);
/* GC roots named by components' keep lists, and the components' link_if
 * rules, "ANCHOR=SYMBOL" (uk_link_opts.link_if): the plan's own strings,
 * not copies (valid while the plan is), in an array with room for `room`
 * more (malloc'd: free the array alone); *n is how many were put in. A
 * relink copied and freed SQLite's 365 link_if rules one by one. */
const char **uk_plan_keep(const struct uk_plan *p, size_t room, size_t *n);
const char **uk_plan_link_if(const struct uk_plan *p, size_t *n);

#endif
