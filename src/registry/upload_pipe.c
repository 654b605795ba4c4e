/* A streamed PATCH fed by another thread (see upload_pipe.h). */
#include "registry/upload_pipe.h"

#include <stdlib.h>
#include <string.h>

/* curl's read callback: the next bytes handed over, waiting for them;
 * 0 at the end. */
static size_t pipe_read(void *ctx, char *buf, size_t n)
{
	struct uk_upload_pipe *p = ctx;
	struct uk_upload_piece piece;
	size_t k;

	pthread_mutex_lock(&p->mu);
	while (p->cur == p->nv && !p->ended && !p->aborted)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->aborted) {
		pthread_mutex_unlock(&p->mu);
		return UK_UPLOAD_ABORT;
	}
	if (p->cur == p->nv) {
		pthread_mutex_unlock(&p->mu);
		return 0;
	}
	piece = p->v[p->cur]; /* v may grow (move) while the bytes are copied */
	k = piece.n - p->off < n ? piece.n - p->off : n;
	pthread_mutex_unlock(&p->mu);
	memcpy(buf, piece.p + p->off, k);
	pthread_mutex_lock(&p->mu);
	if ((p->off += k) == piece.n) {
		p->cur++;
		p->off = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return k;
}

static void *run(void *arg)
{
	struct uk_upload_pipe *p = arg;

	if (p->open(p->ctx) < 0) {
		p->rc = -1;
		return NULL;
	}
	p->opened = 1;
	p->rc = uk_client_upload_stream(p->c, p->u, pipe_read, p, &p->err);
	return NULL;
}

int uk_upload_pipe_start(struct uk_upload_pipe *p, struct uk_client *c, struct uk_upload *u,
			 int (*open)(void *ctx), void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->u = u;
	p->open = open;
	p->ctx = ctx;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		return -1;
	}
	return 0;
}

void uk_upload_pipe_feed(struct uk_upload_pipe *p, const void *buf, size_t n)
{
	pthread_mutex_lock(&p->mu);
	if (n && !p->aborted) {
		if (p->nv == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 16;
			struct uk_upload_piece *v = realloc(p->v, cap * sizeof(*v));

			if (!v) { /* the upload fails; the push sends the layer whole */
				p->aborted = 1;
				pthread_cond_broadcast(&p->cv);
				pthread_mutex_unlock(&p->mu);
				return;
			}
			p->v = v;
			p->cap = cap;
		}
		p->v[p->nv++] = (struct uk_upload_piece){buf, n};
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
}

int uk_upload_pipe_end(struct uk_upload_pipe *p, int abort, struct uk_error *err)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	p->ended = 1;
	if (abort)
		p->aborted = 1;
	rc = p->aborted ? -1 : 0;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	if (p->rc < 0 && p->opened)
		*err = p->err;
	else if (p->rc == 0 && rc < 0 && !abort)
		uk_errorf(err, "out of memory");
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->v);
	p->v = NULL;
	return p->rc < 0 || rc < 0 ? -1 : 0;
}
