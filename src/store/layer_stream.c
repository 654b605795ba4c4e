/* A layer's members into the store on a second thread, and on to a sink
 * (see layer_stream.h). */
#include "store/layer_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The layer is hashed here and written around the page cache
 * (layer_direct.h). */
static int put(struct uk_layer_stream *s, const void *buf, size_t n, struct uk_error *err)
{
	uk_sha256_update(&s->w.h, buf, n);
	if (uk_direct_write(&s->d, buf, n) < 0)
		return uk_errorf(err, "cannot write a blob into the store '%s': %s", s->w.root,
				 strerror(errno));
	return 0;
}

static void *write_members(void *arg)
{
	struct uk_layer_stream *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		const void *buf;
		size_t n;
		int rc;

		while (s->written == s->posted && !s->ended)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->written == s->posted)
			break;
		buf = s->buf[s->written];
		n = s->len[s->written];
		pthread_mutex_unlock(&s->mu);
		rc = s->failed ? 0 : put(s, buf, n, &s->werr);
		pthread_mutex_lock(&s->mu);
		if (rc < 0)
			s->failed = 1;
		s->written++;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int uk_layer_stream_open(struct uk_layer_stream *s, const char *root,
			 size_t nmembers, const struct uk_layer_sink *sink,
			 struct uk_error *err)
{
	memset(s, 0, sizeof(*s));
	s->sink = sink;
	s->cap = nmembers;
	s->buf = calloc(nmembers ? nmembers : 1, sizeof(*s->buf));
	s->len = calloc(nmembers ? nmembers : 1, sizeof(*s->len));
	if (!s->buf || !s->len) {
		free(s->buf);
		free(s->len);
		return uk_errorf(err, "out of memory");
	}
	if (uk_blob_writer_open(&s->w, root, err) < 0) {
		free(s->buf);
		free(s->len);
		return -1;
	}
	/* A layer not streamed is read back from the store at once to be
	 * uploaded: that one stays in the page cache. */
	uk_direct_open(&s->d, s->w.fd, sink != NULL);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	/* No thread to be had: members are written as they come, here. */
	s->threaded = pthread_create(&s->writer, NULL, write_members, s) == 0;
	return 0;
}

/* The end of the members (buf NULL): waits for the writer. */
static int drain(struct uk_layer_stream *s, struct uk_error *err)
{
	pthread_mutex_lock(&s->mu);
	s->ended = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->threaded)
		pthread_join(s->writer, NULL);
	s->threaded = 0;
	/* the sink may still be sending the members: it is done with them
	 * when this returns */
	if (s->sink && !s->sink_drained) {
		s->sink_drained = 1;
		s->sink->member(s->sink->ctx, NULL, 0);
	}
	if (!s->closed) {
		s->closed = 1;
		if (uk_direct_close(&s->d) < 0 && !s->failed) {
			uk_errorf(&s->werr, "cannot write a blob into the store '%s': %s",
				  s->w.root, strerror(errno));
			s->failed = 1;
		}
	}
	if (s->failed) {
		*err = s->werr;
		return -1;
	}
	return 0;
}

int uk_layer_stream_member(void *arg, const void *buf, size_t n, struct uk_error *err)
{
	struct uk_layer_stream *s = arg;

	if (!buf)
		return drain(s, err);
	if (s->posted == s->cap)
		return uk_errorf(err, "a layer with more members than planned");
	s->size += n;
	if (!s->threaded) {
		if (put(s, buf, n, err) < 0)
			return -1;
	} else {
		pthread_mutex_lock(&s->mu);
		s->buf[s->posted] = buf;
		s->len[s->posted++] = n;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	/* handed on while the writer writes it and the next is compressed */
	if (s->sink)
		s->sink->member(s->sink->ctx, buf, n);
	return 0;
}

int uk_layer_stream_close(struct uk_layer_stream *s, int ok, char layer[UK_DIGEST_MAX],
			  unsigned long long *size, struct uk_error *err)
{
	struct uk_error ignored = {0};
	int rc = -1;

	if (drain(s, ok ? err : &ignored) < 0)
		ok = 0;
	if (ok && uk_blob_writer_commit_later(&s->w, layer, err) == 0) {
		*size = s->size;
		rc = 0;
	} else if (!ok) {
		uk_blob_writer_abort(&s->w);
	}
	if (s->sink)
		s->sink->end(s->sink->ctx, rc == 0 ? layer : NULL, s->size);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->buf);
	free(s->len);
	return rc;
}
