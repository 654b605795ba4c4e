/* The layer of a built image: unikernel/, unikernel/NAME and
 * unikernel/NAME.json as a reproducible tar (fixed order, modes, owner and
 * time). When a sample shows the kernel compresses, the layer is that tar
 * gzipped without name or timestamp (util/gzip.h, ISA-L, level 1; two
 * threads for a tar over one member) while a second thread hashes the tar for
 * the diff_id. When it does not, the layer is the plain tar (OCI's
 * application/vnd.oci.image.layer.v1.tar), whose digest is its diff_id:
 * hashed once, and not copied into stored deflate blocks. Both depend only
 * on the bytes, so the same image gives the same layer. The layer goes
 * into the store and to the caller's sink (uk push's upload) a piece (a
 * gzip member, or as many bytes of tar) at a time, as soon as it is made. */
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

/* Level 1, or 0 (the layer is the plain tar) when the first MiB shrinks
 * by less than 5%. */
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

/* The plain tar into st (the store and the sink) as it is made, in pieces
 * of UK_GZIP_MEMBER bytes (the last one shorter: the cut, like gzip's,
 * depends only on the length), then the end. */
static int stream_tar(struct uk_layer_tar *t, struct uk_layer_stream *st,
		      struct uk_error *err)
{
	size_t off = 0, got, want;
	int rc = 0;

	for (;;) {
		want = off + UK_GZIP_MEMBER;
		if ((got = uk_layer_tar_ready(t, want)) == UK_GZIP_FAILED) {
			rc = uk_errorf(err, "the image layer's tar failed");
			break;
		}
		if (got > want)
			got = want;
		if (got > off && (rc = uk_layer_stream_member(st, t->mem.p + off, got - off, err)) < 0)
			break;
		if (got < want) /* its end */
			break;
		off = got;
	}
	/* the end, also after a failure: the writer is waited for */
	if (uk_layer_stream_member(st, NULL, 0, rc < 0 ? &(struct uk_error){0} : err) < 0)
		rc = -1;
	return rc;
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
	/* The tar is made by one thread and, when it is gzipped, hashed for
	 * the diff_id by a second and gzipped by two more as it grows, while
	 * this one starts the upload and hands the pieces on (to a writer,
	 * which writes and hashes the layer into the store, and to the sink). */
	uk_layer_tar_start(&t);
	if (sink && sink->begin)
		sink->begin(sink->ctx);
	level = pick_level(&t, err);
	/* a plain tar is hashed once, as the layer (by st's writer) */
	if (level > 0)
		d.threaded = pthread_create(&d.thread, NULL, hash_tar, &d) == 0;
	if (level >= 0 &&
	    uk_layer_stream_open(&st, root, t.mem.cap / UK_GZIP_MEMBER + 2, sink, err) == 0) {
		in = (struct uk_gzip_input){.p = t.mem.p, .len = t.mem.cap,
					    .ready = uk_layer_tar_ready, .ctx = &t};
		opened = 1;
		if (level == 0)
			ok = stream_tar(&t, &st, err) == 0;
		else
			ok = uk_gzip_stream(&in, level, uk_layer_stream_member, &st, err) == 0;
	}
	if (level > 0 && !d.threaded)
		hash_tar(&d);
	else if (d.threaded)
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
	if (level == 0) {
		uk_sha256_free(&d.h);
		if (rc == 0)
			memcpy(diff, layer, UK_DIGEST_MAX);
	} else {
		uk_sha256_final(&d.h, diff);
	}
	*len = (size_t)size;
	uk_layer_tar_free(&t);
	return rc;
}
