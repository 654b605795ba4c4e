/* Blobs and files of an OCI image layout. */
#include "store/layout.h"
#include "store/layer.h"

#include "util/cleanup.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OCI_LAYOUT_JSON "{\"imageLayoutVersion\":\"1.0.0\"}"
#define EMPTY_INDEX_JSON                                                      \
	"{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"" UK_MT_INDEX         \
	"\",\n  \"manifests\": []\n}\n"

int uk_layout_present(const char *root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/oci-layout", root);
	return access(path, F_OK) == 0;
}

static int mkdir_p(const char *path, struct uk_error *err)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return uk_errorf(err, "bad store path '%s'", path);
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return uk_errorf(err, "cannot create '%s': %s", buf,
					 strerror(errno));
		buf[i] = i == n ? '\0' : '/';
	}
	return 0;
}

/* A temporary file in <root>/.tmp, 0644; returns the fd, *tmp is malloc'd. */
static int tmp_file(const char *root, char **tmp, struct uk_error *err)
{
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s/.tmp", root);
	if (mkdir_p(dir, err) < 0)
		return -1;
	if (asprintf(tmp, "%s/XXXXXX", dir) < 0)
		return uk_errorf(err, "out of memory");
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		uk_errorf(err, "cannot create a file in '%s': %s", dir,
			  strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	fchmod(fd, 0644);
	return fd;
}

/* Writes path atomically: synced before its name changes, and its folder
 * after. With no_clobber, an existing file is kept. Errors name path (the
 * temporary file is uk's business, not the user's). */
static int write_file_atomic(const char *root, const char *path,
			     const void *buf, size_t len, int no_clobber,
			     struct uk_error *err)
{
	char *tmp = NULL;
	int fd = tmp_file(root, &tmp, err), rc = 0, id;

	if (fd < 0)
		return -1;
	id = uk_cleanup_add(tmp);
	if (uk_write_all(fd, buf, len) < 0 || fsync(fd) < 0)
		rc = uk_errorf(err, "cannot write '%s': %s", path, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = uk_errorf(err, "cannot write '%s': %s", path, strerror(errno));
	if (rc == 0 && no_clobber) {
		if (link(tmp, path) < 0 && errno != EEXIST)
			rc = uk_errorf(err, "cannot create '%s': %s", path,
				       strerror(errno));
	} else if (rc == 0 && rename(tmp, path) < 0) {
		rc = uk_errorf(err, "cannot create '%s': %s", path,
			       strerror(errno));
	}
	if (rc < 0 || no_clobber)
		unlink(tmp);
	uk_cleanup_remove(id);
	if (rc == 0)
		uk_sync_parent(path);
	free(tmp);
	return rc;
}

int uk_layout_write_file(const char *root, const char *name, const void *buf,
			 size_t len, struct uk_error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return write_file_atomic(root, path, buf, len, 0, err);
}

int uk_layout_init(const char *root, struct uk_error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/blobs/sha256", root);
	if (mkdir_p(path, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/oci-layout", root);
	if (access(path, F_OK) < 0 &&
	    write_file_atomic(root, path, OCI_LAYOUT_JSON,
			      strlen(OCI_LAYOUT_JSON), 1, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/index.json", root);
	if (access(path, F_OK) < 0 &&
	    write_file_atomic(root, path, EMPTY_INDEX_JSON,
			      strlen(EMPTY_INDEX_JSON), 1, err) < 0)
		return -1;
	return 0;
}

char *uk_layout_blob_path(const char *root, const char *digest)
{
	char *p;

	if (!uk_digest_valid(digest))
		return NULL;
	if (asprintf(&p, "%s/blobs/sha256/%s", root, uk_digest_hex(digest)) < 0)
		return NULL;
	return p;
}

/* 1 if the blob exists with exactly that content. */
static int open_published(const char *root, const char *digest,
			  struct uk_error *err);

/* 1 when the store holds the blob under its name with the right content. */
static int blob_ok(const char *root, const char *digest)
{
	struct uk_error e = {0};
	int fd = open_published(root, digest, &e);
	char got[UK_DIGEST_MAX];
	struct uk_sha256 h;
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return 0;
	if (uk_sha256_init(&h) < 0) {
		close(fd);
		return 0;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		uk_sha256_update(&h, chunk, (size_t)n);
	close(fd);
	uk_sha256_final(&h, got);
	return n == 0 && strcmp(got, digest) == 0;
}

int uk_blob_writer_open(struct uk_blob_writer *w, const char *root,
			struct uk_error *err)
{
	char path[PATH_MAX];

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->cleanup = -1;
	snprintf(path, sizeof(path), "%s/blobs/sha256", root);
	if (mkdir_p(path, err) < 0)
		return -1;
	if (!(w->root = strdup(root)) || uk_sha256_init(&w->h) < 0) {
		uk_blob_writer_abort(w);
		return uk_errorf(err, "out of memory");
	}
	w->fd = tmp_file(root, &w->tmp, err);
	if (w->fd < 0) {
		uk_blob_writer_abort(w);
		return -1;
	}
	w->cleanup = uk_cleanup_add(w->tmp);
	return 0;
}

#define WRITEBACK_STEP (4u << 20)

int uk_blob_writer_write(struct uk_blob_writer *w, const void *buf,
			 size_t len, struct uk_error *err)
{
	if (uk_write_all(w->fd, buf, len) < 0)
		return uk_errorf(err, "cannot write a blob into the store '%s': %s",
				 w->root, strerror(errno));
	uk_sha256_update(&w->h, buf, len);
	/* The disk writes what came in so far while the rest comes, so the
	 * fsync at the commit has little left to wait for. */
	if (w->h.size - w->kicked >= WRITEBACK_STEP) {
		sync_file_range(w->fd, (off_t)w->kicked, (off_t)(w->h.size - w->kicked),
				SYNC_FILE_RANGE_WRITE);
		w->kicked = w->h.size;
	}
	return 0;
}

int uk_blob_writer_check_layer(const struct uk_blob_writer *w,
			       const char *digest, unsigned long long size,
			       struct uk_error *err)
{
	int fd = open(w->tmp, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return uk_errorf(err, "cannot read back blob %s: %s", digest,
				 strerror(errno));
	rc = uk_layer_check_fd(fd, digest, size, err);
	close(fd);
	return rc;
}

int uk_layout_has_blob(const char *root, const char *digest,
		       unsigned long long size)
{
	char *path = uk_layout_blob_path(root, digest);
	struct stat st;
	int ok = path && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		 (unsigned long long)st.st_size == size;

	free(path);
	return ok;
}

void uk_blob_writer_abort(struct uk_blob_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		unlink(w->tmp);
	uk_cleanup_remove(w->cleanup);
	uk_sha256_free(&w->h);
	free(w->tmp);
	free(w->root);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->cleanup = -1;
}

/* Between uk_layout_batch_begin and uk_layout_batch_end, the folder a blob
 * is renamed into is synced once, at the end, instead of after each rename
 * (each sync is a journal commit, about a millisecond here). */
static unsigned batch_depth;
static char batch_dir[PATH_MAX];

static void sync_batch_dir(void)
{
	if (batch_dir[0]) {
		uk_sync_dir(batch_dir);
		batch_dir[0] = 0;
	}
}

/* After a blob is renamed to path: its folder synced, or marked for the
 * batch's end. */
static void sync_blob_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!batch_depth || !slash || n >= sizeof(batch_dir)) {
		uk_sync_parent(path);
		return;
	}
	if (batch_dir[0] && (strlen(batch_dir) != n || strncmp(batch_dir, path, n)))
		sync_batch_dir(); /* another store's folder */
	memcpy(batch_dir, path, n);
	batch_dir[n] = 0;
}

void uk_layout_batch_begin(void)
{
	batch_depth++;
}

void uk_layout_batch_end(void)
{
	if (batch_depth && --batch_depth == 0)
		sync_batch_dir();
}

int uk_blob_writer_commit(struct uk_blob_writer *w, const char *expect,
			  char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	char got[UK_DIGEST_MAX], *path = NULL;
	int rc = -1;

	uk_sha256_final(&w->h, got);
	if (expect && strcmp(got, expect) != 0) {
		uk_errorf(err, "blob content hashes to %s, expected %s", got,
			  expect);
		goto out;
	}
	if (fsync(w->fd) < 0 || close(w->fd) < 0) {
		w->fd = -1;
		uk_errorf(err, "cannot write blob %s into the store '%s': %s", got,
			  w->root, strerror(errno));
		goto out;
	}
	w->fd = -1;
	path = uk_layout_blob_path(w->root, got);
	if (!path) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	if (blob_ok(w->root, got)) {
		rc = 0;
		goto out;
	}
	if (rename(w->tmp, path) < 0) {
		uk_errorf(err, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	sync_blob_parent(path);
	uk_cleanup_remove(w->cleanup);
	w->cleanup = -1;
	free(w->tmp);
	w->tmp = NULL;
	rc = 0;
out:
	if (rc == 0 && digest_out)
		memcpy(digest_out, got, UK_DIGEST_MAX);
	free(path);
	uk_blob_writer_abort(w);
	return rc;
}

/* Blobs put with uk_layout_put_blob_later, not yet published. */
struct pending {
	char *root, *tmp;
	char digest[UK_DIGEST_MAX];
	int fd, cleanup;
};
static struct pending *pending;
static size_t npending;

static const struct pending *pending_find(const char *root, const char *digest)
{
	size_t i;

	for (i = 0; i < npending; i++)
		if (!strcmp(pending[i].root, root) && !strcmp(pending[i].digest, digest))
			return &pending[i];
	return NULL;
}

/* Syncs tmp (fd, closed here either way) and renames it to the blob's
 * name (a copy there, from another process, has the same bytes); tmp is
 * gone after. */
static int publish(const char *root, const char *tmp, int fd, const char *digest,
		   struct uk_error *err)
{
	char *path = NULL;
	int rc = 0;

	if (fsync(fd) < 0)
		rc = uk_errorf(err, "cannot write a blob into the store '%s': %s", root,
			       strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = uk_errorf(err, "cannot write a blob into the store '%s': %s", root,
			       strerror(errno));
	if (rc == 0 && !(path = uk_layout_blob_path(root, digest)))
		rc = uk_errorf(err, "out of memory");
	else if (rc == 0 && rename(tmp, path) < 0)
		rc = uk_errorf(err, "cannot create '%s': %s", path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	else
		sync_blob_parent(path);
	free(path);
	return rc;
}

/* A big blob (a layer) is hashed by a second thread while this one writes
 * it to a temporary file: one pass over it, not two one after the other.
 * later: the file's write-back is started, not waited for, and the blob is
 * published by uk_layout_publish. */
#define PUT_THREADED_MIN (1u << 20)

static void publish_at_exit(void);

/* Keeps tmp (its fd and cleanup handle) for uk_layout_publish. */
static int defer(const char *root, char *tmp, int fd, int cleanup,
		 const char *digest)
{
	static int registered;
	struct pending *p = realloc(pending, (npending + 1) * sizeof(*pending));

	if (!p)
		return -1;
	pending = p;
	p += npending;
	if (!(p->root = strdup(root)))
		return -1;
	if (!registered)
		registered = atexit(publish_at_exit) == 0;
	memcpy(p->digest, digest, UK_DIGEST_MAX);
	p->tmp = tmp;
	p->fd = fd;
	p->cleanup = cleanup;
	npending++;
	return 0;
}

static int put_big_blob(const char *root, const void *buf, size_t len, int later,
			char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	struct uk_digest_job job;
	char *tmp = NULL;
	int fd, id, rc = 0;

	if (uk_digest_start(&job, buf, len) < 0)
		return uk_errorf(err, "cannot compute a sha256 digest");
	fd = tmp_file(root, &tmp, err);
	if (fd < 0) {
		uk_digest_join(&job, digest_out);
		return -1;
	}
	id = uk_cleanup_add(tmp);
	if (uk_write_all(fd, buf, len) < 0)
		rc = uk_errorf(err, "cannot write a blob into the store '%s': %s", root,
			       strerror(errno));
	if (rc == 0 && later)
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	uk_digest_join(&job, digest_out);
	/* A good copy in the store already: this one is not needed. */
	if (rc < 0 || blob_ok(root, digest_out)) {
		close(fd);
		unlink(tmp);
	} else if (later && defer(root, tmp, fd, id, digest_out) == 0) {
		return 0;
	} else {
		rc = publish(root, tmp, fd, digest_out, err);
	}
	uk_cleanup_remove(id);
	free(tmp);
	return rc;
}

int uk_blob_writer_commit_later(struct uk_blob_writer *w,
				char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	int rc = 0;

	uk_sha256_final(&w->h, digest_out);
	sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	/* A good copy in the store already: this one is not needed. */
	if (blob_ok(w->root, digest_out)) {
		uk_blob_writer_abort(w);
		return 0;
	}
	if (defer(w->root, w->tmp, w->fd, w->cleanup, digest_out) < 0) {
		rc = publish(w->root, w->tmp, w->fd, digest_out, err);
		uk_cleanup_remove(w->cleanup);
		free(w->tmp);
	}
	/* tmp, fd and cleanup are the pending entry's (or gone) now */
	w->tmp = NULL;
	w->fd = -1;
	w->cleanup = -1;
	uk_blob_writer_abort(w);
	return rc;
}

int uk_layout_publish(struct uk_error *err)
{
	size_t i;
	int rc = 0;

	uk_layout_batch_begin();
	for (i = 0; i < npending; i++) {
		struct pending *p = &pending[i];

		struct uk_error later = {0};

		/* the first failure is the one reported */
		if (publish(p->root, p->tmp, p->fd, p->digest, rc < 0 ? &later : err) < 0)
			rc = -1;
		uk_cleanup_remove(p->cleanup);
		free(p->root);
		free(p->tmp);
	}
	uk_layout_batch_end();
	free(pending);
	pending = NULL;
	npending = 0;
	return rc;
}

static void publish_at_exit(void)
{
	uk_layout_publish(NULL);
}

static int put_blob(const char *root, const void *buf, size_t len, int later,
		    char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	struct uk_blob_writer w;
	char path[PATH_MAX];

	if (len >= PUT_THREADED_MIN) {
		snprintf(path, sizeof(path), "%s/blobs/sha256", root);
		return mkdir_p(path, err) < 0 ? -1
					      : put_big_blob(root, buf, len, later, digest_out, err);
	}
	if (uk_digest_buf(buf, len, digest_out) < 0)
		return uk_errorf(err, "cannot compute a sha256 digest");
	if (blob_ok(root, digest_out))
		return 0;
	if (uk_blob_writer_open(&w, root, err) < 0)
		return -1;
	if (uk_blob_writer_write(&w, buf, len, err) < 0) {
		uk_blob_writer_abort(&w);
		return -1;
	}
	return uk_blob_writer_commit(&w, digest_out, NULL, err);
}

int uk_layout_put_blob_later(const char *root, const void *buf, size_t len,
			     char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	return put_blob(root, buf, len, 1, digest_out, err);
}

int uk_layout_put_blob(const char *root, const void *buf, size_t len,
		       char digest_out[UK_DIGEST_MAX], struct uk_error *err)
{
	return put_blob(root, buf, len, 0, digest_out, err);
}

int uk_layout_open_blob(const char *root, const char *digest,
			struct uk_error *err)
{
	const struct pending *p = pending_find(root, digest);
	int fd;

	if (!p)
		return open_published(root, digest, err);
	if ((fd = open(p->tmp, O_RDONLY | O_CLOEXEC)) < 0)
		uk_errorf(err, "cannot open '%s': %s", p->tmp, strerror(errno));
	return fd;
}

static int open_published(const char *root, const char *digest,
			  struct uk_error *err)
{
	char *path = uk_layout_blob_path(root, digest);
	int fd;

	if (!path)
		return uk_errorf(err, "'%s' is not a sha256 digest", digest);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			uk_errorf(err, "blob %s is missing from the store '%s'",
				  digest, root);
			uk_hintf(err, "the store is incomplete; add the component again "
				      "(uk pkg create DIR, or uk pull REF)");
		} else {
			uk_errorf(err, "cannot open '%s': %s", path,
				  strerror(errno));
		}
	}
	free(path);
	return fd;
}

static int corrupt(struct uk_error *err, const char *root, const char *digest,
		   const char *what)
{
	uk_errorf(err, "blob %s in the store '%s' is corrupt: %s", digest, root,
		  what);
	return uk_hintf(err, "delete '%s/blobs/sha256/%s' and add the component "
			     "again (uk pkg create DIR, or uk pull REF)",
			root, uk_digest_hex(digest));
}

int uk_layout_read_blob(const char *root, const char *digest, long long size,
			size_t max, char **buf, size_t *len,
			struct uk_error *err)
{
	struct stat st;
	char got[UK_DIGEST_MAX], why[128];
	char *p;
	size_t off = 0;
	int fd = uk_layout_open_blob(root, digest, err);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return corrupt(err, root, digest, "not a regular file");
	}
	if (size >= 0 && st.st_size != size) {
		close(fd);
		snprintf(why, sizeof(why), "it has %lld bytes, %lld expected",
			 (long long)st.st_size, size);
		return corrupt(err, root, digest, why);
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		snprintf(why, sizeof(why), "it has %lld bytes, more than %zu allowed",
			 (long long)st.st_size, max);
		return corrupt(err, root, digest, why);
	}
	if (!(p = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return uk_errorf(err, "out of memory");
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, p + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	p[off] = '\0';
	if (uk_digest_buf(p, off, got) < 0 || strcmp(got, digest) != 0 ||
	    off != (size_t)st.st_size) {
		free(p);
		snprintf(why, sizeof(why), "its content hashes to %s", got);
		return corrupt(err, root, digest, why);
	}
	*buf = p;
	*len = off;
	return 0;
}

int uk_layout_lock(const char *root, struct uk_error *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/.lock", root);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return uk_errorf(err, "cannot open '%s': %s", path,
				 strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			uk_errorf(err, "cannot lock '%s': %s", path,
				  strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

void uk_layout_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
