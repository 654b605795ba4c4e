/* gunzip as a reader, with ISA-L's igzip inflate (loaded on first use:
 * util/dynlib.h), three to four times as fast as zlib's here: a layer's
 * tar+gzip is read through it on every pull and unpack. It reads every
 * member of a gzip file (RFC 1952: members one after another, as uk push
 * writes big layers), checks each member's CRC-32 and size, and ends at the
 * end of the input or, after a member, at a byte that cannot start another
 * (as libarchive and Go's reader do with trailing bytes). */
#ifndef UK_UTIL_GUNZIP_H
#define UK_UTIL_GUNZIP_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* The compressed bytes: read(ctx, &buf) gives the next piece (its length,
 * 0 at the end, -1 when reading failed: the source says why). */
typedef ssize_t (*uk_gunzip_source)(void *ctx, const void **buf);

struct uk_gunzip;

/* A reader of the gzip file that source gives; first[0..n) are bytes the
 * caller already took from source (may be 0). NULL with err set when
 * libisal2 cannot be loaded or memory is short. */
struct uk_gunzip *uk_gunzip_new(uk_gunzip_source source, void *ctx, const void *first,
				size_t n, struct uk_error *err);

/* The next piece of the uncompressed bytes at *out (valid until the next
 * call): its length, 0 at the end, -1 with err set on bad or truncated
 * data ("gzip: ...") or when source failed ("gzip: reading failed"). */
ssize_t uk_gunzip_read(struct uk_gunzip *g, const void **out, struct uk_error *err);

void uk_gunzip_free(struct uk_gunzip *g);

#endif
