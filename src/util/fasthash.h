/* A fast non-cryptographic 128-bit hash for cache keys (object cache,
 * link stamps): two XXH64 passes (the public xxHash specification) with
 * different seeds. It needs no library, so a no-op build never loads
 * libcrypto; OCI digests stay SHA-256 (store/digest.h). */
#ifndef UK_UTIL_FASTHASH_H
#define UK_UTIL_FASTHASH_H

#include <stddef.h>
#include <stdint.h>

#define UK_FASTHASH_HEX 33 /* 32 hex digits + NUL */

uint64_t uk_xxh64(const void *buf, size_t len, uint64_t seed);

/* 32 lowercase hex digits of the 128-bit hash of buf[0..len). */
void uk_fasthash_hex(const void *buf, size_t len, char out[UK_FASTHASH_HEX]);

/* A growing byte string to hash: key parts, each ended by a NUL, so that
 * ("ab","c") and ("a","bc") differ. */
struct uk_hashbuf {
	char *data;
	size_t len, cap;
};

void uk_hashbuf_add(struct uk_hashbuf *b, const void *p, size_t n);
void uk_hashbuf_str(struct uk_hashbuf *b, const char *s);
void uk_hashbuf_hex(struct uk_hashbuf *b, char out[UK_FASTHASH_HEX]);
void uk_hashbuf_free(struct uk_hashbuf *b);

/* The hash of a file's contents; -1 (errno set) when it cannot be read. */
int uk_fasthash_file(const char *path, char out[UK_FASTHASH_HEX]);

#endif
