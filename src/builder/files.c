/* Packing files: and zoneinfo: (build/files.h). The manifest reader has
 * checked each entry's own paths; this walks folders, where the checks are
 * about what they hold: only files, folders and symlinks that stay inside. */
#include "builder/files.h"

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imagefmt/imagefs.h"
#include "imagefmt/secobj.h"
#include "store/digest.h"
#include "util/epoch.h"
#include "util/path.h"

#define MAX_DEPTH 64

struct walk {
	const struct uk_manifest *m;
	const struct uk_file_map *f; /* the entry being packed */
	struct ukf_item *v;
	size_t n, cap;
	uint64_t bytes;
	struct uk_error *err;
};

/* A problem with entry w->f, at its host path in uk.yaml. */
static int refuse(struct walk *w, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct walk *w, const char *hint, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uk_errorf(w->err, "%s:%u:%u: %s", w->m->path, w->f->hline, w->f->hcol, msg);
	if (hint)
		uk_hintf(w->err, "%s", hint);
	w->err->status = 2;
	return -1;
}

static void add(struct walk *w, const char *guest, uint32_t mode, unsigned char *data,
		size_t size)
{
	if (w->n == w->cap) {
		w->cap = w->cap * 2 + 16;
		w->v = realloc(w->v, w->cap * sizeof(*w->v));
		if (!w->v)
			abort();
	}
	w->v[w->n].path = strdup(guest);
	if (!w->v[w->n].path)
		abort();
	w->v[w->n].mode = mode;
	w->v[w->n].data = data;
	w->v[w->n].size = size;
	w->n++;
	w->bytes += size;
}

static char *join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s%s%s", a, *a ? "/" : "", b) < 0)
		abort();
	return p;
}

static int add_file(struct walk *w, const char *host, const char *guest, mode_t mode)
{
	char *data;
	size_t len;

	if (uk_read_file(host, &data, &len, w->err) != 0)
		return -1;
	add(w, guest, S_IFREG | (mode & 0777), (unsigned char *)data, len);
	return 0;
}

/* A symlink at rel (inside the folder) whose target, read from where it
 * is, stays inside the folder: kept as it is. */
static int add_link(struct walk *w, const char *host, const char *guest, const char *rel)
{
	char target[4096];
	ssize_t n = readlink(host, target, sizeof(target) - 1);
	long depth = 0;
	const char *p;

	if (n <= 0)
		return refuse(w, NULL, "cannot read the symlink '%s': %s", host,
			      n < 0 ? strerror(errno) : "empty target");
	target[n] = '\0';
	for (p = rel; (p = strchr(p, '/')); p++)
		depth++;
	if (target[0] == '/')
		return refuse(w, "make the link relative, pointing inside the folder, or "
				 "replace it with the file",
			      "'%s' holds '%s', a symlink to the absolute path '%s'",
			      w->f->host, rel, target);
	for (p = target; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (len && !(len == 1 && p[0] == '.'))
			depth++;
		if (depth < 0)
			return refuse(w, "make the link point inside the folder, or replace "
					 "it with the file",
				      "'%s' holds '%s', a symlink to '%s' outside it",
				      w->f->host, rel, target);
		p += len;
		while (*p == '/')
			p++;
	}
	add(w, guest, S_IFLNK | 0777, (unsigned char *)strdup(target), (size_t)n);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walk *w, const char *host, const char *guest, const char *rel,
		    int depth);

static int walk_one(struct walk *w, const char *host, const char *guest, const char *rel,
		    int depth)
{
	struct stat st;

	if (lstat(host, &st) < 0)
		return refuse(w, NULL, "cannot read '%s': %s", host, strerror(errno));
	if (S_ISREG(st.st_mode))
		return add_file(w, host, guest, st.st_mode);
	if (S_ISLNK(st.st_mode))
		return add_link(w, host, guest, rel);
	if (S_ISDIR(st.st_mode)) {
		add(w, guest, S_IFDIR | (st.st_mode & 0777), NULL, 0);
		return walk_dir(w, host, guest, rel, depth + 1);
	}
	return refuse(w, "only files, folders and symlinks are packed",
		      "'%s' holds '%s', which is not a file, folder or symlink", w->f->host,
		      rel);
}

static int walk_dir(struct walk *w, const char *host, const char *guest, const char *rel,
		    int depth)
{
	struct uk_strv names = { 0 };
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return refuse(w, NULL, "'%s' is nested deeper than %d folders", w->f->host,
			      MAX_DEPTH);
	d = opendir(host);
	if (!d)
		return refuse(w, NULL, "cannot read the folder '%s': %s", host, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			uk_strv_push(&names, e->d_name);
	closedir(d);
	/* Sorted, so that the first problem reported does not depend on the
	 * order the file system lists a folder in. */
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *h = join(host, names.v[i]), *g = join(guest, names.v[i]);
		char *r = join(rel, names.v[i]);

		rc = walk_one(w, h, g, r, depth);
		free(h);
		free(g);
		free(r);
	}
	uk_strv_free(&names);
	return rc;
}

static int pack_entry(struct walk *w)
{
	const struct uk_file_map *f = w->f;
	const char *guest = f->guest + 1;
	char *host = f->zone || !strcmp(w->m->dir, ".") ? strdup(f->host)
							 : uk_path_join(w->m->dir, f->host);
	struct stat st;
	int rc;

	/* The manifest was checked when it was read; the tree may have
	 * changed since. */
	if (stat(host, &st) < 0)
		rc = refuse(w, NULL, "cannot read '%s': %s", f->host, strerror(errno));
	else if (S_ISDIR(st.st_mode) && f->is_dir) {
		add(w, guest, S_IFDIR | (st.st_mode & 0777), NULL, 0);
		rc = walk_dir(w, host, guest, "", 1);
	} else if (S_ISREG(st.st_mode) && !f->is_dir)
		rc = add_file(w, host, guest, st.st_mode);
	else
		rc = refuse(w, NULL, "'%s' changed while uk was reading it", f->host);
	free(host);
	return rc;
}

static int write_object(const char *cache_dir, const unsigned char *blob, size_t len,
			struct uk_files_packed *r, struct uk_error *err)
{
	char digest[UK_DIGEST_MAX], *dir;
	unsigned char *obj;
	size_t objlen;
	int rc = 0;

	uk_secobj_make(UKF_SECTION, blob, len, 8, &obj, &objlen);
	if (uk_digest_buf(obj, objlen, digest) != 0) {
		free(obj);
		return uk_errorf(err, "libcrypto cannot hash");
	}
	dir = uk_path_join(cache_dir, "files");
	if (asprintf(&r->object, "%s/%s.o", dir, uk_digest_hex(digest)) < 0)
		abort();
	if (!uk_file_exists(r->object))
		rc = uk_mkdirs(dir, err) == 0
			     ? uk_write_file_atomic(r->object, obj, objlen, 0644, err)
			     : -1;
	free(dir);
	free(obj);
	return rc;
}

/* uk.yaml volumes: an empty folder at each guest path, since the
 * read-only root cannot make one at boot (volumes.c checked the spec) */
static void add_mount_point(struct walk *w, const char *spec)
{
	struct uk_volume v;
	const char *why;

	if (uk_volume_parse(spec, &v, &why) != 0)
		return;
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].path, v.guest + 1) == 0) {
			uk_volume_free(&v);
			return;
		}
	add(w, v.guest + 1, S_IFDIR | 0755, NULL, 0); /* paths go without the '/' */
	uk_volume_free(&v);
}

int uk_files_pack(const struct uk_manifest *m, const char *cache_dir,
		  struct uk_files_packed *r, struct uk_error *err)
{
	struct walk w = { .m = m, .err = err };
	unsigned char *blob = NULL;
	size_t len = 0;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (m->nfiles == 0)
		return 0;
	for (size_t i = 0; i < m->nfiles && rc == 0; i++) {
		w.f = &m->files[i];
		rc = pack_entry(&w);
	}
	for (size_t i = 0; i < m->volumes.n && rc == 0; i++)
		add_mount_point(&w, m->volumes.v[i]);
	if (rc == 0)
		rc = ukf_pack(w.v, w.n, (uint64_t)uk_source_date_epoch(), &blob, &len, err);
	/* The runtime, the program and its heap need room besides. */
	if (rc == 0 && len > m->memory / 2) {
		uk_errorf(err, "%s: the image's files take %llu bytes, more than half of "
			       "'memory' (%llu bytes)",
			  m->path, (unsigned long long)len, (unsigned long long)m->memory);
		uk_hintf(err, "raise 'memory:' in uk.yaml, or pack fewer files");
		err->status = 2;
		rc = -1;
	}
	if (rc == 0)
		rc = write_object(cache_dir, blob, len, r, err);
	if (rc == 0) {
		r->bytes = len;
		struct ukf_header h;

		/* ukf_pack adds the folders above the paths: count what it wrote. */
		memcpy(&h, blob, sizeof(h));
		r->count = le32toh(h.count);
	}
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].path);
		free(w.v[i].data);
	}
	free(w.v);
	free(blob);
	return rc;
}

void uk_files_packed_free(struct uk_files_packed *r)
{
	free(r->object);
	memset(r, 0, sizeof(*r));
}
