/* gzip of a whole buffer with ISA-L's igzip (loaded on first use, like
 * libarchive: util/dynlib.h), about three times as fast as libdeflate's
 * fastest level here. Input longer than UK_GZIP_MEMBER is cut into
 * members of that many bytes (RFC 1952 allows a gzip file to be several
 * members; gzip, Go's compress/gzip, libarchive and Python read them all),
 * compressed by two threads. The cut depends only on the length, and
 * igzip's levels 0 to 2 give the same bytes with each of its SSE4.2, AVX,
 * AVX2 and AVX-512 code paths (tests/integration/gzip_cpus.sh), so the
 * output is the same bytes on every x86-64 machine from x86-64-v2 up and
 * every run. (Its level 3 differs between them, and so does its plain C
 * path, taken only on a CPU without SSE4.2.) */
#ifndef UK_UTIL_GZIP_H
#define UK_UTIL_GZIP_H

#include <stddef.h>

#include "util/error.h"

/* Small, so that a layer streamed as it is packed (uk push) has its first
 * bytes at the registry a few ms after packing starts and its last right
 * after packing ends; what it costs is lost in the noise (64 MiB of
 * QEMU's binary: 20,836,313 bytes, against 20,832,785 in 16 MiB members). */
#define UK_GZIP_MEMBER (2u << 20)
#define UK_GZIP_MAX_LEVEL 2

/* *out (malloc'd, *outlen bytes) = gzip of in[0..len) at igzip's level 0
 * (fastest) to UK_GZIP_MAX_LEVEL; header without name or timestamp. Data
 * that does not compress is stored (5 bytes of framing a 64 KiB block). */
int uk_gzip(const void *in, size_t len, int level, void **out, size_t *outlen,
	    struct uk_error *err);

/* Input for uk_gzip_stream: len bytes at p, or (with ready) at most len,
 * still being written by another thread: ready(ctx, want) waits until at
 * least want bytes are there and says how many are, fewer only when that
 * is all of it (its end), UK_GZIP_FAILED when making it failed. p never
 * moves. */
#define UK_GZIP_FAILED ((size_t)-1)
struct uk_gzip_input {
	const unsigned char *p;
	size_t len;
	size_t (*ready)(void *ctx, size_t want);
	void *ctx;
};

/* The bytes uk_gzip would make, handed to sink member by member, in
 * order, each as soon as it is compressed (two threads compress the next
 * ones meanwhile, each as soon as its input is there), for a caller that
 * sends or writes them while the rest is made. A sink that fails (-1, err
 * set) stops it all. Last, even after a failure, sink gets buf NULL and n
 * 0: every member's bytes are valid until that call returns, so a sink
 * that handed them to another thread waits for it. */
typedef int (*uk_gzip_sink)(void *ctx, const void *buf, size_t n, struct uk_error *err);
int uk_gzip_stream(const struct uk_gzip_input *in, int level, uk_gzip_sink sink,
		   void *ctx, struct uk_error *err);

#endif
