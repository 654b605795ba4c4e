#include "util/gzip.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/dynlib.h"

static struct {
	__typeof__(&libdeflate_alloc_compressor) alloc;
	__typeof__(&libdeflate_gzip_compress) compress;
	__typeof__(&libdeflate_gzip_compress_bound) bound;
	__typeof__(&libdeflate_free_compressor) free;
} ld;

static int deflate_load(struct uk_error *err)
{
	static const char *const sonames[] = { "libdeflate.so.0", NULL };
	static const char *const names[] = {
		"libdeflate_alloc_compressor", "libdeflate_gzip_compress",
		"libdeflate_gzip_compress_bound", "libdeflate_free_compressor",
	};
	static int loaded;

	_Static_assert(sizeof(ld) == sizeof(names), "one slot per name");
	if (!loaded && uk_dynlib_bind(sonames, "libdeflate0", names, (void **)&ld,
				      sizeof(names) / sizeof(names[0]), err) == 0)
		loaded = 1;
	return loaded ? 0 : -1;
}

struct member {
	const unsigned char *in;
	size_t len;
	unsigned char *out; /* its room in the output: cap bytes */
	size_t cap, outlen;
	int done;
};

/* The members and who compresses which: each worker claims the next one
 * not yet taken, so they finish roughly in order for the one handing
 * them on. */
struct job {
	struct member *m;
	size_t n, next;
	int level, failed, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *compress_members(void *arg)
{
	struct job *j = arg;
	struct libdeflate_compressor *c = ld.alloc(j->level);
	size_t i;

	pthread_mutex_lock(&j->mu);
	if (!c)
		j->failed = 1;
	while (c && !j->failed && !j->stop && j->next < j->n) {
		struct member *m = &j->m[i = j->next++];
		size_t got;

		pthread_mutex_unlock(&j->mu);
		got = ld.compress(c, m->in, m->len, m->out, m->cap);
		pthread_mutex_lock(&j->mu);
		m->outlen = got;
		m->done = 1;
		if (!got)
			j->failed = 1;
		pthread_cond_broadcast(&j->cv);
	}
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	if (c)
		ld.free(c);
	return NULL;
}

/* Waits for member i; 0 when it is done, -1 when compressing failed. */
static int wait_member(struct job *j, size_t i)
{
	int rc;

	pthread_mutex_lock(&j->mu);
	while (!j->m[i].done && !j->failed)
		pthread_cond_wait(&j->cv, &j->mu);
	rc = j->m[i].done && j->m[i].outlen ? 0 : -1;
	pthread_mutex_unlock(&j->mu);
	return rc;
}

/* Cuts in into members with room for each in *room (malloc'd). */
static struct member *plan(const void *in, size_t len, size_t *n, unsigned char **room)
{
	size_t i, total = 0;
	struct member *m;

	*n = len ? (len + UK_GZIP_MEMBER - 1) / UK_GZIP_MEMBER : 1;
	if (!(m = calloc(*n, sizeof(*m))))
		return NULL;
	for (i = 0; i < *n; i++) {
		m[i].in = (const unsigned char *)in + i * UK_GZIP_MEMBER;
		m[i].len = len - i * UK_GZIP_MEMBER < UK_GZIP_MEMBER ? len - i * UK_GZIP_MEMBER
								     : UK_GZIP_MEMBER;
		/* NULL: a bound for every level */
		m[i].cap = ld.bound(NULL, m[i].len);
		total += m[i].cap;
	}
	/* One buffer with room for every member where it would end at worst. */
	if (!(*room = malloc(total))) {
		free(m);
		return NULL;
	}
	for (i = 0, total = 0; i < *n; i++) {
		m[i].out = *room + total;
		total += m[i].cap;
	}
	return m;
}

/* Compresses every member with `workers` threads besides this one (which
 * also compresses when consumer is 0), handing each to sink in order as
 * soon as it and those before it are done. */
static int run(struct member *m, size_t n, int level, int workers, int consumer,
	       uk_gzip_sink sink, void *ctx, struct uk_error *err)
{
	struct job j = {.m = m, .n = n, .level = level};
	pthread_t t[2];
	int started = 0, rc = 0;
	size_t i;

	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	while (started < workers && pthread_create(&t[started], NULL, compress_members, &j) == 0)
		started++;
	/* No thread to be had: this one does it all, then hands it on. */
	if (!consumer || started == 0)
		compress_members(&j);
	for (i = 0; i < n && rc == 0; i++) {
		if (wait_member(&j, i) < 0)
			rc = uk_errorf(err, "gzip: out of memory");
		else if (sink && sink(ctx, m[i].out, m[i].outlen, err) < 0)
			rc = -1;
	}
	pthread_mutex_lock(&j.mu);
	j.stop = 1;
	pthread_mutex_unlock(&j.mu);
	while (started > 0)
		pthread_join(t[--started], NULL);
	if (sink) {
		struct uk_error later = {0};

		if (sink(ctx, NULL, 0, rc < 0 ? &later : err) < 0)
			rc = -1;
	}
	pthread_cond_destroy(&j.cv);
	pthread_mutex_destroy(&j.mu);
	return rc;
}

int uk_gzip(const void *in, size_t len, int level, void **out, size_t *outlen,
	    struct uk_error *err)
{
	unsigned char *p;
	struct member *m;
	size_t n, i, total = 0;

	*out = NULL;
	*outlen = 0;
	if (deflate_load(err) < 0)
		return -1;
	if (!(m = plan(in, len, &n, &p)))
		return uk_errorf(err, "out of memory");
	/* this thread and one more, then the members are moved together */
	if (run(m, n, level, n > 1, 0, NULL, NULL, err) < 0) {
		free(p);
		free(m);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memmove(p + total, m[i].out, m[i].outlen);
		total += m[i].outlen;
	}
	free(m);
	*out = p;
	*outlen = total;
	return 0;
}

int uk_gzip_stream(const void *in, size_t len, int level, uk_gzip_sink sink, void *ctx,
		   struct uk_error *err)
{
	unsigned char *p;
	struct member *m;
	size_t n;
	int rc;

	if (deflate_load(err) < 0)
		return -1;
	if (!(m = plan(in, len, &n, &p)))
		return uk_errorf(err, "out of memory");
	/* two threads compress while this one hands members on; one member
	 * is simply done here */
	rc = run(m, n, level, n > 1 ? 2 : 0, n > 1, sink, ctx, err);
	free(p);
	free(m);
	return rc;
}
