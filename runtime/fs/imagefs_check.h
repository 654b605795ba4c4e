/* The validator of the image's files (uk/imagefs.h): a pure function over
 * the bytes, so the host tests it on broken blobs (tests/runtime/unit.c). */
#ifndef UK_IMAGEFS_CHECK_H
#define UK_IMAGEFS_CHECK_H

#include <stdint.h>

#define UK_IMAGEFS_NO_ENTRY 0xffffffffu

/* 0 when the len bytes at blob (8-byte aligned) are a well-formed blob,
 * else what is wrong, and in *entry the index of the entry at fault (or
 * UK_IMAGEFS_NO_ENTRY). Nothing outside [blob, blob + len) is read. */
const char *uk_imagefs_check(const void *blob, uint64_t len, uint32_t *entry);

#endif
