/* uk push's layer upload while the layer is packed: the sink of
 * store/image.h. The ping, the POST and one PATCH whose body is each gzip
 * member (or piece of plain tar) as soon as it is made go on a thread of
 * their own (registry/upload_pipe.h), the PUT ?digest= once packing has
 * the digest. A failure stops the stream (the upload is cancelled). When
 * the registry answered (it refuses such a PATCH, say), uk_push_tree then
 * uploads the layer from the store as usual; when it did not (it is
 * gone), that error, naming the layer, is the push's. */
#include "registry/push_stream.h"

#include <stdlib.h>
#include <string.h>

/* A registry that answered (it refused the PATCH, say) may take the layer
 * whole later; one that did not is gone, and that is the push's error.
 * A request that broke off unanswered may still have met a live registry
 * (one that answered a PATCH before reading its body and closed the
 * connection, as a proxy with a size limit does, leaves curl a broken
 * pipe): the DELETE that cancels the upload tells. */
static void stop(struct uk_push_stream *s)
{
	int started = s->u.location != NULL;

	s->failed = 1;
	s->gone = !s->c->answered;
	uk_client_upload_cancel(s->c, &s->u);
	if (started && s->gone)
		s->gone = !s->c->answered;
}

/* The ping and the POST (on the pipe's thread, while packing starts). */
static int open_upload(void *ctx)
{
	struct uk_push_stream *s = ctx;

	if (!s->pinged) {
		if (uk_client_ping(s->c, &s->err) < 0) {
			s->ping_failed = 1;
			s->failed = 1;
			return -1;
		}
		s->pinged = 1;
	}
	if (uk_client_upload_start(s->c, &s->u, &s->err) < 0) {
		stop(s);
		return -1;
	}
	s->started = 1;
	return 0;
}

/* The upload's thread starts: the registry is asked while the layer's
 * first members are compressed. No thread to be had: no stream (the push
 * uploads the layer whole from the store). */
static void on_begin(void *ctx)
{
	struct uk_push_stream *s = ctx;

	if (s->failed)
		return;
	s->piped = uk_upload_pipe_start(&s->pipe, s->c, &s->u, open_upload, s) == 0;
	if (!s->piped)
		s->failed = 1;
}

/* Until the pipe's thread is joined, only the pipe is touched here: the
 * thread owns the client and the flags. */
static void on_member(void *ctx, const void *buf, size_t n)
{
	struct uk_push_stream *s = ctx;
	struct uk_error e = {0};

	if (!s->piped)
		return;
	if (buf) {
		uk_upload_pipe_feed(&s->pipe, buf, n);
		return;
	}
	/* no more: the PATCH's answer, before the members go */
	s->piped = 0;
	if (uk_upload_pipe_end(&s->pipe, 0, &e) < 0 && !s->failed) {
		s->err = e;
		stop(s);
	}
}

static void on_end(void *ctx, const char *digest, unsigned long long size)
{
	struct uk_push_stream *s = ctx;

	(void)size;
	if (s->piped) { /* packing stopped before its members' end */
		s->piped = 0;
		uk_upload_pipe_end(&s->pipe, 1, &(struct uk_error){0});
	}
	if (!s->failed && s->started &&
	    (!digest || uk_client_upload_finish(s->c, &s->u, digest, &s->err) < 0))
		stop(s);
	if (!s->failed && s->started)
		s->streamed++;
	if (s->gone && !s->fatal) {
		s->fatal = 1;
		if (digest)
			uk_error_wrap(&s->err, "pushing blob %.19s", digest);
		else
			uk_error_wrap(&s->err, "pushing a layer");
	}
	/* ready for the next image's layer; a failed ping stays failed */
	uk_client_upload_cancel(s->c, &s->u);
	s->started = 0;
	if (!s->ping_failed && !s->fatal)
		s->failed = 0;
}

void uk_push_stream_init(struct uk_push_stream *s, struct uk_client *c)
{
	const char *v = getenv("UK_PUSH_STREAM_MIN");
	char *end;
	unsigned long long min = v && *v ? strtoull(v, &end, 10) : 0;

	memset(s, 0, sizeof(*s));
	s->c = c;
	s->sink.begin = on_begin;
	s->sink.member = on_member;
	s->sink.end = on_end;
	s->sink.ctx = s;
	s->sink.min = v && *v && !*end ? (size_t)min : UK_PUSH_STREAM_MIN;
}

void uk_push_stream_free(struct uk_push_stream *s)
{
	uk_client_upload_cancel(s->c, &s->u);
}
