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
};

/* One thread's share: members first, first + step, ... */
struct worker {
	struct member *m;
	size_t n, first, step;
	int level, failed;
};

static void *compress_members(void *arg)
{
	struct worker *w = arg;
	struct libdeflate_compressor *c = ld.alloc(w->level);
	size_t i;

	if (!c) {
		w->failed = 1;
		return NULL;
	}
	for (i = w->first; i < w->n && !w->failed; i += w->step) {
		struct member *m = &w->m[i];

		if (!(m->outlen = ld.compress(c, m->in, m->len, m->out, m->cap)))
			w->failed = 1;
	}
	ld.free(c);
	return NULL;
}

int uk_gzip(const void *in, size_t len, int level, void **out, size_t *outlen,
	    struct uk_error *err)
{
	size_t n = len ? (len + UK_GZIP_MEMBER - 1) / UK_GZIP_MEMBER : 1, i, total = 0;
	struct member *m;
	struct worker w[2];
	pthread_t t;
	int threaded = 0, rc = -1;
	unsigned char *p;

	*out = NULL;
	*outlen = 0;
	if (deflate_load(err) < 0)
		return -1;
	if (!(m = calloc(n, sizeof(*m))))
		return uk_errorf(err, "out of memory");
	for (i = 0; i < n; i++) {
		m[i].in = (const unsigned char *)in + i * UK_GZIP_MEMBER;
		m[i].len = len - i * UK_GZIP_MEMBER < UK_GZIP_MEMBER ? len - i * UK_GZIP_MEMBER
								     : UK_GZIP_MEMBER;
		/* NULL: a bound for every level */
		m[i].cap = ld.bound(NULL, m[i].len);
		total += m[i].cap;
	}
	/* One buffer with room for every member where it would end at worst;
	 * they are moved together afterwards. */
	if (!(p = malloc(total))) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	for (i = 0, total = 0; i < n; i++) {
		m[i].out = p + total;
		total += m[i].cap;
	}
	for (i = 0; i < 2; i++)
		w[i] = (struct worker){.m = m, .n = n, .first = i, .step = 2, .level = level};
	/* With one member, or no thread to be had, this thread does them all. */
	if (n > 1 && pthread_create(&t, NULL, compress_members, &w[1]) == 0)
		threaded = 1;
	else
		w[0].step = 1;
	compress_members(&w[0]);
	if (threaded)
		pthread_join(t, NULL);
	if (w[0].failed || w[1].failed) {
		uk_errorf(err, "gzip: out of memory");
		free(p);
		goto out;
	}
	for (i = 0, total = 0; i < n; i++) {
		memmove(p + total, m[i].out, m[i].outlen);
		total += m[i].outlen;
	}
	*out = p;
	*outlen = total;
	rc = 0;
out:
	free(m);
	return rc;
}
