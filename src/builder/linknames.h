/* The link's inputs named as the user knows them: a cached object as the
 * source it was compiled from (src/main.c), a component's object or archive
 * member as NAME:FILE (musl:printf.o), the compiler's library as
 * libgcc:MEMBER. Link errors and --why use these names, not cache paths. */
#ifndef UK_BUILD_LINKNAMES_H
#define UK_BUILD_LINKNAMES_H

#include "builder/plan.h"

struct uk_linknames {
	struct uk_strv paths, names; /* same length */
	struct uk_strv dirs, labels; /* folders whose files are LABEL:FILE */
};

/* objects: the program's, in plan->sources order (one more may follow:
 * the files: object). */
void uk_linknames_make(const struct uk_plan *p, const struct uk_strv *objects,
		       struct uk_linknames *n);
void uk_linknames_free(struct uk_linknames *n);

/* text with every input path in it (PATH or ARCHIVE(MEMBER)) replaced by
 * its name; malloc'd. */
char *uk_linknames_rewrite(const struct uk_linknames *n, const char *text);

#endif
