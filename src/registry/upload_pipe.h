/* One streamed PATCH (uk_client_upload_stream) on a thread of its own,
 * its body the pieces another thread hands over as they are made: uk push
 * sends a layer's gzip members while the next ones are compressed, so the
 * registry reads (and hashes) the layer as it is packed instead of a
 * member at a time between round trips. Handing over never waits. */
#ifndef UK_REGISTRY_UPLOAD_PIPE_H
#define UK_REGISTRY_UPLOAD_PIPE_H

#include <pthread.h>
#include <stddef.h>

#include "registry/client.h"

struct uk_upload_piece {
	const unsigned char *p;
	size_t n;
};

struct uk_upload_pipe {
	struct uk_client *c;
	struct uk_upload *u;
	int (*open)(void *ctx);
	void *ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct uk_upload_piece *v; /* handed over, sent in order */
	size_t nv, cap, cur, off;  /* v[cur] is sent from its byte off */
	int ended, aborted;
	int opened;          /* open returned 0 */
	int rc;              /* the PATCH's, once the thread is joined */
	struct uk_error err; /* its error */
};

/* Starts a thread that calls open(ctx) (which starts u: the POST) and,
 * when that returns 0, PATCHes u; -1 when no thread can be had: nothing
 * was called. The client is the thread's until uk_upload_pipe_end. */
int uk_upload_pipe_start(struct uk_upload_pipe *p, struct uk_client *c, struct uk_upload *u,
			 int (*open)(void *ctx), void *ctx);

/* The next n bytes at buf, valid until uk_upload_pipe_end returns. */
void uk_upload_pipe_feed(struct uk_upload_pipe *p, const void *buf, size_t n);

/* The end of the body (abort: stop the PATCH instead); waits for the
 * registry's answer. 0 when it took the body; -1 when it did not (err
 * set) or open failed (err not set: open keeps its own). */
int uk_upload_pipe_end(struct uk_upload_pipe *p, int abort, struct uk_error *err);

#endif
