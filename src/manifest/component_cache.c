/* Parsed component.yaml files, remembered: every build (a no-op too) reads
 * the manifests of the components it uses, and parsing and checking
 * uk-runtime's 7 KB of YAML was 60% of a no-op build's instructions
 * (issue 14). A component's files sit in the store unpacked under their
 * digest and do not change; the cache entry is keyed by the file's path,
 * identity, size and times and by uk's version and executable (a rebuilt
 * uk may read the YAML differently), so an edited or replaced file is
 * parsed again. Only the builder uses it: uk pkg create checks the files
 * a component lists every time. Entries live
 * in $UK_HOME/cache/components/, one file per uk executable and component
 * file (so they do not pile up): the key's line, then the fields as
 * NUL-ended strings, each after a one-letter tag. */
#include "manifest/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fasthash.h"
#include "util/path.h"

static const struct {
	char tag;
	size_t off;
} lists[] = {
	{ 'I', offsetof(struct uk_component, include) },
	{ 'C', offsetof(struct uk_component, cflags) },
	{ 'O', offsetof(struct uk_component, objects) },
	{ 'A', offsetof(struct uk_component, archives) },
	{ 'K', offsetof(struct uk_component, archives_kvm) },
	{ 'X', offsetof(struct uk_component, archives_xen) },
	{ 'k', offsetof(struct uk_component, keep) },
	{ 'R', offsetof(struct uk_component, requires) },
	{ 'L', offsetof(struct uk_component, link_if) },
};

/* The entry's path and its key line; 0 when there is no cache to use. */
static int entry_for(const char *path, char **file, char **key)
{
	const char *home = getenv("UK_HOME"), *h = getenv("HOME");
	char hex[UK_FASTHASH_HEX];
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct uk_hashbuf b = { 0 };
	struct stat st, exe;

	if (n <= 0)
		return 0;
	self[n] = '\0';
	if (stat(path, &st) != 0 || stat(self, &exe) != 0 ||
	    (!(home && *home) && !(h && *h)))
		return 0;
	if (asprintf(key, "uk-component-cache 1 %s exe=%lu:%lld:%lld.%09ld %s dev=%lu ino=%lu "
			  "size=%lld mtime=%lld.%09ld ctime=%lld.%09ld",
		     UK_VERSION, (unsigned long)exe.st_ino, (long long)exe.st_size,
		     (long long)exe.st_mtim.tv_sec, exe.st_mtim.tv_nsec, path,
		     (unsigned long)st.st_dev, (unsigned long)st.st_ino, (long long)st.st_size,
		     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		     (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec) < 0)
		abort();
	/* one entry per uk executable and file, replaced when either changes */
	uk_hashbuf_str(&b, self);
	uk_hashbuf_str(&b, path);
	uk_hashbuf_hex(&b, hex);
	uk_hashbuf_free(&b);
	if (home && *home) {
		if (asprintf(file, "%s/cache/components/%s", home, hex) < 0)
			abort();
	} else if (asprintf(file, "%s/.local/share/uk/cache/components/%s", h, hex) < 0) {
		abort();
	}
	return 1;
}

static char **scalar(struct uk_component *c, char tag)
{
	switch (tag) {
	case 'n': return &c->name;
	case 'v': return &c->version;
	case 'd': return &c->description;
	case 'e': return &c->entry;
	default: return NULL;
	}
}

static struct uk_strv *list(struct uk_component *c, char tag)
{
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (lists[i].tag == tag)
			return (struct uk_strv *)((char *)c + lists[i].off);
	return NULL;
}

static int cache_get(const char *path, struct uk_component *c)
{
	char *file, *key, *text = NULL, *p, *end;
	size_t len = 0, klen;
	int ok = 0;

	if (!entry_for(path, &file, &key))
		return -1;
	klen = strlen(key);
	if (uk_read_file(file, &text, &len, NULL) != 0 || len <= klen ||
	    memcmp(text, key, klen) != 0 || text[klen] != '\n' || text[len - 1] != '\0')
		goto out;
	memset(c, 0, sizeof(*c));
	c->path = mf_strdup(path);
	c->dir = mf_dirname(path);
	ok = 1;
	/* each list's array at its size at once (uk-runtime's 365 link_if
	 * rules grew it one realloc a rule) */
	for (p = text + klen + 1, end = text + len; p < end; p += strlen(p) + 1) {
		struct uk_strv *v = list(c, p[0]);

		if (v)
			v->n++;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct uk_strv *v = (struct uk_strv *)((char *)c + lists[i].off);

		if (v->n)
			v->v = mf_alloc((v->n + 1) * sizeof(*v->v));
		v->n = 0;
	}
	for (p = text + klen + 1, end = text + len; p < end; p += strlen(p) + 1) {
		char **s = scalar(c, p[0]);
		struct uk_strv *v = list(c, p[0]);

		if (p[0] == 's') {
			c->spec = atoi(p + 1);
		} else if (s && !*s) {
			*s = mf_strdup(p + 1);
		} else if (v) {
			v->v[v->n++] = mf_strdup(p + 1);
			v->v[v->n] = NULL;
		} else {
			ok = 0; /* not ours: parse the YAML */
			break;
		}
	}
	if (!ok)
		uk_component_free(c);
out:
	free(text);
	free(file);
	free(key);
	return ok ? 0 : -1;
}

static void put(struct uk_hashbuf *b, char tag, const char *s)
{
	uk_hashbuf_add(b, &tag, 1);
	uk_hashbuf_str(b, s);
}

static void cache_put(const char *path, const struct uk_component *c)
{
	struct uk_hashbuf b = { 0 };
	char *file, *key, *dir, spec[16];
	struct uk_component *w = (struct uk_component *)c;

	if (!entry_for(path, &file, &key))
		return;
	uk_hashbuf_add(&b, key, strlen(key));
	uk_hashbuf_add(&b, "\n", 1);
	snprintf(spec, sizeof(spec), "%d", c->spec);
	put(&b, 's', spec);
	for (const char *t = "nvde"; *t; t++)
		if (*scalar(w, *t))
			put(&b, *t, *scalar(w, *t));
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const struct uk_strv *v = list(w, lists[i].tag);

		for (size_t j = 0; j < v->n; j++)
			put(&b, lists[i].tag, v->v[j]);
	}
	dir = mf_dirname(file);
	/* best effort: without it, the next build parses the YAML again */
	if (uk_mkdirs(dir, NULL) == 0)
		uk_write_file_atomic(file, b.data, b.len, 0644, NULL);
	free(dir);
	uk_hashbuf_free(&b);
	free(file);
	free(key);
}

int uk_component_load_cached(const char *path, struct uk_component *c,
			     struct uk_diags *diags, struct uk_error *err)
{
	if (cache_get(path, c) == 0)
		return 0;
	if (uk_component_load(path, c, diags, err) != 0)
		return -1;
	cache_put(path, c);
	return 0;
}
