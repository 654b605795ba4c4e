/* Linking one target's image, skipped when nothing it depends on changed. */
#ifndef UK_BUILD_LINKSTEP_H
#define UK_BUILD_LINKSTEP_H

#include <stdint.h>

#include "builder/plan.h"
#include "util/error.h"

/* The image's debug file (builder/debugfile.h): made later from a
 * recipe (the default), at link time (uk build --debug), or never
 * (--no-debug: no recipe either). An old one goes at every relink. */
enum uk_debug_mode { UK_DEBUG_RECIPE, UK_DEBUG_NOW, UK_DEBUG_NONE };

struct uk_linkstep {
	const struct uk_plan *plan;
	enum uk_target target;
	const struct uk_strv *objects; /* the program's objects */
	const char *output, *report;
	const char *debug;             /* the .debug file beside the image */
	enum uk_debug_mode debug_mode;
	const char *linker;            /* "uk" (NULL) or "bfd" */
	const char *why;               /* uk build --why SYMBOL, or NULL */
	struct uk_diags *diags;        /* a failed link's problems go here (may be NULL) */
	/* the link as the `uk link` command that does the same (--verbose) */
	void (*command)(void *ctx, char *const argv[]);
	void *command_ctx;
	/* results */
	uint64_t file_bytes, load_bytes, removed_bytes;
	int relinked;
	char *why_text;                /* --why's answer, inputs by name (malloc'd) */
};

int uk_linkstep_run(struct uk_linkstep *ls, struct uk_error *err);

#endif
