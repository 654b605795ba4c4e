/* The shared object cache (build/objcache.h). */
#include "builder/objcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/path.h"

#define REFRESH_SECONDS 3600 /* how stale an entry's mtime may get before a hit renews it */
#define TMP_SECONDS 3600     /* temporary files older than this were left by a dead build */

int uk_objcache_open(struct uk_objcache *c, const char *user_root, struct uk_error *err)
{
	memset(c, 0, sizeof(*c));
	if (!user_root)
		return uk_errorf(err, "no user store for the object cache");
	c->root = uk_path_join(user_root, "cache");
	return 0;
}

static char *entry_path(const struct uk_objcache *c, const char *kind, const char *key,
			const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/%s/%.2s/%s%s", c->root, kind, key, key, ext) < 0)
		abort();
	return p;
}

/* mkdir -p of the folder holding path. */
static int make_parent(const char *path)
{
	char *dir = strdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash) {
		*slash = '\0';
		rc = uk_is_dir(dir) ? 0 : uk_mkdirs(dir, NULL);
	}
	free(dir);
	return rc;
}

static char *lookup(struct uk_objcache *c, const char *kind, const char *key, const char *ext)
{
	char *p = entry_path(c, kind, key, ext);
	struct stat st;

	if (stat(p, &st) != 0) {
		free(p);
		return NULL;
	}
	/* the recency that eviction goes by */
	if (st.st_mtime < time(NULL) - REFRESH_SECONDS)
		utimensat(AT_FDCWD, p, NULL, 0);
	return p;
}

char *uk_objcache_obj(struct uk_objcache *c, const char *key)
{
	return lookup(c, "obj", key, ".o");
}

char *uk_objcache_tmp(struct uk_objcache *c, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/tmp/%d-%u%s", c->root, (int)getpid(), c->seq++, ext) < 0)
		abort();
	make_parent(p);
	return p;
}

/* Writes buf to a temporary file in the cache and renames it to path. */
static int put_buf(struct uk_objcache *c, const char *path, const void *buf, size_t len)
{
	char *tmp = uk_objcache_tmp(c, "");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = -1;

	if (fd >= 0) {
		rc = uk_write_all(fd, buf, len);
		if (close(fd) != 0)
			rc = -1;
		if (rc == 0 && (make_parent(path) != 0 || rename(tmp, path) != 0))
			rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	else
		c->added += len;
	free(tmp);
	return rc;
}

char *uk_objcache_put_obj_buf(struct uk_objcache *c, const char *key, const void *buf,
			      size_t len)
{
	char *p = entry_path(c, "obj", key, ".o");

	if (put_buf(c, p, buf, len) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

char *uk_objcache_put_obj(struct uk_objcache *c, const char *key, const char *tmp)
{
	char *p = entry_path(c, "obj", key, ".o"), *data;
	struct stat st;
	size_t len;

	if (stat(tmp, &st) == 0 && make_parent(p) == 0 && rename(tmp, p) == 0) {
		c->added += (uint64_t)st.st_size;
		return p;
	}
	free(p);
	/* another file system: copy */
	if (uk_read_file(tmp, &data, &len, NULL) != 0)
		return NULL;
	p = uk_objcache_put_obj_buf(c, key, data, len);
	free(data);
	return p;
}

static char *get_text(struct uk_objcache *c, const char *kind, const char *key)
{
	char *p = lookup(c, kind, key, ""), *text = NULL;

	if (p && uk_read_file(p, &text, NULL, NULL) != 0)
		text = NULL;
	free(p);
	return text;
}

static void put_text(struct uk_objcache *c, const char *kind, const char *key, const char *text)
{
	char *p = entry_path(c, kind, key, "");

	put_buf(c, p, text, strlen(text));
	free(p);
}

char *uk_objcache_deps(struct uk_objcache *c, const char *key)
{
	return get_text(c, "man", key);
}

void uk_objcache_put_deps(struct uk_objcache *c, const char *key, const char *text)
{
	put_text(c, "man", key, text);
}

char *uk_objcache_msgs(struct uk_objcache *c, const char *key)
{
	return get_text(c, "msg", key);
}

void uk_objcache_put_msgs(struct uk_objcache *c, const char *key, const char *text)
{
	put_text(c, "msg", key, text);
}

uint64_t uk_objcache_limit(void)
{
	const char *s = getenv("UK_CACHE_SIZE");
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return 2ull << 30;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	return *end ? 2ull << 30 : v;
}

struct ent {
	char *path;
	time_t mtime;
	uint64_t size;
};

static int by_age(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Every entry of KIND (obj, man, msg) with its mtime and size. */
static void scan(const char *root, const char *kind, struct ent **v, size_t *n, size_t *cap)
{
	char *top = uk_path_join(root, kind);
	DIR *d = opendir(top), *sub;
	struct dirent *e, *f;

	while (d && (e = readdir(d))) {
		char *sd;

		if (e->d_name[0] == '.')
			continue;
		sd = uk_path_join(top, e->d_name);
		sub = opendir(sd);
		while (sub && (f = readdir(sub))) {
			struct stat st;
			char *p;

			if (f->d_name[0] == '.')
				continue;
			p = uk_path_join(sd, f->d_name);
			if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			if (*n == *cap) {
				*cap = *cap * 2 + 256;
				*v = realloc(*v, *cap * sizeof(**v));
				if (!*v)
					abort();
			}
			(*v)[(*n)++] = (struct ent){ p, st.st_mtime, (uint64_t)st.st_size };
		}
		if (sub)
			closedir(sub);
		free(sd);
	}
	if (d)
		closedir(d);
	free(top);
}

static void sweep_tmp(const char *root, struct uk_objcache_stats *st)
{
	char *dir = uk_path_join(root, "tmp");
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t old = time(NULL) - TMP_SECONDS;

	while (d && (e = readdir(d))) {
		struct stat s;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = uk_path_join(dir, e->d_name);
		if (lstat(p, &s) == 0 && s.st_mtime < old && unlink(p) == 0) {
			st->entries++;
			st->bytes += (uint64_t)s.st_size;
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

static void write_size(const char *root, uint64_t total)
{
	char *p = uk_path_join(root, "size"), line[32];

	snprintf(line, sizeof(line), "%" PRIu64 "\n", total);
	uk_write_file_atomic(p, line, strlen(line), 0644, NULL);
	free(p);
}

static uint64_t read_size(const char *root)
{
	char *p = uk_path_join(root, "size"), *text = NULL;
	uint64_t v = 0;

	if (uk_read_file(p, &text, NULL, NULL) == 0)
		v = strtoull(text, NULL, 10);
	free(text);
	free(p);
	return v;
}

/* The lock serialises the size's updates and trims; -1 if it cannot be had. */
static int lock_cache(const char *root)
{
	char *p = uk_path_join(root, "lock");
	int fd;

	uk_mkdirs(root, NULL);
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(p);
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void trim_locked(const char *root, uint64_t limit, struct uk_objcache_stats *st)
{
	struct ent *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;

	scan(root, "obj", &v, &n, &cap);
	scan(root, "man", &v, &n, &cap);
	scan(root, "msg", &v, &n, &cap);
	for (size_t i = 0; i < n; i++)
		total += v[i].size;
	if (total > limit)
		qsort(v, n, sizeof(*v), by_age);
	for (size_t i = 0; i < n && total > limit; i++) {
		if (unlink(v[i].path) == 0) {
			st->entries++;
			st->bytes += v[i].size;
			total -= v[i].size;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	sweep_tmp(root, st);
	st->kept = total;
	write_size(root, total);
}

int uk_objcache_trim(const char *root, uint64_t limit, struct uk_objcache_stats *st,
		     struct uk_error *err)
{
	int fd;

	memset(st, 0, sizeof(*st));
	if (!uk_is_dir(root))
		return 0;
	fd = lock_cache(root);
	if (fd < 0)
		return uk_errorf(err, "cannot lock the object cache '%s': %s", root,
				 strerror(errno));
	trim_locked(root, limit, st);
	close(fd);
	return 0;
}

void uk_objcache_close(struct uk_objcache *c)
{
	if (c->root && c->added) {
		int fd = lock_cache(c->root);

		if (fd >= 0) {
			uint64_t limit = uk_objcache_limit(), total = read_size(c->root) + c->added;
			struct uk_objcache_stats st = { 0 };

			/* a little below the bound, so that the next builds do not
			 * each scan the whole cache again */
			if (total > limit)
				trim_locked(c->root, limit - limit / 10, &st);
			else
				write_size(c->root, total);
			close(fd);
		}
	}
	free(c->root);
	memset(c, 0, sizeof(*c));
}

int uk_objcache_gc(const char *user_root, struct uk_objcache_stats *st,
		   struct uk_error *err)
{
	char *root = uk_path_join(user_root, "cache");
	int rc = uk_objcache_trim(root, uk_objcache_limit(), st, err);

	free(root);
	return rc;
}
