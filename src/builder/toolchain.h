/* The host C compiler that builds users' sources: $CC, default gcc. What
 * uk asks it (its header folder, its runtime library, its version) is
 * remembered in $UK_HOME/cache/cc/ under the compiler binary's identity
 * (path, size, inode, times), so a no-op build spawns nothing. */
#ifndef UK_BUILD_TOOLCHAIN_H
#define UK_BUILD_TOOLCHAIN_H

#include "util/error.h"
#include "util/fasthash.h"

const char *uk_toolchain_cc(void);

struct uk_toolchain {
	char *include_dir; /* stddef.h, cpuid.h, immintrin.h (-nostdinc leaves it out) */
	char *libgcc;      /* $CC -print-libgcc-file-name */
	/* what names the compiler in cache keys: the hash of its --version
	 * and -dumpmachine, the same on every machine with that compiler */
	char id[UK_FASTHASH_HEX];
};

/* cache_root: $UK_HOME/cache (NULL: ask the compiler every time). */
int uk_toolchain_probe(const char *cache_root, struct uk_toolchain *tc,
		       struct uk_error *err);
void uk_toolchain_free(struct uk_toolchain *tc);

#endif
