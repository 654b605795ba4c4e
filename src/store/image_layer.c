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
#include "store/layout.h"
#include "util/gzip.h"
#include "util/path.h"

#define SAMPLE (1u << 20)

static int fail(struct archive *a, const struct uk_archive_mem *m, const char *what,
		struct uk_error *err)
{
	uk_errorf(err, "%s: %s", what, m->oom ? "out of memory" : archive_error_string(a));
	archive_write_free(a);
	return -1;
}

/* A header for size bytes; len of them (data) written now, the rest by
 * the caller. */
static int add_entry(struct archive *a, struct archive_entry *e,
		     const char *path, int is_dir, int mode, const char *data,
		     size_t len, long long mtime, size_t size)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, is_dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, (mode_t)mode);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return -1;
	return len && archive_write_data(a, data, len) != (la_ssize_t)len ? -1 : 0;
}

/* The kernel is read in pieces straight into the tar: no copy of it all. */
#define PIECE (1u << 20)

static int add_kernel(struct archive *a, struct archive_entry *e, const char *path,
		      int fd, const struct stat *st, long long mtime,
		      const char *image, struct uk_error *err)
{
	unsigned long long left = (unsigned long long)st->st_size;
	char *buf = malloc(PIECE);
	int rc = 0;

	if (!buf)
		return uk_errorf(err, "out of memory");
	if (add_entry(a, e, path, 0, st->st_mode & 0111 ? 0755 : 0644, NULL, 0, mtime,
		      (size_t)left) < 0)
		rc = -1;
	while (rc == 0 && left > 0) {
		ssize_t n = read(fd, buf, left < PIECE ? (size_t)left : PIECE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = uk_errorf(err, "'%s' changed while it was packed", image);
		else if (archive_write_data(a, buf, (size_t)n) != n)
			rc = -1;
		else
			left -= (unsigned long long)n;
	}
	free(buf);
	return rc;
}

static int make_tar(const char *image, const char *name, long long mtime,
		    struct uk_archive_mem *tar, struct uk_error *err)
{
	char *meta = NULL, *jpath = NULL, path[600];
	size_t klen, mlen = 0;
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct stat st;
	int rc = -1, has_meta, fd = -1;

	if (!a || !e || asprintf(&jpath, "%s.json", image) < 0) {
		jpath = NULL;
		uk_errorf(err, "out of memory");
		goto out;
	}
	has_meta = uk_file_exists(jpath);
	if ((fd = open(image, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
	    (has_meta && uk_read_file(jpath, &meta, &mlen, err) < 0)) {
		if (!err->msg[0])
			uk_errorf(err, "cannot read '%s': %s", image, strerror(errno));
		goto out;
	}
	klen = (size_t)st.st_size;
	/* Room for the whole tar (headers and padding are a few KiB), so the
	 * kernel is copied once and never moved by a realloc. */
	if ((tar->p = malloc(klen + mlen + 16384)))
		tar->cap = klen + mlen + 16384;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, tar, NULL, uk_archive_mem_write, NULL) != ARCHIVE_OK) {
		rc = fail(a, tar, "cannot start the image layer", err);
		a = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "unikernel/%s", name);
	if (add_entry(a, e, "unikernel", 1, 0755, NULL, 0, mtime, 0) < 0 ||
	    add_kernel(a, e, path, fd, &st, mtime, image, err) < 0) {
		if (err->msg[0]) {
			archive_write_free(a);
			a = NULL;
			goto out;
		}
		rc = fail(a, tar, "packing the image layer", err);
		a = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "unikernel/%s.json", name);
	if ((has_meta && add_entry(a, e, path, 0, 0644, meta, mlen, mtime, mlen) < 0) ||
	    archive_write_close(a) != ARCHIVE_OK) {
		rc = fail(a, tar, "packing the image layer", err);
		a = NULL;
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_write_free(a);
	archive_entry_free(e);
	if (fd >= 0)
		close(fd);
	free(meta);
	free(jpath);
	return rc;
}

/* Level 1, or 0 when the first MiB shrinks by less than 5%. */
static int pick_level(const struct uk_archive_mem *tar, struct uk_error *err)
{
	size_t n = tar->len < SAMPLE ? tar->len : SAMPLE, slen;
	void *s;
	int level;

	if (uk_gzip(tar->p, n, 1, &s, &slen, err) < 0)
		return -1;
	level = slen * 20 > n * 19 ? 0 : 1;
	free(s);
	return level;
}

int uk_image_layer(const char *root, const char *image, const char *name,
		   long long mtime, const struct uk_layer_sink *sink,
		   char layer[UK_DIGEST_MAX], size_t *len, char diff[UK_DIGEST_MAX],
		   struct uk_error *err)
{
	struct uk_archive_mem tar = {0};
	struct uk_layer_stream st;
	struct uk_digest_job job;
	unsigned long long size = 0;
	int level, rc = -1;

	if (make_tar(image, name, mtime, &tar, err) < 0)
		goto out;
	/* The diff_id is hashed by a second thread while two more gzip and
	 * a fourth writes and hashes the layer (layer_stream.h). */
	if (uk_digest_start(&job, tar.p, tar.len) < 0) {
		uk_errorf(err, "cannot compute a sha256 digest");
		goto out;
	}
	if (sink && tar.len <= sink->min)
		sink = NULL;
	if ((level = pick_level(&tar, err)) >= 0 &&
	    uk_layer_stream_open(&st, root, (tar.len + UK_GZIP_MEMBER - 1) / UK_GZIP_MEMBER + 1,
				 sink, err) == 0) {
		int ok = uk_gzip_stream(tar.p, tar.len, level, uk_layer_stream_member, &st,
					err) == 0;

		rc = uk_layer_stream_close(&st, ok, layer, &size, err);
	}
	uk_digest_join(&job, diff);
	*len = (size_t)size;
out:
	free(tar.p);
	return rc;
}
