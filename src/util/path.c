#include "util/path.h"

#include "util/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *uk_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *p;

	if (la == 0 || b[0] == '/')
		return strdup(b);
	if (asprintf(&p, "%s%s%s", a, a[la - 1] == '/' ? "" : "/", b) < 0)
		return NULL;
	return p;
}

char *uk_which(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = strdup(path);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *cand = uk_path_join(dir, name);

		if (cand && access(cand, X_OK) == 0) {
			free(copy);
			return cand;
		}
		free(cand);
	}
	free(copy);
	return NULL;
}

int uk_mkdirs(const char *path, struct uk_error *err)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return uk_errorf(err, "bad folder path '%s'", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return uk_errorf(err, "cannot create folder '%s': %s", buf,
					 strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return uk_errorf(err, "cannot create folder '%s': %s", buf, strerror(errno));
	return 0;
}

int uk_remove_tree(const char *path, struct uk_error *err)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : uk_errorf(err, "cannot remove '%s': %s", path,
						       strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0)
			return uk_errorf(err, "cannot remove '%s': %s", path, strerror(errno));
		return 0;
	}
	d = opendir(path);
	if (!d)
		return uk_errorf(err, "cannot read folder '%s': %s", path, strerror(errno));
	while (rc == 0 && (e = readdir(d))) {
		char *child;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = uk_path_join(path, e->d_name);
		rc = uk_remove_tree(child, err);
		free(child);
	}
	closedir(d);
	if (rc == 0 && rmdir(path) != 0)
		return uk_errorf(err, "cannot remove '%s': %s", path, strerror(errno));
	return rc;
}

/* The buffer is sized from fstat (an image read whole at `uk run` was
 * copied over and over as a doubling buffer grew), then grows if the file
 * does; reads go on until end of file either way. */
int uk_read_file(const char *path, char **data, size_t *len, struct uk_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
	struct stat st;
	char *buf = NULL, *nb;
	size_t cap = 8192, n = 0;
	ssize_t r;

	if (fd < 0)
		return uk_errorf(err, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 2; /* the NUL, and a byte to find the end */
	for (;;) {
		if (!buf || n + 1 >= cap) {
			if (buf)
				cap *= 2;
			if (!(nb = realloc(buf, cap))) {
				e = ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r < 0 ? errno : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (e) {
		free(buf);
		return uk_errorf(err, "cannot read '%s': %s", path, strerror(e));
	}
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

void uk_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* The rename is done either way; a folder that cannot be synced (some
	 * file systems refuse) loses nothing more than before. */
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void uk_sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
			  : strdup(".");

	if (dir)
		uk_sync_dir(dir);
	free(dir);
}

/* a symlink (written through, as ld does) or a device, FIFO or socket */
static int writes_through(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0;
	if (S_ISLNK(st.st_mode))
		return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
	return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int copy_into(const char *tmp, const char *path)
{
	char buf[65536];
	int in = open(tmp, O_RDONLY | O_CLOEXEC), out = -1, rc = -1, e;
	ssize_t n = 0;

	if (in >= 0 && (out = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
			for (ssize_t off = 0; n > 0 && off < n;) {
				ssize_t w = write(out, buf + off, (size_t)(n - off));

				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					goto done;
				off += w;
			}
		}
		rc = n == 0 ? 0 : -1;
	}
done:
	e = errno;
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = -1, e = errno;
	if (in >= 0)
		close(in);
	errno = e;
	return rc;
}

int uk_path_publish(const char *tmp, const char *path)
{
	int rc, e;

	if (!writes_through(path))
		return rename(tmp, path);
	rc = copy_into(tmp, path);
	e = errno;
	unlink(tmp);
	errno = e;
	return rc;
}

int uk_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = 0;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int write_file(const char *path, const void *data, size_t len, int mode,
		      int sync, struct uk_error *err)
{
	char *tmp;
	int fd, id;
	const char *p = data;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return uk_errorf(err, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		uk_errorf(err, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	id = uk_cleanup_add(tmp);
	if (uk_write_all(fd, p, len) != 0) {
		uk_errorf(err, "cannot write '%s': %s", path,
			  errno ? strerror(errno) : "nothing written");
		close(fd);
		goto fail;
	}
	/* Synced, the data reaches the disk before the name does, so a power
	 * loss leaves the old file or the new one, never an empty one. */
	if (fchmod(fd, (mode_t)mode) != 0 || (sync && fsync(fd) != 0)) {
		uk_errorf(err, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	if (close(fd) != 0 || uk_path_publish(tmp, path) != 0) {
		uk_errorf(err, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	uk_cleanup_remove(id);
	if (sync)
		uk_sync_parent(path);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	uk_cleanup_remove(id);
	free(tmp);
	return -1;
}

int uk_write_file_atomic(const char *path, const void *data, size_t len, int mode,
			 struct uk_error *err)
{
	return write_file(path, data, len, mode, 1, err);
}

int uk_write_file_unsynced(const char *path, const void *data, size_t len, int mode,
			   struct uk_error *err)
{
	return write_file(path, data, len, mode, 0, err);
}

int uk_file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int uk_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *uk_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return strdup(buf);
}
