/* Writing and reading the uk_files blob (imagefs.h). The writer is what
 * `uk build` packs; the reader is for `uk inspect` and tests, and trusts
 * nothing: every offset and size is checked against the blob's length. */
#include "imagefmt/imagefs.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ALIGN8(x) (((x) + 7) & ~(uint64_t)7)

struct node {
	const char *path;
	uint32_t mode;
	const unsigned char *data;
	size_t size;
};

static int cmp_node(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->path, ((const struct node *)b)->path);
}

/* The node whose path is the len bytes at p, in sorted v[0..n), or NULL. */
static const struct node *find(const struct node *v, size_t n, const char *p, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strncmp(v[mid].path, p, len);

		if (r == 0 && v[mid].path[len])
			r = 1;
		if (r == 0)
			return &v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Adds the folders above every path that the list does not hold. Folder
 * paths added are prefixes of item paths, kept in *owned. */
static int add_parents(struct node **v, size_t *n, char ***owned, size_t *nowned,
		       struct uk_error *err)
{
	size_t given = *n, cap = *n;

	qsort(*v, *n, sizeof(**v), cmp_node);
	for (size_t i = 0; i < given; i++) {
		const char *p = (*v)[i].path;

		for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			size_t len = (size_t)(s - p);
			const struct node *up = find(*v, given, p, len);
			int seen = 0;

			if (up && !S_ISDIR(up->mode))
				return uk_errorf(err, "'/%s' is below '/%s', which is not a folder",
						 p, up->path);
			if (up)
				continue;
			for (size_t k = given; k < *n && !seen; k++)
				seen = strlen((*v)[k].path) == len && !strncmp((*v)[k].path, p, len);
			if (seen)
				continue;
			if (*n == cap) {
				cap = cap * 2 + 8;
				*v = realloc(*v, cap * sizeof(**v));
				*owned = realloc(*owned, cap * sizeof(**owned));
				if (!*v || !*owned)
					abort();
			}
			(*owned)[*nowned] = strndup(p, len);
			if (!(*owned)[*nowned])
				abort();
			(*v)[(*n)++] = (struct node){ (*owned)[(*nowned)++], S_IFDIR | 0755, NULL, 0 };
		}
	}
	qsort(*v, *n, sizeof(**v), cmp_node);
	for (size_t i = 1; i < *n; i++)
		if (!strcmp((*v)[i].path, (*v)[i - 1].path))
			return uk_errorf(err, "'/%s' is packed twice", (*v)[i].path);
	return 0;
}

static int layout(const struct node *v, size_t n, uint64_t mtime, unsigned char **blob,
		  size_t *len, struct uk_error *err)
{
	uint64_t names = sizeof(struct ukf_header) + n * sizeof(struct ukf_entry);
	uint64_t names_len = 0, data_off, at;
	struct ukf_header h;
	unsigned char *b;

	for (size_t i = 0; i < n; i++)
		names_len += strlen(v[i].path) + 1;
	if (n > UINT32_MAX || names_len > UINT32_MAX)
		return uk_errorf(err, "too many files to pack (%zu)", n);
	data_off = ALIGN8(names + names_len);
	at = data_off;
	for (size_t i = 0; i < n; i++)
		at = ALIGN8(at + v[i].size);
	b = calloc(1, at);
	if (!b)
		abort();
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, UKF_MAGIC, 8);
	h.version = htole32(UKF_VERSION);
	h.count = htole32((uint32_t)n);
	h.size = htole64(at);
	h.entries_off = htole64(sizeof(h));
	h.names_off = htole64(names);
	h.data_off = htole64(data_off);
	memcpy(b, &h, sizeof(h));
	names_len = 0;
	at = data_off;
	for (size_t i = 0; i < n; i++) {
		struct ukf_entry e = { 0 };
		size_t plen = strlen(v[i].path) + 1;

		e.name_off = htole32((uint32_t)names_len);
		e.mode = htole32(v[i].mode);
		e.mtime = htole64(mtime);
		/* A folder has no data: its offset is the data area's start. */
		e.data_off = htole64(v[i].size ? at : data_off);
		e.size = htole64(v[i].size);
		memcpy(b + sizeof(h) + i * sizeof(e), &e, sizeof(e));
		memcpy(b + names + names_len, v[i].path, plen);
		names_len += plen;
		if (v[i].size)
			memcpy(b + at, v[i].data, v[i].size);
		at = ALIGN8(at + v[i].size);
	}
	*blob = b;
	*len = (size_t)at;
	return 0;
}

int ukf_pack(const struct ukf_item *items, size_t n, uint64_t mtime, unsigned char **blob,
	     size_t *len, struct uk_error *err)
{
	struct node *v = calloc(n + 1, sizeof(*v));
	char **owned = calloc(n + 1, sizeof(*owned));
	size_t nv = n, nowned = 0;
	int rc;

	if (!v || !owned)
		abort();
	*blob = NULL;
	*len = 0;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct node){ items[i].path, items[i].mode, items[i].data,
				      S_ISDIR(items[i].mode) ? 0 : items[i].size };
	rc = add_parents(&v, &nv, &owned, &nowned, err);
	if (rc == 0)
		rc = layout(v, nv, mtime, blob, len, err);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(v);
	return rc;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

int ukf_list(const unsigned char *b, size_t len, struct ukf_listed **out, size_t *n,
	     struct uk_error *err)
{
	uint64_t size, names, data, count;
	struct ukf_listed *l;

	*out = NULL;
	*n = 0;
	if (len < sizeof(struct ukf_header) || memcmp(b, UKF_MAGIC, 8) != 0)
		return uk_errorf(err, "section %s does not start with %s", UKF_SECTION,
				 UKF_MAGIC);
	if (rd32(b + 8) != UKF_VERSION)
		return uk_errorf(err, "section %s has version %u, not %u", UKF_SECTION,
				 rd32(b + 8), UKF_VERSION);
	count = rd32(b + 12);
	size = rd64(b + 16);
	names = rd64(b + 32);
	data = rd64(b + 40);
	if (size > len || rd64(b + 24) != sizeof(struct ukf_header) ||
	    count > (size - sizeof(struct ukf_header)) / sizeof(struct ukf_entry) ||
	    names < sizeof(struct ukf_header) + count * sizeof(struct ukf_entry) ||
	    names > data || data > size)
		return uk_errorf(err, "section %s: header out of bounds", UKF_SECTION);
	l = calloc(count + 1, sizeof(*l));
	if (!l)
		abort();
	for (uint64_t i = 0; i < count; i++) {
		const unsigned char *e = b + sizeof(struct ukf_header) + i * sizeof(struct ukf_entry);
		uint64_t name = rd32(e), doff = rd64(e + 24), dsize = rd64(e + 32);

		if (name >= data - names || !memchr(b + names + name, 0, data - names - name) ||
		    (dsize && (doff < data || doff > size || dsize > size - doff))) {
			free(l);
			return uk_errorf(err, "section %s: entry %llu out of bounds", UKF_SECTION,
					 (unsigned long long)i);
		}
		l[i].path = (const char *)b + names + name;
		l[i].mode = rd32(e + 4);
		l[i].uid = rd32(e + 8);
		l[i].gid = rd32(e + 12);
		l[i].mtime = rd64(e + 16);
		l[i].size = dsize;
		l[i].data = dsize ? b + doff : NULL;
	}
	*out = l;
	*n = (size_t)count;
	return 0;
}
