/* Paths in a manifest are relative to its folder. These checks make sure
 * they exist when the manifest is read, so a typo is reported with its line
 * instead of surfacing later as a compiler or linker error. */
#include "manifest/internal.h"

#include <dirent.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* rel relative to the manifest's folder, with glob characters in the folder
 * part escaped so that only rel's own wildcards count. */
static char *glob_pattern(const char *dir, const char *rel)
{
	size_t i, o = 0, n = strlen(dir);
	char *p;

	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return mf_strdup(rel);
	p = mf_alloc(2 * n + strlen(rel) + 2);
	for (i = 0; i < n; i++) {
		if (strchr("*?[\\", dir[i]))
			p[o++] = '\\';
		p[o++] = dir[i];
	}
	p[o++] = '/';
	strcpy(p + o, rel);
	return p;
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

char *mf_closest_entry(const char *dir, const char *base, bool want_dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *best = NULL;
	unsigned bestd = 3;
	size_t len = strlen(base);

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		unsigned dist;

		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || strcmp(e->d_name, "..") == 0))
			continue;
		if (want_dir && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		dist = mf_distance(base, e->d_name, 2);
		/* "inc" is short for "include" rather than a typo of "src". */
		if (len >= 3 && strncmp(e->d_name, base, len) == 0)
			dist = 1;
		if (dist * 2 > len)
			continue;
		/* Ties go to the first in byte order, so hints are stable. */
		if (dist < bestd ||
		    (dist == bestd && best && strcmp(e->d_name, best) < 0)) {
			free(best);
			best = mf_strdup(e->d_name);
			bestd = dist;
		}
	}
	closedir(d);
	return best;
}

void mf_hint_missing(struct mctx *c, struct uk_diag *d, const char *rel,
			 bool want_dir)
{
	char *parent_rel = mf_dirname(rel);
	const char *slash = strrchr(rel, '/');
	const char *base = slash ? slash + 1 : rel;
	char *parent = mf_join(c->dir, parent_rel);
	char *near = NULL;
	struct stat st;
	char q[MF_QBUF];

	if (!d) {
		/* past the cap: spare the search */
	} else if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)) {
		mf_hint(d, "there is no folder '%s' next to '%s'",
			mf_q(parent_rel, q, sizeof(q)), c->file);
	} else if (*base && (near = mf_closest_entry(parent, base, want_dir))) {
		if (slash)
			mf_hint(d, "did you mean '%.*s/%s'?",
				(int)(slash - rel), rel, near);
		else
			mf_hint(d, "did you mean '%s'?", near);
	} else if (rel[0] == '/') {
		mf_hint(d, "there is no %s '%s'", want_dir ? "folder" : "file",
			mf_q(rel, q, sizeof(q)));
	} else {
		mf_hint(d, "paths are relative to the folder holding '%s'",
			c->file);
	}
	free(near);
	free(parent);
	free(parent_rel);
}

static bool check_path(struct mctx *c, const struct ynode *item, bool dir)
{
	char *path = mf_join(c->dir, item->s);
	struct stat st;
	char q[MF_QBUF];
	int rc = stat(path, &st);

	free(path);
	if (rc < 0) {
		mf_hint_missing(c,
			     mf_diag_at(c, item, "%s '%s' does not exist",
					dir ? "folder" : "file",
					mf_q(item->s, q, sizeof(q))),
			     item->s, dir);
		return false;
	}
	if (dir && !S_ISDIR(st.st_mode)) {
		mf_diag_at(c, item, "'%s' is not a folder",
			   mf_q(item->s, q, sizeof(q)));
		return false;
	}
	if (!dir && !S_ISREG(st.st_mode)) {
		mf_diag_at(c, item, "'%s' is not a file",
			   mf_q(item->s, q, sizeof(q)));
		return false;
	}
	return true;
}

bool mf_check_dir(struct mctx *c, const struct ynode *key,
		  const struct ynode *item)
{
	(void)key;
	return check_path(c, item, true);
}

bool mf_check_file(struct mctx *c, const struct ynode *key,
		   const struct ynode *item)
{
	(void)key;
	return check_path(c, item, false);
}

/* Files (not folders) matching one glob, appended to out. */
static size_t glob_files(const char *dir, const char *rel,
			 struct uk_strv *out)
{
	char *pat = glob_pattern(dir, rel);
	size_t i, n = 0;
	glob_t g;

	if (glob(pat, GLOB_MARK, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			size_t len = strlen(g.gl_pathv[i]);

			if (len && g.gl_pathv[i][len - 1] == '/')
				continue;
			n++;
			if (out)
				uk_strv_push(out, g.gl_pathv[i]);
		}
		globfree(&g);
	}
	free(pat);
	return n;
}

/* "*.cc" finds nothing but "*.c" would: suggest the near extension. */
static char *near_extension(const char *dir, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *base = slash ? slash + 1 : rel;
	char *parent_rel, *parent, *best = NULL, *hint = NULL;
	unsigned bestd = 3;
	struct dirent *e;
	DIR *d;

	if (strncmp(base, "*.", 2) != 0 || has_wildcard(base + 2) ||
	    strcspn(rel, "*?[") < (size_t)(base - rel))
		return NULL;
	parent_rel = mf_dirname(rel);
	parent = mf_join(dir, parent_rel);
	d = opendir(parent);
	while (d && (e = readdir(d))) {
		const char *ext = strrchr(e->d_name, '.');
		unsigned dist;

		size_t la, lb;

		if (e->d_name[0] == '.' || !ext ||
		    strcmp(ext + 1, base + 2) == 0)
			continue;
		dist = mf_distance(base + 2, ext + 1, 2);
		/* "cc" is near "c", but "c" is not near "h". */
		la = strlen(base + 2);
		lb = strlen(ext + 1);
		if (dist >= (la > lb ? la : lb))
			continue;
		if (dist < bestd || (dist == bestd && best &&
				     strcmp(ext + 1, best) < 0)) {
			free(best);
			best = mf_strdup(ext + 1);
			bestd = dist;
		}
	}
	if (d)
		closedir(d);
	if (best)
		hint = slash ? mf_asprintf("%s/*.%s", parent_rel, best)
			     : mf_asprintf("*.%s", best);
	free(best);
	free(parent);
	free(parent_rel);
	return hint;
}

bool mf_check_glob(struct mctx *c, const struct ynode *key,
		   const struct ynode *item)
{
	struct uk_diag *d;
	char q[MF_QBUF];
	char *ext;

	(void)key;
	if (!has_wildcard(item->s))
		return check_path(c, item, false);
	if (glob_files(c->dir, item->s, NULL) > 0)
		return true;
	d = mf_diag_at(c, item, "no file matches '%s'",
		       mf_q(item->s, q, sizeof(q)));
	if (!d)
		return false;
	ext = near_extension(c->dir, item->s);
	if (ext) {
		mf_hint(d, "did you mean '%s'?", mf_q(ext, q, sizeof(q)));
		free(ext);
	} else {
		/* A missing folder before the first wildcard is the usual
		 * cause; otherwise say where the glob is resolved from. */
		size_t fixed = strcspn(item->s, "*?[");
		char *prefix = mf_strdup(item->s);
		char *cut;
		struct stat st;
		char *path;

		prefix[fixed] = '\0';
		cut = strrchr(prefix, '/');
		if (cut)
			*cut = '\0';
		path = mf_join(c->dir, prefix);
		if (cut && prefix[0] &&
		    (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)))
			mf_hint_missing(c, d, prefix, true);
		else
			mf_hint(d, "paths are relative to the folder holding "
				   "'%s'",
				c->file);
		free(path);
		free(prefix);
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One source entry: a literal path or a glob, as files. */
static size_t source_files(const char *dir, const char *rel,
			   struct uk_strv *out)
{
	char *p;
	struct stat st;
	size_t n = 0;

	if (has_wildcard(rel))
		return glob_files(dir, rel, out);
	p = mf_join(dir, rel);
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
		uk_strv_push(out, p);
		n = 1;
	}
	free(p);
	return n;
}

int uk_manifest_sources(const struct uk_manifest *m, struct uk_strv *files,
			struct uk_error *err)
{
	struct uk_strv all = { 0 };
	size_t i;

	for (i = 0; i < m->sources.n; i++) {
		if (source_files(m->dir, m->sources.v[i], &all) == 0) {
			uk_strv_free(&all);
			uk_errorf(err, "%s: no file matches '%s'", m->path,
				  m->sources.v[i]);
			if (err)
				err->status = 2;
			return -1;
		}
	}
	if (all.n)
		qsort(all.v, all.n, sizeof(*all.v), cmp_str);
	for (i = 0; i < all.n; i++) {
		if (i > 0 && strcmp(all.v[i], all.v[i - 1]) == 0)
			continue;
		uk_strv_push(files, all.v[i]);
	}
	uk_strv_free(&all);
	return 0;
}
