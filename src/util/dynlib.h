/* Loading a shared library when it is first needed. uk links libcurl and
 * libarchive this way: loading them (and their dozens of dependencies) at
 * start-up costs about 9 ms, more than a whole `uk link` of hello, and most
 * commands never use them. */
#ifndef UK_UTIL_DYNLIB_H
#define UK_UTIL_DYNLIB_H

#include <stddef.h>

#include "util/error.h"

/* Opens the first loadable of sonames and fills slots[i] with names[i].
 * On failure err names the library and the Debian package to install. */
int uk_dynlib_bind(const char *const *sonames, const char *package,
		   const char *const *names, void **slots, size_t n,
		   struct uk_error *err);

#endif
