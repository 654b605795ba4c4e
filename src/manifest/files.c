/* uk.yaml's files: (guest path: project file or folder) and zoneinfo:
 * (time zones from the host's tzdata). Each guest path is checked on its
 * own (absolute, clean, not where the runtime mounts a file system), each
 * host path exists inside the project, and once both fields are read every
 * guest path against the others: none twice, none inside another entry.
 * What a folder holds is checked when it is packed (src/builder/files.c). */
#include "manifest/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define M(obj) ((struct uk_manifest *)(obj))
#define GUEST_NAME_MAX 255
#define GUEST_PATH_MAX 4095

/* Mounted over the image's files when the program starts. */
static const struct {
	const char *dir, *what;
} mounts[] = {
	{ "tmp", "/tmp is a tmpfs that starts empty" },
	{ "dev", "/dev holds the runtime's devices" },
	{ "proc", "/proc is made up by the runtime" },
};

static void push_map(struct uk_manifest *m, char *guest, char *host, char *zone,
		     bool is_dir, const struct ynode *g, const struct ynode *h)
{
	struct uk_file_map *f;

	m->files = mf_realloc(m->files, (m->nfiles + 1) * sizeof(*m->files));
	f = &m->files[m->nfiles++];
	f->guest = guest;
	f->host = host;
	f->zone = zone;
	f->is_dir = is_dir;
	f->line = g->line;
	f->col = g->col;
	f->hline = h->line;
	f->hcol = h->col;
}

/* p with empty, "." and ".." components resolved, or NULL when ".."
 * climbs above "/" or nothing is left. */
static char *clean_path(const char *p)
{
	char *out = mf_alloc(strlen(p) + 2);
	size_t o = 0;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (o == 0)
				break;
			while (out[o - 1] != '/')
				o--;
			o--;
		} else if (n && !(n == 1 && p[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	if (*p || o == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The first empty, "." or ".." component of absolute p, as text for a
 * message, or NULL; *long_name is set for a component past NAME_MAX. */
static const char *bad_component(const char *p, bool *long_name)
{
	*long_name = false;
	for (p++;; p++) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return "an empty";
		if (n == 1 && p[0] == '.')
			return "a '.'";
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "a '..'";
		if (n > GUEST_NAME_MAX)
			*long_name = true;
		p += n;
		if (!*p)
			return NULL;
	}
}

static bool check_guest(struct mctx *c, const struct ynode *k)
{
	char q[MF_QBUF], q2[MF_QBUF];
	const char *bad, *p = k->s;
	struct uk_diag *d;
	bool long_name;
	size_t i, n;

	if (k->kind == YN_ALIAS)
		return false;
	if (k->kind != YN_SCALAR || mf_is_null(k)) {
		mf_diag_at(c, k, "a guest path must be a string, not %s", mf_kind(k));
		return false;
	}
	if (k->has_nul) {
		mf_diag_at(c, k, "a guest path must not contain NUL characters");
		return false;
	}
	mf_q(p, q, sizeof(q));
	if (p[0] != '/') {
		mf_hint(mf_diag_at(c, k, "guest path '%s' is not absolute", q),
			"write '/%s': the key is where the program finds the file",
			q);
		return false;
	}
	if (p[1] == '\0') {
		mf_hint(mf_diag_at(c, k, "'/' itself cannot be mapped"),
			"map what goes below it, like '/srv/www: public/'");
		return false;
	}
	bad = bad_component(p, &long_name);
	if (bad) {
		char *clean = clean_path(p);

		d = mf_diag_at(c, k, "guest path '%s' has %s component", q, bad);
		if (clean)
			mf_hint(d, "write '%s'", mf_q(clean, q2, sizeof(q2)));
		else
			mf_hint(d, "name a path below '/', like '/srv/www'");
		free(clean);
		return false;
	}
	if (long_name || strlen(p) > GUEST_PATH_MAX) {
		mf_hint(mf_diag_at(c, k, "guest path '%s' is too long", q),
			"a path is at most %d bytes and each of its names at most "
			"%d",
			GUEST_PATH_MAX, GUEST_NAME_MAX);
		return false;
	}
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		n = strlen(mounts[i].dir);
		if (strncmp(p + 1, mounts[i].dir, n) != 0 ||
		    (p[n + 1] && p[n + 1] != '/'))
			continue;
		mf_hint(mf_diag_at(c, k,
				   "guest path '%s' is under /%s, which is "
				   "mounted over the image's files at run time",
				   q, mounts[i].dir),
			"%s; put the file elsewhere, like '/srv%s'", mounts[i].what,
			p + n + 1);
		return false;
	}
	return true;
}

/* real (resolved) is root or below it. */
static bool inside(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

/* 1 when relative path p climbs above its start with "..", else 0. */
static int climbs(const char *p)
{
	long depth = 0;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/* The host side of one files: entry: a file or folder of the project,
 * after resolving symlinks and "..". */
static bool check_host(struct mctx *c, const struct ynode *k,
		       const struct ynode *v, bool *is_dir)
{
	char q[MF_QBUF], real[PATH_MAX], root[PATH_MAX];
	struct uk_diag *d;
	struct stat st;
	char *path;
	bool ok = false;

	if (v->kind == YN_ALIAS)
		return false;
	if (v->kind != YN_SCALAR || mf_is_null(v) || v->s[0] == '\0') {
		mf_hint(mf_diag_at(c, mf_blame(k, v),
				   "'%s' in 'files' must name a project file "
				   "or folder, not %s",
				   mf_q(k->s, q, sizeof(q)),
				   v->kind == YN_SCALAR && !mf_is_null(v)
					   ? "an empty string"
					   : mf_kind(v)),
			"write '%s: PATH', PATH relative to the folder holding "
			"'%s'",
			q, c->file);
		return false;
	}
	if (v->has_nul) {
		mf_diag_at(c, v, "a path must not contain NUL characters");
		return false;
	}
	mf_q(v->s, q, sizeof(q));
	path = mf_join(c->dir, v->s);
	if (stat(path, &st) < 0) {
		d = mf_diag_at(c, v, "file or folder '%s' does not exist", q);
		mf_hint_missing(c, d, v->s, false);
	} else if (!realpath(path, real) || !realpath(c->dir, root)) {
		mf_diag_at(c, v, "cannot resolve '%s'", q);
	} else if (!inside(real, root)) {
		d = mf_diag_at(c, v, "'%s' is outside the project folder", q);
		if (inside(real, UK_ZONEINFO_DIR))
			mf_hint(d, "time zones are packed with 'zoneinfo:', like "
				   "'zoneinfo: [Europe/Paris, UTC]'");
		else if (v->s[0] != '/' && climbs(v->s) == 0)
			mf_hint(d, "a symlink on the way leads out of it; copy "
				   "what the image needs into the project");
		else
			mf_hint(d, "paths are relative to the folder holding "
				   "'%s' and stay below it; copy what the image "
				   "needs there",
				c->file);
	} else if (strcmp(real, root) == 0) {
		mf_hint(mf_diag_at(c, v, "'%s' is the project folder itself", q),
			"map the folders inside it that the image needs, like "
			"'/srv/www: public/'");
	} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		mf_diag_at(c, v, "'%s' is not a file or folder", q);
	} else {
		*is_dir = S_ISDIR(st.st_mode);
		ok = true;
	}
	free(path);
	return ok;
}

void mf_set_files(struct mctx *c, const struct ynode *key,
		  const struct ynode *val, void *obj)
{
	size_t i;

	(void)key;
	if (val->kind != YN_MAP) {
		mf_hint(mf_diag_at(c, val,
				   "'files' must be a mapping of guest path: "
				   "project path, not %s",
				   mf_kind(val)),
			"write one '/etc/app.conf: conf/app.conf' per line under "
			"'files:'");
		return;
	}
	for (i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kid[i], *v = val->kid[i + 1];
		bool guest_ok = check_guest(c, k), is_dir = false;

		if (k->kind == YN_SCALAR && !k->has_nul &&
		    check_host(c, k, v, &is_dir) && guest_ok)
			push_map(M(obj), mf_strdup(k->s), mf_strdup(v->s), NULL,
				 is_dir, k, v);
	}
}

/* A zone name as tzdata spells it: "UTC", "Europe/Paris", "Etc/GMT+1". */
static bool zone_name_ok(const char *s)
{
	const char *p;

	if (!*s || *s == '/' ||
	    s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-./")])
		return false;
	for (p = s;; p++) {
		size_t n = strcspn(p, "/");

		if (n == 0 || n > GUEST_NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (!*p)
			return true;
	}
}

/* A time zone file starts with "TZif" (RFC 8536); tzdata's folder also
 * holds tables such as zone.tab that are not zones. */
static bool is_tzif(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

static void hint_zone(struct uk_diag *d, const char *name)
{
	const char *slash = strrchr(name, '/');
	char *dir, *near;
	char q[MF_QBUF];
	struct stat st;

	if (!d)
		return;
	if (stat(UK_ZONEINFO_DIR, &st) < 0 || !S_ISDIR(st.st_mode)) {
		mf_hint(d, "there is no %s on this machine: install the tzdata "
			   "package",
			UK_ZONEINFO_DIR);
		return;
	}
	dir = slash ? mf_asprintf("%s/%.*s", UK_ZONEINFO_DIR, (int)(slash - name),
				  name)
		    : mf_strdup(UK_ZONEINFO_DIR);
	near = mf_closest_entry(dir, slash ? slash + 1 : name, false);
	if (near)
		mf_hint(d, "did you mean '%.*s%s'?", slash ? (int)(slash - name + 1) : 0,
			name, mf_q(near, q, sizeof(q)));
	else
		mf_hint(d, "zones are named like 'Europe/Paris' or 'UTC' (see %s)",
			UK_ZONEINFO_DIR);
	free(near);
	free(dir);
}

/* The first zone in folder dir (byte order), for a hint; caller frees. */
static char *zone_in(const char *dir)
{
	char *best = NULL;
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		char *p = mf_asprintf("%s/%s", dir, e->d_name);

		if (e->d_name[0] != '.' && (!best || strcmp(e->d_name, best) < 0) &&
		    is_tzif(p)) {
			free(best);
			best = mf_strdup(e->d_name);
		}
		free(p);
	}
	if (d)
		closedir(d);
	return best ? best : mf_strdup("NAME");
}

static bool check_zone(struct mctx *c, const struct ynode *key,
		       const struct ynode *item)
{
	char q[MF_QBUF];
	struct stat st;
	char *path;
	bool ok;

	(void)key;
	mf_q(item->s, q, sizeof(q));
	if (!zone_name_ok(item->s)) {
		mf_hint(mf_diag_at(c, item, "invalid time zone name '%s'", q),
			"a zone is named like 'Europe/Paris' or 'UTC'");
		return false;
	}
	path = mf_asprintf("%s/%s", UK_ZONEINFO_DIR, item->s);
	ok = stat(path, &st) == 0;
	if (!ok)
		hint_zone(mf_diag_at(c, item, "unknown time zone '%s'", q), item->s);
	else if (S_ISDIR(st.st_mode)) {
		char *one = zone_in(path);

		mf_hint(mf_diag_at(c, item, "'%s' is a folder of time zones", q),
			"name one zone in it, like '%s/%s'", q, one);
		free(one);
	}
	else if (!S_ISREG(st.st_mode) || !is_tzif(path))
		mf_hint(mf_diag_at(c, item, "'%s' is not a time zone", q),
			"%s/%s is a file of tzdata, but not a zone", UK_ZONEINFO_DIR,
			q);
	ok = ok && S_ISREG(st.st_mode) && is_tzif(path);
	free(path);
	return ok;
}

void mf_set_zoneinfo(struct mctx *c, const struct ynode *key,
		     const struct ynode *val, void *obj)
{
	struct uk_manifest *m = obj;
	size_t i;

	if (mf_get_strv(c, key, val, &m->zoneinfo, false, NULL) < 0)
		return;
	uk_strv_free(&m->zoneinfo);
	for (i = 0; i < val->n; i++) {
		const struct ynode *it = val->kid[i];

		if (it->kind != YN_SCALAR || mf_is_null(it) || it->has_nul ||
		    !it->s[0] || !check_zone(c, key, it))
			continue; /* mf_get_strv reported the first three */
		uk_strv_push(&m->zoneinfo, it->s);
		push_map(m, mf_asprintf("%s/%s", UK_ZONEINFO_DIR, it->s),
			 mf_asprintf("%s/%s", UK_ZONEINFO_DIR, it->s),
			 mf_strdup(it->s), false, it, it);
	}
}

static int cmp_guest(const void *a, const void *b)
{
	const struct uk_file_map *x = *(const struct uk_file_map *const *)a;
	const struct uk_file_map *y = *(const struct uk_file_map *const *)b;
	int r = strcmp(x->guest, y->guest);

	if (r)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* The first entry of sorted[0..n) whose guest path is the len bytes at p. */
static const struct uk_file_map *find_guest(struct uk_file_map **sorted, size_t n,
					    const char *p, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *g = sorted[mid]->guest;
		int r = strncmp(g, p, len);

		if (r == 0 && g[len])
			r = 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strncmp(sorted[lo]->guest, p, len) == 0 &&
			       !sorted[lo]->guest[len]
		       ? sorted[lo]
		       : NULL;
}

/* "guest path '/x'" or "zone 'UTC' ('/usr/share/zoneinfo/UTC')". */
static char *label(const struct uk_file_map *f)
{
	char q[MF_QBUF], q2[MF_QBUF];

	if (f->zone)
		return mf_asprintf("zone '%s' ('%s')", mf_q(f->zone, q, sizeof(q)),
				   mf_q(f->guest, q2, sizeof(q2)));
	return mf_asprintf("guest path '%s'", mf_q(f->guest, q, sizeof(q)));
}

static void nested(struct mctx *c, const struct uk_file_map *f,
		   const struct uk_file_map *outer)
{
	char q[MF_QBUF], q2[MF_QBUF], *what = label(f);
	struct uk_diag *d;

	mf_q(outer->guest, q, sizeof(q));
	mf_q(outer->host, q2, sizeof(q2));
	if (outer->is_dir) {
		d = mf_diag(c, f->line, f->col,
			    "%s is inside '%s', which folder '%s' fills "
			    "(line %u)",
			    what, q, q2, outer->line);
		mf_hint(d, "put the file into '%s', or give it a path outside "
			   "'%s'",
			q2, q);
	} else {
		d = mf_diag(c, f->line, f->col,
			    "%s is inside '%s', which is a file (line %u)", what,
			    q, outer->line);
		mf_hint(d, "give one of them another path");
	}
	free(what);
}

void mf_check_guest_paths(struct mctx *c, struct uk_manifest *m)
{
	struct uk_file_map **s;
	size_t i, run = 0, n = m->nfiles;

	if (n == 0)
		return;
	s = mf_alloc(n * sizeof(*s));
	for (i = 0; i < n; i++)
		s[i] = &m->files[i];
	qsort(s, n, sizeof(*s), cmp_guest);
	for (i = 0; i < n; i++) {
		const char *g = s[i]->guest, *slash;
		char *what;

		if (i > 0 && strcmp(g, s[run]->guest) == 0) {
			what = label(s[i]);
			mf_hint(mf_diag(c, s[i]->line, s[i]->col,
					"%s is given twice", what),
				"it is first given at line %u, column %u",
				s[run]->line, s[run]->col);
			free(what);
			continue;
		}
		run = i;
		/* Each folder above it, nearest first: one message is enough. */
		for (slash = g + strlen(g); slash > g;) {
			const struct uk_file_map *outer;

			while (--slash > g && *slash != '/')
				;
			if (slash == g)
				break;
			outer = find_guest(s, n, g, (size_t)(slash - g));
			if (outer) {
				nested(c, s[i], outer);
				break;
			}
		}
	}
	free(s);
}
