/* A layer's gzip members on their way into the store and on to a sink
 * (store/image.h): each member is written and hashed by a second thread
 * while this one hands it to the sink (an upload) and the next members are
 * compressed, so writing the store's copy costs no time of its own (and
 * little CPU: layer_direct.h). */
#ifndef UK_STORE_LAYER_STREAM_H
#define UK_STORE_LAYER_STREAM_H

#include <pthread.h>
#include <stddef.h>

#include "store/image.h"
#include "store/layer_direct.h"
#include "store/layout.h"

struct uk_layer_stream {
	struct uk_blob_writer w; /* its file and hash; written by put */
	struct uk_direct d;
	const struct uk_layer_sink *sink; /* NULL: the store only */
	pthread_t writer;
	int threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const void **buf; /* members handed over, written in order */
	size_t *len, cap, posted, written;
	unsigned long long size;
	int ended, failed, closed, sink_drained;
	struct uk_error werr;
};

/* Opens a temporary blob in the layout at root for up to nmembers members. */
int uk_layer_stream_open(struct uk_layer_stream *s, const char *root,
			 size_t nmembers, const struct uk_layer_sink *sink,
			 struct uk_error *err);

/* A uk_gzip_sink (util/gzip.h) with s as its context. */
int uk_layer_stream_member(void *s, const void *buf, size_t n, struct uk_error *err);

/* ok: the members are all there; commits the blob (as
 * uk_layout_put_blob_later does) into layer, tells the sink the end, and
 * closes s. Else (or when the commit fails) drops the blob and tells the
 * sink it failed. */
int uk_layer_stream_close(struct uk_layer_stream *s, int ok, char layer[UK_DIGEST_MAX],
			  unsigned long long *size, struct uk_error *err);

#endif
