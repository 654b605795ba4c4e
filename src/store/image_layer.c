/* The layer of a built image: unikernel/, unikernel/NAME and
 * unikernel/NAME.json as a reproducible tar (fixed order, modes, owner and
 * time), gzipped without name or timestamp. The tar is made first, so its
 * digest (the diff_id) needs no second pass and is hashed by a second
 * thread while gzip (util/gzip.h, libdeflate; two threads for a tar over
 * 16 MiB) runs at level 1, or stores (level 0) when a sample shows the
 * kernel does not compress. Both depend only on the bytes, so the same
 * image gives the same layer. Each gzip member goes into the store and to
 * the caller's sink (uk push's upload) as soon as it is made. */
#include "util/archive_lazy.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/image.h"
#include "store/layer_stream.h"
#include "store/layer_tar.h"
#include "store/layout.h"
#include "util/gzip.h"
#include "util/path.h"

#define SAMPLE (1u << 20)

/* Level 1, or 0 when the first MiB shrinks by less than 5%. */
static int pick_level(struct uk_layer_tar *t, struct uk_error *err)
{
	size_t n = uk_layer_tar_ready(t, SAMPLE), slen;
	void *s;
	int level;

	if (n == UK_GZIP_FAILED)
		return uk_errorf(err, "the image layer's tar failed");
	if (n > SAMPLE)
		n = SAMPLE;
	if (uk_gzip(t->mem.p, n, 1, &s, &slen, err) < 0)
		return -1;
	level = slen * 20 > n * 19 ? 0 : 1;
	free(s);
	return level;
}

/* The diff_id: the tar hashed as it is made. */
#define HASH_STEP (4u << 20)

struct diff_job {
	struct uk_layer_tar *t;
	struct uk_sha256 h;
	pthread_t thread;
	int threaded;
};

static void *hash_tar(void *arg)
{
	struct diff_job *d = arg;
	size_t off = 0, got;

	while ((got = uk_layer_tar_ready(d->t, off + HASH_STEP)) != UK_GZIP_FAILED) {
		uk_sha256_update(&d->h, d->t->mem.p + off, got - off);
		if (got < off + HASH_STEP)
			break;
		off = got;
	}
	return NULL;
}

int uk_image_layer(const char *root, const char *image, const char *name,
		   long long mtime, const struct uk_layer_sink *sink,
		   char layer[UK_DIGEST_MAX], size_t *len, char diff[UK_DIGEST_MAX],
		   struct uk_error *err)
{
	struct uk_layer_tar t;
	struct uk_layer_stream st;
	struct diff_job d = {.t = &t};
	struct uk_gzip_input in;
	struct uk_error tar_err = {0};
	unsigned long long size = 0;
	int level, rc = -1, opened = 0, ok = 0;

	if (uk_layer_tar_open(&t, image, name, mtime, err) < 0)
		return -1;
	if (uk_sha256_init(&d.h) < 0) {
		uk_layer_tar_close(&t, &tar_err);
		uk_layer_tar_free(&t);
		return uk_errorf(err, "cannot compute a sha256 digest");
	}
	if (sink && (unsigned long long)t.st.st_size <= sink->min)
		sink = NULL;
	/* The tar is made by one thread, hashed for the diff_id by a second
	 * and gzipped by two more as it grows, while this one starts the
	 * upload and hands the members on (to a fifth, which writes and
	 * hashes the layer into the store, and to the sink). */
	uk_layer_tar_start(&t);
	d.threaded = pthread_create(&d.thread, NULL, hash_tar, &d) == 0;
	if (sink && sink->begin)
		sink->begin(sink->ctx);
	if ((level = pick_level(&t, err)) >= 0 &&
	    uk_layer_stream_open(&st, root, t.mem.cap / UK_GZIP_MEMBER + 2, sink, err) == 0) {
		in = (struct uk_gzip_input){.p = t.mem.p, .len = t.mem.cap,
					    .ready = uk_layer_tar_ready, .ctx = &t};
		opened = 1;
		ok = uk_gzip_stream(&in, level, uk_layer_stream_member, &st, err) == 0;
	}
	if (!d.threaded)
		hash_tar(&d);
	else
		pthread_join(d.thread, NULL);
	/* the tar's own error says more than gzip's or pick_level's */
	if (uk_layer_tar_close(&t, &tar_err) < 0) {
		*err = tar_err;
		ok = 0;
	}
	if (opened)
		rc = uk_layer_stream_close(&st, ok, layer, &size, err);
	else if (sink)
		sink->end(sink->ctx, NULL, 0);
	uk_sha256_final(&d.h, diff);
	*len = (size_t)size;
	uk_layer_tar_free(&t);
	return rc;
}
