/* An image layer's tar made on a thread of its own (see layer_tar.h). */
#include "store/layer_tar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif
#include <unistd.h>

#include "util/path.h"

/* Readers are told of progress every so many bytes. */
#define TELL_STEP (1u << 20)

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

/* The kernel's bytes go where they belong in the tar before libarchive
 * is handed them from there: unblocked (write_tar), it passes them on to
 * tar_write as they are, which finds them in place. Where the headers
 * before them take HEAD bytes (as they do unless the name is long), the
 * tar's room was placed so that they start on a page, and the file is
 * mapped there (private: the padding after it may be written on its last
 * page): no copy at all, its pages mapped in PIECE bytes at a time (not
 * all before the first is told). Else they are read there. Pieces let
 * readers start on the first ones. */
#define PIECE (1u << 20)

static int map_kernel(struct uk_layer_tar *t, unsigned char *at, size_t len)
{
	struct stat now;

	if (t->mem.len != UK_LAYER_TAR_HEAD || len == 0 ||
	    mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, t->fd, 0) == MAP_FAILED)
		return 0;
	/* shorter now, the pages past its end would fault: read it instead */
	if (fstat(t->fd, &now) < 0 || now.st_size != t->st.st_size) {
		mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
		return 0;
	}
	return 1;
}

static int add_kernel(struct archive *a, struct archive_entry *e, const char *path,
		      struct uk_layer_tar *t, struct uk_error *err)
{
	unsigned long long left = (unsigned long long)t->st.st_size;
	int rc = 0, mapped;

	if (add_entry(a, e, path, 0, t->st.st_mode & 0111 ? 0755 : 0644, NULL, 0, t->mtime,
		      (size_t)left) < 0)
		return -1;
	if (t->mem.len + left > t->mem.cap)
		return uk_errorf(err, "'%s' changed while it was packed", t->image);
	mapped = map_kernel(t, t->mem.p + t->mem.len, (size_t)left);
	while (rc == 0 && left > 0) {
		size_t want = left < PIECE ? (size_t)left : PIECE;
		unsigned char *at = t->mem.p + t->mem.len;
		ssize_t n = mapped ? (ssize_t)want : read(t->fd, at, want);

		/* mapped a piece at a time, so that readers start on the first */
		if (mapped)
			madvise(at, want, MADV_POPULATE_READ);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = uk_errorf(err, "'%s' changed while it was packed", t->image);
		else if (archive_write_data(a, at, (size_t)n) != n)
			rc = -1;
		else
			left -= (unsigned long long)n;
	}
	return rc;
}

/* libarchive's output into the fixed room, progress told to readers. */
static la_ssize_t tar_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct uk_layer_tar *t = ctx;

	(void)a;
	if (t->mem.len + len > t->mem.cap) {
		t->mem.oom = 1; /* more headers than planned for */
		return -1;
	}
	/* the kernel's bytes are there already (add_kernel) */
	if (buf != t->mem.p + t->mem.len)
		memmove(t->mem.p + t->mem.len, buf, len);
	t->mem.len += len;
	if (t->mem.len - t->told >= TELL_STEP) {
		t->told = t->mem.len;
		pthread_mutex_lock(&t->mu);
		t->ready = t->mem.len;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
	}
	return (la_ssize_t)len;
}

static int write_tar(struct uk_layer_tar *t, struct uk_error *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char path[600];
	int rc = -1;

	if (!a || !e) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, t, NULL, tar_write, NULL) != ARCHIVE_OK) {
		rc = fail(a, &t->mem, "cannot start the image layer", err);
		a = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "unikernel/%s", t->name);
	if (add_entry(a, e, "unikernel", 1, 0755, NULL, 0, t->mtime, 0) < 0 ||
	    add_kernel(a, e, path, t, err) < 0) {
		if (err->msg[0]) {
			archive_write_free(a);
			a = NULL;
			goto out;
		}
		rc = fail(a, &t->mem, "packing the image layer", err);
		a = NULL;
		goto out;
	}
	snprintf(path, sizeof(path), "unikernel/%s.json", t->name);
	if ((t->meta && add_entry(a, e, path, 0, 0644, t->meta, t->mlen, t->mtime, t->mlen) < 0) ||
	    archive_write_close(a) != ARCHIVE_OK) {
		rc = fail(a, &t->mem, "packing the image layer", err);
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

static void *tar_thread(void *arg)
{
	struct uk_layer_tar *t = arg;
	int rc = write_tar(t, &t->err);

	pthread_mutex_lock(&t->mu);
	t->failed = rc < 0;
	t->ready = t->mem.len;
	t->done = 1;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int uk_layer_tar_open(struct uk_layer_tar *t, const char *image, const char *name,
		      long long mtime, struct uk_error *err)
{
	char *jpath = NULL;
	size_t room;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->image = image;
	t->name = name;
	t->mtime = mtime;
	if (asprintf(&jpath, "%s.json", image) < 0)
		return uk_errorf(err, "out of memory");
	if ((t->fd = open(image, O_RDONLY | O_CLOEXEC)) < 0 || fstat(t->fd, &t->st) < 0 ||
	    (uk_file_exists(jpath) && uk_read_file(jpath, &t->meta, &t->mlen, err) < 0)) {
		if (!err->msg[0])
			uk_errorf(err, "cannot read '%s': %s", image, strerror(errno));
		goto fail;
	}
	/* Room for the whole tar (headers and padding are a few KiB), so the
	 * kernel is copied once and the buffer never moves. */
	room = (size_t)t->st.st_size + t->mlen + 16384;
	t->page = (size_t)sysconf(_SC_PAGESIZE);
	t->maplen = room + t->page;
	if ((t->map = mmap(NULL, t->maplen, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED) {
		t->map = NULL;
		uk_errorf(err, "out of memory");
		goto fail;
	}
	t->mem.p = (unsigned char *)t->map + t->page - UK_LAYER_TAR_HEAD % t->page;
	t->mem.cap = room;
	free(jpath);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	return 0;
fail:
	free(jpath);
	free(t->meta);
	if (t->fd >= 0)
		close(t->fd);
	return -1;
}

void uk_layer_tar_start(struct uk_layer_tar *t)
{
	if (pthread_create(&t->thread, NULL, tar_thread, t) == 0)
		t->threaded = 1;
	else
		tar_thread(t);
}

size_t uk_layer_tar_ready(void *arg, size_t want)
{
	struct uk_layer_tar *t = arg;
	size_t got;

	pthread_mutex_lock(&t->mu);
	while (!t->done && t->ready < want)
		pthread_cond_wait(&t->cv, &t->mu);
	got = t->done && t->failed ? (size_t)-1 : t->ready;
	pthread_mutex_unlock(&t->mu);
	return got;
}

int uk_layer_tar_close(struct uk_layer_tar *t, struct uk_error *err)
{
	if (t->threaded)
		pthread_join(t->thread, NULL);
	t->threaded = 0;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->meta);
	t->meta = NULL;
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	if (t->failed) {
		*err = t->err;
		return -1;
	}
	return 0;
}

void uk_layer_tar_free(struct uk_layer_tar *t)
{
	if (t->map)
		munmap(t->map, t->maplen);
	t->map = NULL;
	t->mem.p = NULL;
}
