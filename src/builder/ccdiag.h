/* The compiler's messages as data: gcc's (and clang's) text form,
 * "FILE:LINE:COL: error|warning|note: MSG", read back into diagnostics for
 * uk build --json. The text form is parsed rather than asking for
 * -fdiagnostics-format=json because the user still sees exactly what the
 * compiler wrote (source lines, carets, "In file included from"), which
 * gcc's JSON form would replace. */
#ifndef UK_BUILD_CCDIAG_H
#define UK_BUILD_CCDIAG_H

#include "manifest/manifest.h"

/* Appends one diagnostic for each message line of text (color escapes
 * ignored; context, source and caret lines skipped). A file under
 * project_dir (absolute, or NULL) is named relative to it, "./" dropped;
 * the driver's own messages ("cc1: fatal error: ...") have file NULL.
 * Returns how many of the added are errors. */
size_t uk_ccdiag_parse(const char *text, const char *project_dir, struct uk_diags *out);

/* text without its color escapes (malloc'd): a cached compile's messages
 * replayed where color is off. */
char *uk_ccdiag_plain(const char *text);

#endif
