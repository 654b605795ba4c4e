/* The layer of a built image: unikernel/, unikernel/NAME and
 * unikernel/NAME.json as a reproducible tar (fixed order, modes, owner and
 * time), gzipped without name or timestamp. The tar is made first, so its
 * digest (the diff_id) needs no second pass; gzip runs at level 1, or
 * stores (level 0) when a sample shows the kernel does not compress. Both
 * depend only on the bytes, so the same image gives the same layer. */
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
#include "util/path.h"

#define SAMPLE (1u << 20)

static int fail(struct archive *a, const struct uk_archive_mem *m, const char *what,
		struct uk_error *err)
{
	uk_errorf(err, "%s: %s", what, m->oom ? "out of memory" : archive_error_string(a));
	archive_write_free(a);
	return -1;
}

static int add_entry(struct archive *a, struct archive_entry *e,
		     const char *path, int is_dir, int mode, const char *data,
		     size_t len, long long mtime)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, is_dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, (mode_t)mode);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return -1;
	return len && archive_write_data(a, data, len) != (la_ssize_t)len ? -1 : 0;
}

static int make_tar(const char *image, const char *name, long long mtime,
		    struct uk_archive_mem *tar, struct uk_error *err)
{
	char *kernel = NULL, *meta = NULL, *jpath = NULL, path[600];
	size_t klen = 0, mlen = 0;
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct stat st;
	int rc = -1, has_meta;

	if (!a || !e || asprintf(&jpath, "%s.json", image) < 0) {
		jpath = NULL;
		uk_errorf(err, "out of memory");
		goto out;
	}
	has_meta = uk_file_exists(jpath);
	if (stat(image, &st) < 0 || uk_read_file(image, &kernel, &klen, err) < 0 ||
	    (has_meta && uk_read_file(jpath, &meta, &mlen, err) < 0)) {
		if (!err->msg[0])
			uk_errorf(err, "cannot read '%s': %s", image, strerror(errno));
		goto out;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, tar, NULL, uk_archive_mem_write, NULL) != ARCHIVE_OK) {
		rc = fail(a, tar, "cannot start the image layer", err);
		a = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "unikernel/%s", name);
	if (add_entry(a, e, "unikernel", 1, 0755, NULL, 0, mtime) < 0 ||
	    add_entry(a, e, path, 0, st.st_mode & 0111 ? 0755 : 0644, kernel, klen,
		      mtime) < 0) {
		rc = fail(a, tar, "packing the image layer", err);
		a = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "unikernel/%s.json", name);
	if ((has_meta && add_entry(a, e, path, 0, 0644, meta, mlen, mtime) < 0) ||
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
	free(kernel);
	free(meta);
	free(jpath);
	return rc;
}

/* gzip of buf (libarchive's raw format through its gzip filter). */
static int gzip_buf(const unsigned char *buf, size_t len, int level, struct uk_archive_mem *out,
		    struct uk_error *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char lv[4];
	int rc = -1;

	snprintf(lv, sizeof(lv), "%d", level);
	if (!a || !e) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	if (archive_write_set_format_raw(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "compression-level", lv) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open(a, out, NULL, uk_archive_mem_write, NULL) != ARCHIVE_OK) {
		rc = fail(a, out, "cannot start gzip", err);
		a = NULL;
		goto out;
	}
	archive_entry_set_pathname(e, "layer.tar");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, buf, len) != (la_ssize_t)len ||
	    archive_write_close(a) != ARCHIVE_OK) {
		rc = fail(a, out, "compressing the image layer", err);
		a = NULL;
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_write_free(a);
	archive_entry_free(e);
	return rc;
}

/* Level 1, or 0 when the first MiB shrinks by less than 5%. */
static int pick_level(const struct uk_archive_mem *tar, struct uk_error *err)
{
	struct uk_archive_mem s = {0};
	size_t n = tar->len < SAMPLE ? tar->len : SAMPLE;
	int level;

	if (gzip_buf(tar->p, n, 1, &s, err) < 0) {
		free(s.p);
		return -1;
	}
	level = s.len * 20 > n * 19 ? 0 : 1;
	free(s.p);
	return level;
}

int uk_image_layer(const char *image, const char *name, long long mtime,
		   void **tgz, size_t *len, char diff[UK_DIGEST_MAX],
		   struct uk_error *err)
{
	struct uk_archive_mem tar = {0}, gz = {0};
	int level, rc = -1;

	*tgz = NULL;
	*len = 0;
	if (make_tar(image, name, mtime, &tar, err) < 0 ||
	    uk_digest_buf(tar.p, tar.len, diff) < 0 ||
	    (level = pick_level(&tar, err)) < 0 ||
	    gzip_buf(tar.p, tar.len, level, &gz, err) < 0) {
		if (!err->msg[0])
			uk_errorf(err, "cannot compute a sha256 digest");
		goto out;
	}
	*tgz = gz.p;
	*len = gz.len;
	gz.p = NULL;
	rc = 0;
out:
	free(tar.p);
	free(gz.p);
	return rc;
}
