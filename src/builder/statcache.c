/* CACHE/stat: one line a file, "HASH SIZE INO MTIME_NS CTIME_NS PATH". */
#include "builder/statcache.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/path.h"

static struct uk_statcache_entry *slot(struct uk_statcache *c, const char *path)
{
	size_t i = (size_t)uk_xxh64(path, strlen(path), 0) & (c->cap - 1);

	while (c->v[i].path && strcmp(c->v[i].path, path))
		i = (i + 1) & (c->cap - 1);
	return &c->v[i];
}

static void grow(struct uk_statcache *c)
{
	struct uk_statcache_entry *old = c->v;
	size_t oldcap = c->cap;

	c->cap = c->cap ? c->cap * 2 : 64;
	c->v = calloc(c->cap, sizeof(*c->v));
	if (!c->v)
		abort();
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].path)
			*slot(c, old[i].path) = old[i];
	free(old);
}

static struct uk_statcache_entry *get(struct uk_statcache *c, const char *path, int add)
{
	struct uk_statcache_entry *e;

	if (!c->cap || (add && (c->n + 1) * 2 > c->cap))
		grow(c);
	e = slot(c, path);
	if (!e->path && add) {
		e->path = strdup(path);
		if (!e->path)
			abort();
		c->n++;
	}
	return e->path ? e : NULL;
}

void uk_statcache_load(struct uk_statcache *c, const char *cache_dir)
{
	char *text = NULL, *save = NULL;

	memset(c, 0, sizeof(*c));
	c->file = uk_path_join(cache_dir, "stat");
	if (uk_read_file(c->file, &text, NULL, NULL) != 0)
		return;
	c->loaded = uk_xxh64(text, strlen(text), 0);
	c->file_read = 1;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct uk_statcache_entry in = { 0 }, *e;
		int off = 0;

		if (sscanf(l, "%32s %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %n", in.hash,
			   &in.size, &in.ino, &in.mtime_ns, &in.ctime_ns, &off) != 5 ||
		    !off || !l[off] || strlen(in.hash) != 32)
			continue;
		e = get(c, l + off, 1);
		in.path = e->path;
		*e = in;
	}
	free(text);
}

static int64_t ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int uk_statcache_hash(struct uk_statcache *c, const char *dir, const char *path,
		      char out[UK_FASTHASH_HEX])
{
	char *full = path[0] == '/' || !dir || !strcmp(dir, ".") ? strdup(path)
								  : uk_path_join(dir, path);
	struct uk_statcache_entry *e;
	struct stat st;
	struct timespec now;

	if (stat(full, &st) < 0) {
		free(full);
		return -1;
	}
	e = get(c, path, 1);
	e->used = 1;
	if (e->size == (uint64_t)st.st_size && e->ino == (uint64_t)st.st_ino &&
	    e->mtime_ns == ns(st.st_mtim) && e->ctime_ns == ns(st.st_ctim) && e->hash[0]) {
		memcpy(out, e->hash, UK_FASTHASH_HEX);
		free(full);
		return 0;
	}
	c->hashed++;
	if (uk_fasthash_file(full, out) != 0) {
		free(full);
		return -1;
	}
	free(full);
	memcpy(e->hash, out, UK_FASTHASH_HEX);
	e->size = (uint64_t)st.st_size;
	e->ino = (uint64_t)st.st_ino;
	e->mtime_ns = ns(st.st_mtim);
	e->ctime_ns = ns(st.st_ctim);
	/* A file changed in the same clock tick as it was hashed could change
	 * again without its times moving: such entries are not trusted next
	 * time (git's "racy" files). The kernel's file times move in ticks of
	 * a few ms; a file system with whole-second times gets two seconds. */
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t window = st.st_mtim.tv_nsec || st.st_ctim.tv_nsec ? 100000000LL : 2000000000LL;
	e->racy = ns(now) - e->mtime_ns < window || ns(now) - e->ctime_ns < window;
	c->changed = 1;
	return 0;
}

void uk_statcache_save(struct uk_statcache *c)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	if (!c->changed || !c->file)
		return;
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		const struct uk_statcache_entry *e = &c->v[i];

		/* entries of files no longer read are dropped */
		if (e->path && e->used && !e->racy && e->hash[0])
			fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %s\n",
				e->hash, e->size, e->ino, e->mtime_ns, e->ctime_ns, e->path);
	}
	fclose(f);
	if (!c->file_read || uk_xxh64(buf, len, 0) != c->loaded)
		uk_write_file_atomic(c->file, buf, len, 0644, NULL);
	free(buf);
}

void uk_statcache_free(struct uk_statcache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->v[i].path);
	free(c->v);
	free(c->file);
	memset(c, 0, sizeof(*c));
}
