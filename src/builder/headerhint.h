/* The fix for "HEADER: No such file or directory": the component in the
 * store whose include folders have HEADER, when the project does not use
 * it ("add lwip to 'libraries:' in uk.yaml"). */
#ifndef UK_BUILD_HEADERHINT_H
#define UK_BUILD_HEADERHINT_H

#include "builder/plan.h"
#include "store/store.h"

/* Sets the hint of each such compiler diagnostic in ds that has none, and
 * err's hint when err->msg (the first error) says that message. */
void uk_header_hints(struct uk_store *s, const struct uk_plan *p, struct uk_diags *ds,
		     struct uk_error *err);

#endif
