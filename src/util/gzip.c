#include "util/gzip.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/isal_lazy.h"

/* A compressor's own memory: ISA-L's stream and its level's buffer. The
 * buffer's size is fixed, not left to the library's default, because it
 * bounds the deflate blocks and so decides the bytes. */
#define LEVEL_BUF(level) ((level) == 1 ? ISAL_DEF_LVL1_LARGE : ISAL_DEF_LVL2_LARGE)

struct compressor {
	struct isal_zstream s;
	unsigned char *buf; /* LEVEL_BUF(level) bytes, none at level 0 */
	int level;
};

static struct compressor *compressor_new(int level)
{
	struct compressor *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->level = level;
	if (level > 0 && !(c->buf = malloc(LEVEL_BUF(level)))) {
		free(c);
		return NULL;
	}
	return c;
}

static void compressor_free(struct compressor *c)
{
	if (c)
		free(c->buf);
	free(c);
}

/* gzip's header, without name or timestamp; OS "unknown" */
static const unsigned char gzip_header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 };

/* Room for a member of len input bytes: when compressing would not fit,
 * ISA-L writes stored blocks (5 bytes of framing a 64 KiB block) instead,
 * so data that does not compress costs only that. The room depends only
 * on len, and so does the choice. */
static size_t bound(size_t len)
{
	return sizeof(gzip_header) + len + (len / 65535 + 1) * 5 + 8 /* trailer */ + 64;
}

/* One gzip member of in[0..len) into out (bound(len) bytes); its length,
 * or 0 when ISA-L failed. */
static size_t compress_member(struct compressor *c, const unsigned char *in, size_t len,
			      unsigned char *out)
{
	struct isal_zstream *s = &c->s;

	uk_isal.deflate_init(s);
	s->level = (uint32_t)c->level;
	s->level_buf = c->buf;
	s->level_buf_size = c->level > 0 ? (uint32_t)LEVEL_BUF(c->level) : 0;
	s->gzip_flag = IGZIP_GZIP_NO_HDR; /* the trailer (CRC-32, size) only */
	s->end_of_stream = 1;
	s->flush = NO_FLUSH;
	s->next_in = (uint8_t *)in;
	s->avail_in = (uint32_t)len;
	memcpy(out, gzip_header, sizeof(gzip_header));
	s->next_out = out + sizeof(gzip_header);
	s->avail_out = (uint32_t)(bound(len) - sizeof(gzip_header));
	if (uk_isal.deflate(s) != COMP_OK || s->avail_in)
		return 0;
	return sizeof(gzip_header) + s->total_out;
}

struct member {
	unsigned char *out; /* malloc'd, outlen bytes */
	size_t outlen;
	int done;
};

/* Who compresses which: each worker claims the next member not yet taken,
 * so they finish roughly in order for the one handing them on. A member
 * is cut from the input once that much of it is there; the input's end
 * (fewer bytes than asked for) says how many members there are. */
struct job {
	const struct uk_gzip_input *in;
	struct member *m;
	size_t max, next, end; /* room for max members; end: how many, once known */
	int level, failed, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static size_t ready(const struct uk_gzip_input *in, size_t want)
{
	return in->ready ? in->ready(in->ctx, want) : in->len;
}

/* Compresses member i (the lock not held); 0 when there is no such
 * member, 1 when done, -1 when it failed. *last: no member after it. */
static int compress_one(struct job *j, struct compressor *c, size_t i,
			int *last)
{
	size_t start = i * UK_GZIP_MEMBER, want = start + UK_GZIP_MEMBER, got, len;
	struct member *m = &j->m[i];

	got = ready(j->in, want);
	if (got == UK_GZIP_FAILED)
		return -1;
	if (i > 0 && got <= start)
		return 0;
	*last = got < want;
	len = (got < want ? got : want) - start;
	if (!(m->out = malloc(bound(len))) ||
	    !(m->outlen = compress_member(c, j->in->p + start, len, m->out)))
		return -1;
	return 1;
}

static void *compress_members(void *arg)
{
	struct job *j = arg;
	struct compressor *c = compressor_new(j->level);
	size_t i;

	pthread_mutex_lock(&j->mu);
	if (!c)
		j->failed = 1;
	while (c && !j->failed && !j->stop && j->next < j->end && j->next < j->max) {
		int last = 0, rc;

		i = j->next++;
		pthread_mutex_unlock(&j->mu);
		rc = compress_one(j, c, i, &last);
		pthread_mutex_lock(&j->mu);
		if (rc < 0)
			j->failed = 1;
		if (rc == 0 && j->end > i)
			j->end = i;
		if (rc == 1 && last && j->end > i + 1)
			j->end = i + 1;
		j->m[i].done = rc == 1;
		pthread_cond_broadcast(&j->cv);
	}
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	compressor_free(c);
	return NULL;
}

/* Waits for member i: 1 when it is done, 0 when there is none, -1 when
 * compressing failed. */
static int wait_member(struct job *j, size_t i)
{
	int rc;

	pthread_mutex_lock(&j->mu);
	while (i < j->end && i < j->max && !j->m[i].done && !j->failed)
		pthread_cond_wait(&j->cv, &j->mu);
	rc = j->failed ? -1 : i < j->end && i < j->max ? 1 : 0;
	pthread_mutex_unlock(&j->mu);
	return rc;
}

/* Compresses every member with `workers` threads besides this one (which
 * also compresses when consumer is 0), handing each to sink (may be NULL)
 * in order as soon as it and those before it are done. *n: how many. */
static int run(struct job *j, int workers, int consumer, uk_gzip_sink sink, void *ctx,
	       size_t *n, struct uk_error *err)
{
	pthread_t t[2];
	int started = 0, rc = 0, got;
	size_t i;

	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	while (started < workers && pthread_create(&t[started], NULL, compress_members, j) == 0)
		started++;
	/* No thread to be had: this one does it all, then hands it on. */
	if (!consumer || started == 0)
		compress_members(j);
	for (i = 0; rc == 0 && (got = wait_member(j, i)) != 0; i++) {
		if (got < 0)
			rc = uk_errorf(err, "gzip: out of memory");
		else if (sink && sink(ctx, j->m[i].out, j->m[i].outlen, err) < 0)
			rc = -1;
	}
	pthread_mutex_lock(&j->mu);
	j->stop = 1;
	pthread_mutex_unlock(&j->mu);
	while (started > 0)
		pthread_join(t[--started], NULL);
	if (sink) {
		struct uk_error later = {0};

		if (sink(ctx, NULL, 0, rc < 0 ? &later : err) < 0)
			rc = -1;
	}
	*n = i;
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	return rc;
}

static int job_init(struct job *j, const struct uk_gzip_input *in, int level,
		    struct uk_error *err)
{
	memset(j, 0, sizeof(*j));
	if (level < 0 || level > UK_GZIP_MAX_LEVEL)
		return uk_errorf(err, "gzip level %d: only 0 to %d give the same bytes on every CPU",
				 level, UK_GZIP_MAX_LEVEL);
	j->in = in;
	j->level = level;
	j->max = in->len / UK_GZIP_MEMBER + 2;
	j->end = (size_t)-1;
	if (uk_isal_load(err) < 0)
		return -1;
	if (!(j->m = calloc(j->max, sizeof(*j->m))))
		return uk_errorf(err, "out of memory");
	return 0;
}

static void job_free(struct job *j)
{
	for (size_t i = 0; i < j->max; i++)
		free(j->m[i].out);
	free(j->m);
}

int uk_gzip(const void *in, size_t len, int level, void **out, size_t *outlen,
	    struct uk_error *err)
{
	struct uk_gzip_input input = {.p = in, .len = len};
	struct job j;
	unsigned char *p;
	size_t n, i, total = 0;
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	if (job_init(&j, &input, level, err) < 0)
		return -1;
	/* this thread and one more, then the members are put together */
	if (run(&j, len > UK_GZIP_MEMBER, 0, NULL, NULL, &n, err) == 0) {
		for (i = 0; i < n; i++)
			total += j.m[i].outlen;
		if (!(p = malloc(total ? total : 1))) {
			uk_errorf(err, "out of memory");
		} else {
			for (i = 0, total = 0; i < n; i++) {
				memcpy(p + total, j.m[i].out, j.m[i].outlen);
				total += j.m[i].outlen;
			}
			*out = p;
			*outlen = total;
			rc = 0;
		}
	}
	job_free(&j);
	return rc;
}

int uk_gzip_stream(const struct uk_gzip_input *in, int level, uk_gzip_sink sink,
		   void *ctx, struct uk_error *err)
{
	struct job j;
	size_t n;
	int rc;

	if (job_init(&j, in, level, err) < 0)
		return -1;
	/* two threads compress while this one hands members on; input of
	 * one member at most is simply done here */
	rc = run(&j, in->len > UK_GZIP_MEMBER ? 2 : 0, in->len > UK_GZIP_MEMBER, sink, ctx,
		 &n, err);
	job_free(&j);
	return rc;
}
