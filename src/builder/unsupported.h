/* uk build's warning for a program that links a C library function whose
 * system calls the runtime lacks, from the runtime component's
 * lib/unsupported.txt (runtime/nosys/gen.sh): one line a function,
 * "FUNCTION CALL...". */
#ifndef UK_BUILD_UNSUPPORTED_H
#define UK_BUILD_UNSUPPORTED_H

#include <stdio.h>

#include "builder/plan.h"

/* Writes to out, for each source whose object refers to such a function,
 * "warning: SRC uses FUNC(), which uk-runtime does not provide" (or "...,
 * whose system calls A(), B() uk-runtime does not provide" when the calls
 * are not the function's own name); returns how many lines. */
int uk_unsupported_warn(const struct uk_plan *p, const struct uk_strv *objects, FILE *out);

#endif
