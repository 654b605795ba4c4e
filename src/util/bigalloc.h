/* Buffers of many MiB (a layer's tar and gzip) in 2 MiB pages where the
 * kernel offers them (transparent huge pages on madvise): one fault per
 * 2 MiB instead of 512. The result is freed with free(). */
#ifndef UK_UTIL_BIGALLOC_H
#define UK_UTIL_BIGALLOC_H

#include <stddef.h>

void *uk_big_alloc(size_t n);

#endif
