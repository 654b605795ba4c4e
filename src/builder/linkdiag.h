/* A failed link said as the user's problem: "src/main.c: undefined
 * reference to 'frobnicate'" with what to change in uk.yaml, one
 * diagnostic each (uk build --json lists them), inputs by their names. */
#ifndef UK_BUILD_LINKDIAG_H
#define UK_BUILD_LINKDIAG_H

#include "builder/linknames.h"
#include "util/error.h"

/* text: the linker's error_text (a count line, then one problem a line),
 * or NULL (then err->msg alone is renamed). Appends to diags when given,
 * and sets err (status 1) to the first problem, "(and N more)". */
void uk_linkdiag(const struct uk_linknames *n, const char *text, struct uk_diags *diags,
		 struct uk_error *err);

#endif
