/* ISA-L's igzip (Debian's libisal2), loaded on first use (util/dynlib.h):
 * layers are gzipped (util/gzip.c) and gunzipped (util/gunzip.c) with it,
 * and most commands never need it. */
#ifndef UK_UTIL_ISAL_LAZY_H
#define UK_UTIL_ISAL_LAZY_H

#include <isa-l/igzip_lib.h>

#include "util/error.h"

struct uk_isal_fns {
	__typeof__(&isal_deflate_stateless_init) deflate_init;
	__typeof__(&isal_deflate_stateless) deflate;
	__typeof__(&isal_inflate_init) inflate_init;
	__typeof__(&isal_inflate_reset) inflate_reset;
	__typeof__(&isal_inflate) inflate;
};
extern struct uk_isal_fns uk_isal;

/* 0 once uk_isal's functions are there; -1 with err naming the package. */
int uk_isal_load(struct uk_error *err);

#endif
