/* Unpacking a tar+gzip or plain tar layer (told apart by their first
 * bytes) from untrusted bytes: the digest is computed
 * over exactly what libarchive is fed, every entry is checked before
 * anything is written, and the bytes it unpacks to are capped (a total, and
 * a ratio to the compressed size, against gzip bombs). The same walk without
 * writing checks a layer when it is pulled. */
#include "store/layer.h"

#include "util/archive_lazy.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/digest.h"
#include "util/gunzip.h"

#define UNPACK_MAX_BYTES (16ULL << 30)
/* gzip reaches about 1000:1 on zeros; real components and kernels stay
 * under 10:1. Small layers may always unpack to UNPACK_MIN_CAP. */
#define UNPACK_MAX_RATIO 100ULL
#define UNPACK_MIN_CAP (64ULL << 20)
#define UNPACK_MAX_ENTRIES 1000000

/* How many bytes a layer of size compressed bytes may unpack to. */
static unsigned long long unpack_cap(unsigned long long size)
{
	unsigned long long cap = size > UNPACK_MAX_BYTES / UNPACK_MAX_RATIO
					 ? UNPACK_MAX_BYTES
					 : size * UNPACK_MAX_RATIO;

	return cap < UNPACK_MIN_CAP ? UNPACK_MIN_CAP : cap;
}

/* The layer's bytes, hashed as they are read; a tar+gzip goes through
 * util/gunzip.h (ISA-L) on its way to libarchive, which then reads a tar. */
struct hashed_fd {
	int fd;
	struct uk_sha256 h;
	int hashed; /* 0: the caller checks the digest itself */
	unsigned long long nread;
	int io_errno;
	size_t ahead; /* bytes of buf read (and hashed) to tell gzip from tar */
	struct uk_gunzip *gz;
	struct uk_error gz_err;
	unsigned char buf[256 << 10];
};

static void took(struct hashed_fd *r, size_t n)
{
	r->nread += n;
	if (r->hashed)
		uk_sha256_update(&r->h, r->buf, n);
}

static ssize_t hashed_next(void *ctx, const void **out)
{
	struct hashed_fd *r = ctx;
	ssize_t n;

	*out = r->buf;
	if (r->ahead) {
		n = (ssize_t)r->ahead;
		r->ahead = 0;
		return n;
	}
	do
		n = read(r->fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->io_errno = errno;
		return -1;
	}
	took(r, (size_t)n);
	return n;
}

static la_ssize_t hashed_read(struct archive *a, void *ctx, const void **out)
{
	struct hashed_fd *r = ctx;

	(void)a;
	return r->gz ? uk_gunzip_read(r->gz, out, &r->gz_err) : hashed_next(r, out);
}

/* Reads the layer's first bytes: a gzip (1f 8b) is read through gunzip. */
static int open_input(struct hashed_fd *r, struct uk_error *err)
{
	const void *p;
	ssize_t n = hashed_next(r, &p);

	if (n < 0)
		return uk_errorf(err, "reading it: %s", strerror(r->io_errno));
	r->ahead = (size_t)n;
	if (n < 2 || r->buf[0] != 0x1f || r->buf[1] != 0x8b)
		return 0;
	r->ahead = 0;
	r->gz = uk_gunzip_new(hashed_next, r, r->buf, (size_t)n, err);
	return r->gz ? 0 : -1;
}

/* Hashes whatever libarchive did not need (padding after the tar end). */
static int drain(struct hashed_fd *r)
{
	for (;;) {
		ssize_t n = read(r->fd, r->buf, sizeof(r->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->io_errno = errno;
			return -1;
		}
		if (n == 0)
			return 0;
		took(r, (size_t)n);
	}
}

/* After a failure: bad bytes are more often corruption than a bad archive,
 * so if the blob does not match its digest, say that instead. */
static void blame_corruption(struct hashed_fd *r, const char *digest,
			     struct uk_error *err)
{
	char got[UK_DIGEST_MAX];

	if (!r->hashed || drain(r) < 0 || r->io_errno)
		return;
	uk_sha256_final(&r->h, got);
	if (strcmp(got, digest) != 0)
		uk_errorf(err, "layer %s is corrupt: its content hashes to %s",
			  digest, got);
}

/* "./a/b" -> "a/b"; NULL for absolute paths, "..", empty parts. */
static const char *clean_path(const char *p)
{
	const char *s;
	size_t len;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	len = strlen(p);
	if (len == 0 || len >= PATH_MAX / 2 || p[0] == '/')
		return NULL;
	for (s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 0 && e)
			return NULL; /* "a//b" */
		if ((n == 2 && s[0] == '.' && s[1] == '.') ||
		    (n == 1 && s[0] == '.'))
			return NULL;
		if (!e)
			break;
		s = e + 1;
	}
	return p;
}

/* Creates the folders leading to rel (and rel itself if is_dir). */
static int make_dirs(const char *dest, const char *rel, int is_dir,
		     struct uk_error *err)
{
	char path[PATH_MAX];
	size_t base = strlen(dest) + 1, i;
	int n = snprintf(path, sizeof(path), "%s/%s", dest, rel);

	if (n < 0 || (size_t)n >= sizeof(path))
		return uk_errorf(err, "layer entry '%s': path too long", rel);
	for (i = base; i <= (size_t)n; i++) {
		char c = path[i];

		if (c != '/' && !(c == '\0' && is_dir))
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return uk_errorf(err, "cannot create '%s': %s", path,
					 strerror(errno));
		path[i] = c;
	}
	return 0;
}

/* Writes the entry's data under dest, or with dest NULL only counts it. */
static int write_file(struct archive *a, struct archive_entry *e,
		      const char *dest, const char *rel,
		      unsigned long long *total, unsigned long long size,
		      struct uk_error *err)
{
	char path[PATH_MAX], buf[65536];
	mode_t mode = (archive_entry_perm(e) & 0111) ? 0755 : 0644;
	unsigned long long cap = unpack_cap(size);
	int fd = -1, rc = 0;
	la_ssize_t n;

	if (dest) {
		if (make_dirs(dest, rel, 0, err) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/%s", dest, rel);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode);
		if (fd < 0)
			return uk_errorf(err, "layer entry '%s': cannot create: %s",
					 rel, errno == EEXIST ? "entry repeated"
							      : strerror(errno));
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		*total += (unsigned long long)n;
		if (*total > cap) {
			if (cap == UNPACK_MAX_BYTES)
				rc = uk_errorf(err, "layer unpacks to more than %llu "
						    "bytes", cap);
			else
				rc = uk_errorf(err, "layer of %llu bytes unpacks to "
						    "more than %llu bytes (at entry "
						    "'%s'), over %llu times its size",
					       size, cap, rel, UNPACK_MAX_RATIO);
			break;
		}
		if (fd >= 0 && write(fd, buf, (size_t)n) != n) {
			rc = uk_errorf(err, "cannot write '%s': %s", path,
				       strerror(errno));
			break;
		}
	}
	if (n < 0 && rc == 0)
		rc = uk_errorf(err, "layer entry '%s': %s", rel,
			       archive_error_string(a));
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = uk_errorf(err, "cannot write '%s': %s", path,
			       strerror(errno));
	return rc;
}

/* Why an entry that is neither a file nor a folder is refused. */
static int bad_kind(struct archive_entry *e, const char *rel,
		    struct uk_error *err)
{
	const char *hard = archive_entry_hardlink(e);
	const char *soft = archive_entry_symlink(e);
	mode_t type = archive_entry_filetype(e);

	if (hard)
		return uk_errorf(err, "layer entry '%s' is a hard link to '%s'; a "
				      "layer may hold only files and folders",
				 rel, hard);
	if (type == AE_IFLNK)
		return uk_errorf(err, "layer entry '%s' is a symbolic link to '%s'; "
				      "a layer may hold only files and folders",
				 rel, soft ? soft : "");
	return uk_errorf(err, "layer entry '%s' is a %s; a layer may hold only "
			      "files and folders", rel,
			 type == AE_IFCHR || type == AE_IFBLK ? "device file"
			 : type == AE_IFIFO		     ? "FIFO"
			 : type == AE_IFSOCK		     ? "socket"
							     : "special file");
}

/* With dest NULL, checks every entry (and the byte caps) writing nothing. */
static int unpack_entries(struct archive *a, const char *dest,
			  unsigned long long size, struct uk_error *err)
{
	struct archive_entry *e;
	unsigned long long total = 0;
	size_t count = 0;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		const char *rel = name ? clean_path(name) : NULL;
		mode_t type = archive_entry_filetype(e);

		if (++count > UNPACK_MAX_ENTRIES)
			return uk_errorf(err, "layer has more than %d entries",
					 UNPACK_MAX_ENTRIES);
		if (!rel)
			return uk_errorf(err, "layer entry '%s' has an unsafe path",
					 name ? name : "");
		if (archive_entry_hardlink(e) || (type != AE_IFREG && type != AE_IFDIR))
			return bad_kind(e, rel, err);
		if (type == AE_IFDIR) {
			if (dest && make_dirs(dest, rel, 1, err) < 0)
				return -1;
		} else if (write_file(a, e, dest, rel, &total, size, err) < 0) {
			return -1;
		}
	}
	if (r != ARCHIVE_EOF)
		return uk_errorf(err, "layer is not a valid tar or tar+gzip: %s",
				 archive_error_string(a));
	return 0;
}

/* Unpacks into dest, or with dest NULL only checks. */
static int read_layer(int fd, const char *dest, const char *digest,
		      unsigned long long size, int hashed, struct uk_error *err)
{
	struct hashed_fd *r = calloc(1, sizeof(*r));
	struct archive *a = archive_read_new();
	char got[UK_DIGEST_MAX];
	int rc = -1;

	if (!r || !a || uk_sha256_init(&r->h) < 0) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	r->fd = fd;
	r->hashed = hashed;
	if (open_input(r, err) < 0) {
		uk_error_wrap(err, "layer %s", digest);
		goto out;
	}
	archive_read_support_format_tar(a);
	if (archive_read_open(a, r, NULL, hashed_read, NULL) != ARCHIVE_OK) {
		uk_errorf(err, "layer %s is not a valid tar or tar+gzip: %s", digest,
			  r->io_errno ? strerror(r->io_errno)
			  : r->gz_err.msg[0] ? r->gz_err.msg
					     : archive_error_string(a));
		blame_corruption(r, digest, err);
		goto out;
	}
	if (unpack_entries(a, dest, size, err) < 0) {
		/* the gzip's own error says more than the tar reader's */
		if (r->gz_err.msg[0] && !r->io_errno)
			uk_errorf(err, "layer is not a valid tar+gzip: %s", r->gz_err.msg);
		uk_error_wrap(err, "layer %s", digest);
		blame_corruption(r, digest, err);
		goto out;
	}
	if (drain(r) < 0 || r->io_errno) {
		uk_errorf(err, "reading layer %s: %s", digest,
			  strerror(r->io_errno));
		goto out;
	}
	if (r->nread != size) {
		uk_errorf(err, "layer %s has %llu bytes, its descriptor says %llu",
			  digest, r->nread, size);
		goto out;
	}
	if (hashed)
		uk_sha256_final(&r->h, got);
	if (hashed && strcmp(got, digest) != 0) {
		uk_errorf(err, "layer %s is corrupt: its content hashes to %s",
			  digest, got);
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_read_free(a);
	if (r) {
		uk_gunzip_free(r->gz);
		uk_sha256_free(&r->h);
		free(r);
	}
	return rc;
}

int uk_layer_unpack_fd(int fd, const char *dest, const char *digest,
		       unsigned long long size, struct uk_error *err)
{
	return read_layer(fd, dest, digest, size, 1, err);
}

int uk_layer_check_fd(int fd, const char *digest, unsigned long long size,
		      struct uk_error *err)
{
	return read_layer(fd, NULL, digest, size, 1, err);
}

int uk_layer_check_fd_unhashed(int fd, const char *digest, unsigned long long size,
			       struct uk_error *err)
{
	return read_layer(fd, NULL, digest, size, 0, err);
}
