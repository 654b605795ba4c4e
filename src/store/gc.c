/* uk gc: mark what index.json's tagged entries reach, sweep the rest. */
#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/layout.h"
#include "store/store.h"
#include "util/path.h"

struct marks {
	char (*v)[65];
	size_t n;
};

static int mark(struct marks *m, const char *digest)
{
	void *v;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i], uk_digest_hex(digest)))
			return 1;
	if (!(v = realloc(m->v, (m->n + 1) * sizeof(*m->v))))
		return -1;
	m->v = v;
	snprintf(m->v[m->n++], 65, "%s", uk_digest_hex(digest));
	return 0;
}

static int marked(const struct marks *m, const char *hex)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i], hex))
			return 1;
	return 0;
}

/* Marks d and what it references; a missing or unreadable document is
 * kept marked (its own digest) and not walked. */
static int walk(const char *root, const char *media_type, const char *digest,
		unsigned long long size, int depth, struct marks *m,
		struct uk_error *err)
{
	char *buf;
	size_t len, i;
	json_t *j, *e;
	struct uk_error ignored = {0};
	struct uk_descriptor d;
	char why[64];
	int rc = mark(m, digest);

	if (rc != 0 || depth > 3)
		return rc < 0 ? uk_errorf(err, "out of memory") : 0;
	if (strcmp(media_type, UK_MT_INDEX) && strcmp(media_type, UK_MT_MANIFEST))
		return 0;
	if (uk_layout_read_blob(root, digest, (long long)size, UK_LAYOUT_DOC_MAX,
				&buf, &len, &ignored) < 0)
		return 0;
	j = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (uk_descriptor_parse(json_object_get(j, "config"), &d, why, sizeof(why)) == 0)
		rc = walk(root, d.media_type, d.digest, d.size, depth + 1, m, err);
	json_array_foreach(json_object_get(j, "layers"), i, e)
		if (rc == 0 && uk_descriptor_parse(e, &d, why, sizeof(why)) == 0)
			rc = walk(root, d.media_type, d.digest, d.size, depth + 1, m, err);
	json_array_foreach(json_object_get(j, "manifests"), i, e)
		if (rc == 0 && uk_descriptor_parse(e, &d, why, sizeof(why)) == 0)
			rc = walk(root, d.media_type, d.digest, d.size, depth + 1, m, err);
	json_decref(j);
	return rc;
}

static int old(const struct stat *st)
{
	return st->st_mtime + 3600 < time(NULL);
}

static int sweep(const char *dir, const struct marks *m, int dirs, int tmp_only,
		 struct uk_gc_stats *st, struct uk_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];
	struct stat sb;
	int rc = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && rc == 0) {
		int is_tmp = tmp_only || e->d_name[0] == '.';

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &sb) < 0)
			continue;
		if (is_tmp ? !old(&sb) : marked(m, e->d_name))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (!dirs && !is_tmp)
				continue;
			rc = uk_remove_tree(path, err);
			if (is_tmp)
				st->tmp++;
			else
				st->dirs++;
		} else {
			if (unlink(path) == 0) {
				st->bytes += (unsigned long long)sb.st_size;
				if (is_tmp)
					st->tmp++;
				else
					st->blobs++;
			}
		}
	}
	closedir(d);
	return rc;
}

/* uk push's caches (cache/layers/<key> naming a layer digest first,
 * cache/pushed/<hex>) are dropped with the blobs they describe. */
static void sweep_caches(const char *root, const struct marks *m)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], d[80];
	struct dirent *e;
	DIR *dp;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/cache/pushed", root);
	for (dp = opendir(dir); dp && (e = readdir(dp));) {
		if (e->d_name[0] != '.' && !marked(m, e->d_name)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (dp)
		closedir(dp);
	snprintf(dir, sizeof(dir), "%s/cache/layers", root);
	for (dp = opendir(dir); dp && (e = readdir(dp));) {
		int keep = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "r"))) {
			keep = fscanf(f, "%79s", d) == 1 && uk_digest_valid(d) &&
			       marked(m, uk_digest_hex(d));
			fclose(f);
		}
		if (!keep)
			unlink(path);
	}
	if (dp)
		closedir(dp);
}

/* Components of the read-only built-in store are unpacked into the user
 * store's unpacked/: those folders stay. */
static int mark_builtin(const char *builtin, struct marks *m, struct uk_error *err)
{
	struct uk_layout_ref *refs = NULL;
	size_t n = 0, i;
	struct uk_error ignored = {0};

	if (!builtin || uk_layout_refs(builtin, &refs, &n, &ignored) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (mark(m, refs[i].digest) < 0) {
			uk_layout_refs_free(refs, n);
			return uk_errorf(err, "out of memory");
		}
	uk_layout_refs_free(refs, n);
	return 0;
}

int uk_store_gc(const char *root, const char *builtin, struct uk_gc_stats *st,
		struct uk_error *err)
{
	struct uk_layout_ref *refs = NULL;
	struct marks m = {0};
	size_t n = 0, i;
	char dir[PATH_MAX];
	int lock, rc;

	memset(st, 0, sizeof(*st));
	if (!uk_layout_present(root))
		return 0;
	if ((lock = uk_layout_lock(root, err)) < 0)
		return -1;
	rc = uk_layout_refs(root, &refs, &n, err);
	for (i = 0; i < n && rc == 0; i++)
		rc = walk(root, refs[i].media_type, refs[i].digest, refs[i].size, 0,
			  &m, err);
	if (rc == 0)
		rc = mark_builtin(builtin, &m, err);
	if (rc == 0) {
		snprintf(dir, sizeof(dir), "%s/blobs/sha256", root);
		rc = sweep(dir, &m, 0, 0, st, err);
	}
	if (rc == 0) {
		snprintf(dir, sizeof(dir), "%s/unpacked", root);
		rc = sweep(dir, &m, 1, 0, st, err);
	}
	if (rc == 0) {
		/* Temporary files of an interrupted uk, not of one running now. */
		snprintf(dir, sizeof(dir), "%s/.tmp", root);
		rc = sweep(dir, &m, 1, 1, st, err);
	}
	if (rc == 0)
		sweep_caches(root, &m);
	uk_layout_refs_free(refs, n);
	free(m.v);
	uk_layout_unlock(lock);
	return rc;
}
