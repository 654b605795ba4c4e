/* A layer checked while it downloads: the bytes a pull stores are also fed
 * down a pipe to a thread that walks them as uk_layer_check_fd walks the
 * stored file (store/layer.h), so a big layer's gunzip and tar walk run
 * beside the transfer instead of after it. */
#ifndef UK_STORE_LAYER_LIVE_H
#define UK_STORE_LAYER_LIVE_H

#include <pthread.h>
#include <stddef.h>

#include "store/digest.h"
#include "util/error.h"

struct uk_layer_live {
	int wfd, rfd;
	pthread_t th;
	int rc;
	struct uk_error err;
	char digest[UK_DIGEST_MAX];
	unsigned long long size;
};

/* Starts the check of a layer of size bytes with digest; -1 when no pipe
 * or thread could be had (the caller then checks the stored file). */
int uk_layer_live_start(struct uk_layer_live *l, const char *digest, unsigned long long size);

/* The next n downloaded bytes (blocks while the check is that far behind). */
int uk_layer_live_feed(struct uk_layer_live *l, const void *buf, size_t n,
		       struct uk_error *err);

/* The download is whole: the check's result (err set on -1). */
int uk_layer_live_finish(struct uk_layer_live *l, struct uk_error *err);

/* The download failed or starts again: the check is stopped, its result
 * dropped. */
void uk_layer_live_cancel(struct uk_layer_live *l);

#endif
