/* uk build's warning for a program that links a C library function whose
 * system calls the runtime lacks, from the runtime component's
 * lib/unsupported.txt (runtime/nosys/gen.sh): one line a function,
 * "FUNCTION CALL...". */
#ifndef UK_BUILD_UNSUPPORTED_H
#define UK_BUILD_UNSUPPORTED_H

#include "builder/plan.h"

/* Appends to out a warning (file SRC, no line) for each source whose object
 * refers to such a function, its message the whole sentence "SRC uses
 * FUNC(), which uk-runtime does not provide" (or "..., whose system calls
 * A(), B() uk-runtime does not provide" when the calls are not the
 * function's own name); returns how many. */
int uk_unsupported_warn(const struct uk_plan *p, const struct uk_strv *objects,
			struct uk_diags *out);

#endif
