/* The host C compiler that builds users' sources: $CC, default gcc. */
#ifndef UK_BUILD_TOOLCHAIN_H
#define UK_BUILD_TOOLCHAIN_H

#include "util/error.h"

const char *uk_toolchain_cc(void);

/* The compiler's own header folder (stddef.h, cpuid.h, immintrin.h), which
 * -nostdinc leaves out. Caller frees. */
char *uk_toolchain_include_dir(struct uk_error *err);
/* The compiler's runtime library ($CC -print-libgcc-file-name). GCC keeps
 * it beside its include folder, which is tried first to save a spawn. */
char *uk_toolchain_libgcc(const char *include_dir, struct uk_error *err);

#endif
