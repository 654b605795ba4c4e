/* Reproducible tar+gzip packing. */
#include "store/layer.h"

#include "util/archive_lazy.h"
#include "util/epoch.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH_MAX 64

struct pack_file {
	char *rel; /* "lib/libc.a", or "lib/" for a folder */
	int is_dir;
	int exec;
	unsigned long long size;
};

struct pack_list {
	struct pack_file *v;
	size_t n, cap;
};

static int list_push(struct pack_list *l, const char *rel, int is_dir,
		     const struct stat *st)
{
	struct pack_file *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n];
	if (is_dir) {
		if (asprintf(&f->rel, "%s/", rel) < 0)
			return -1;
	} else if (!(f->rel = strdup(rel))) {
		return -1;
	}
	f->is_dir = is_dir;
	f->exec = (st->st_mode & 0111) != 0;
	f->size = is_dir ? 0 : (unsigned long long)st->st_size;
	l->n++;
	return 0;
}

static void list_free(struct pack_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].rel);
	free(l->v);
}

static int walk(const char *dir, const char *rel, int depth,
		struct pack_list *l, struct uk_error *err)
{
	char *abs = NULL;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = -1;

	if (asprintf(&abs, "%s/%s", dir, rel) < 0)
		return uk_errorf(err, "out of memory");
	if (stat(abs, &st) < 0) {
		uk_errorf(err, "cannot read '%s': %s", abs, strerror(errno));
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		rc = list_push(l, rel, 0, &st) < 0 ? uk_errorf(err, "out of memory") : 0;
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		uk_errorf(err, "'%s' is neither a file nor a folder", abs);
		goto out;
	}
	if (depth > WALK_DEPTH_MAX) {
		uk_errorf(err, "'%s' is nested too deeply (a symlink loop?)", abs);
		goto out;
	}
	if (list_push(l, rel, 1, &st) < 0) {
		uk_errorf(err, "out of memory");
		goto out;
	}
	if (!(d = opendir(abs))) {
		uk_errorf(err, "cannot read folder '%s': %s", abs, strerror(errno));
		goto out;
	}
	rc = 0;
	while (rc == 0 && (de = readdir(d))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", rel, de->d_name) < 0) {
			rc = uk_errorf(err, "out of memory");
			break;
		}
		rc = walk(dir, sub, depth + 1, l, err);
		free(sub);
	}
	closedir(d);
out:
	free(abs);
	return rc;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct pack_file *)a)->rel,
		      ((const struct pack_file *)b)->rel);
}

static int write_data(struct archive *a, const char *dir,
		      const struct pack_file *f, struct uk_error *err)
{
	char *abs = NULL, buf[65536];
	unsigned long long left = f->size;
	int fd, rc = 0;

	if (asprintf(&abs, "%s/%s", dir, f->rel) < 0)
		return uk_errorf(err, "out of memory");
	if ((fd = open(abs, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = uk_errorf(err, "cannot open '%s': %s", abs, strerror(errno));
		goto out;
	}
	while (left > 0) {
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = uk_errorf(err, "'%s' changed while it was packed", abs);
			break;
		}
		if (archive_write_data(a, buf, (size_t)n) != n) {
			rc = uk_errorf(err, "packing '%s': %s", abs,
				       archive_error_string(a));
			break;
		}
		left -= (unsigned long long)n;
	}
	close(fd);
out:
	free(abs);
	return rc;
}

static int write_entries(struct archive *a, const char *dir,
			 const struct pack_list *l, long long mtime,
			 struct uk_error *err)
{
	struct archive_entry *e = archive_entry_new();
	size_t i;
	int rc = 0;

	if (!e)
		return uk_errorf(err, "out of memory");
	for (i = 0; i < l->n && rc == 0; i++) {
		const struct pack_file *f = &l->v[i];

		archive_entry_clear(e);
		archive_entry_set_pathname(e, f->rel);
		archive_entry_set_filetype(e, f->is_dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, f->is_dir || f->exec ? 0755 : 0644);
		archive_entry_set_size(e, (la_int64_t)f->size);
		archive_entry_set_mtime(e, (time_t)mtime, 0);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			rc = uk_errorf(err, "packing '%s': %s", f->rel,
				       archive_error_string(a));
		else if (!f->is_dir)
			rc = write_data(a, dir, f, err);
	}
	archive_entry_free(e);
	return rc;
}

/* Drops duplicates (a folder named twice, or a file inside a named folder). */
static void dedupe(struct pack_list *l)
{
	size_t i, j = 0;

	for (i = 0; i < l->n; i++) {
		if (j > 0 && !strcmp(l->v[j - 1].rel, l->v[i].rel)) {
			free(l->v[i].rel);
			continue;
		}
		l->v[j++] = l->v[i];
	}
	l->n = j;
}

static struct archive *new_writer(struct uk_archive_mem *m, struct uk_error *err)
{
	struct archive *a = archive_write_new();

	if (!a) {
		uk_errorf(err, "out of memory");
		return NULL;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) !=
		    ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "compression-level",
					    "6") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, m, NULL, uk_archive_mem_write, NULL) != ARCHIVE_OK) {
		uk_errorf(err, "cannot start a tar+gzip layer: %s",
			  archive_error_string(a));
		archive_write_free(a);
		return NULL;
	}
	return a;
}

int uk_layer_pack(const char *dir, const char *const *paths, size_t npaths,
		  long long mtime, void **out, size_t *len,
		  struct uk_error *err)
{
	struct pack_list l = {0};
	struct uk_archive_mem m = {0};
	struct archive *a;
	size_t i;
	int rc = 0;

	for (i = 0; i < npaths && rc == 0; i++)
		rc = walk(dir, paths[i], 0, &l, err);
	if (rc < 0)
		goto out;
	qsort(l.v, l.n, sizeof(*l.v), cmp_file);
	dedupe(&l);
	if (!(a = new_writer(&m, err))) {
		rc = -1;
		goto out;
	}
	rc = write_entries(a, dir, &l, mtime, err);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = uk_errorf(err, "finishing the layer: %s",
			       m.oom ? "out of memory" : archive_error_string(a));
	archive_write_free(a);
out:
	list_free(&l);
	if (rc < 0) {
		free(m.p);
		return -1;
	}
	*out = m.p;
	*len = m.len;
	return 0;
}
