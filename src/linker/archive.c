/* Inputs: plain objects are mapped and parsed directly. Archives (GNU ar
 * format) are read here, over the mapped file and bounds-checked: the
 * symbol index (the "/" or "/SYM64/" member) says which member defines
 * each symbol; members become lazy definitions, parsed by input.c only
 * when an undefined reference needs them, like ld does. Every member is
 * checked to be ELF (a stray file in an archive is an error, not silently
 * ignored); a member's name is formatted only when it is loaded. */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

struct member {
	uint64_t hdr;          /* offset of its ar header */
	const uint8_t *data;
	size_t size;
	const char *name;      /* not NUL-terminated: name_len bytes */
	size_t name_len;
};

struct members {
	struct member *v;
	size_t n, cap;
	const uint8_t *index;  /* the symbol index member's bytes, or NULL */
	size_t index_size;
	int index64;           /* "/SYM64/": 64-bit counts and offsets */
};

static struct lk_obj *new_obj(struct lk_ctx *c, const char *path)
{
	struct lk_obj *o = lk_arena_alloc(&c->arena, sizeof(*o));

	o->path = path;
	o->display = lk_xstrdup(path);
	lk_push(&c->all, &c->nall, &c->capall, sizeof(o), &o);
	return o;
}

/* The member's name: "name/" in the header, or "/N" for offset N in the
 * "//" table of long names, where it ends with "/\n". */
static void member_name(const uint8_t *h, const char *longnames, size_t nlong,
			struct member *m)
{
	const char *src = (const char *)h;
	size_t max = 16, k = 0;

	if (h[0] == '/' && longnames) {
		unsigned long lo = 0;
		int i;

		for (i = 1; i < 16 && h[i] >= '0' && h[i] <= '9'; i++)
			lo = lo * 10 + (unsigned long)(h[i] - '0');
		if (lo < nlong) {
			src = longnames + lo;
			max = nlong - lo;
		}
	}
	while (k < max && src[k] != '/' && src[k] != '\n')
		k++;
	while (src == (const char *)h && k > 0 && src[k - 1] == ' ')
		k--;
	m->name = src;
	m->name_len = k;
}

/* GNU ar format: 60-byte headers, sizes in decimal, members padded to 2 */
static int walk_members(struct lk_ctx *c, const char *path, const uint8_t *d,
			size_t size, struct members *ms)
{
	const char *longnames = NULL;
	size_t off = 8, nlong = 0;

	while (off < size) {
		unsigned long long len = 0;
		const uint8_t *h = d + off;
		struct member m;
		int k, digits = 0;

		if (size - off < 60 || h[58] != '`' || h[59] != '\n')
			return uk_errorf(c->err, "%s: malformed archive: bad "
					 "member header at offset %zu",
					 path, off);
		for (k = 48; k < 58 && h[k] >= '0' && h[k] <= '9'; k++, digits++)
			len = len * 10 + (unsigned long long)(h[k] - '0');
		if (!digits || len > size - off - 60)
			return uk_errorf(c->err, "%s: malformed archive: member "
					 "at offset %zu extends past the end",
					 path, off);
		if (h[0] == '/' && h[1] == ' ' && !ms->index) {
			ms->index = h + 60;
			ms->index_size = len;
		} else if (!memcmp(h, "/SYM64/ ", 8) && !ms->index) {
			ms->index = h + 60;
			ms->index_size = len;
			ms->index64 = 1;
		} else if (h[0] == '/' && h[1] == '/' && h[2] == ' ') {
			longnames = (const char *)h + 60;
			nlong = len;
		} else if (h[0] != '/' || (h[1] >= '0' && h[1] <= '9')) {
			m.hdr = off;
			m.data = h + 60;
			m.size = len;
			member_name(h, longnames, nlong, &m);
			if (len < 4 || memcmp(m.data, ELFMAG, SELFMAG)) {
				uk_errorf(c->err, "%s(%.*s): not an ELF object "
					  "(archive member at offset %zu)",
					  path, (int)m.name_len, m.name, off);
				return uk_hintf(c->err, "archives must hold only "
						"ELF64 x86_64 objects; remove "
						"the member with 'ar d'");
			}
			lk_push(&ms->v, &ms->n, &ms->cap, sizeof(m), &m);
		}
		off += 60 + len;
		off += off & 1;
	}
	return 0;
}

static struct member *find_member(struct members *ms, uint64_t hdr)
{
	size_t lo = 0, hi = ms->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->v[mid].hdr < hdr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ms->n && ms->v[lo].hdr == hdr ? &ms->v[lo] : NULL;
}

static uint64_t be(const uint8_t *p, int w)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

static int bad_index(struct lk_ctx *c, const char *path, const char *what)
{
	uk_errorf(c->err, "%s: malformed archive: symbol index %s", path, what);
	return uk_hintf(c->err, "rebuild the index with 'ranlib %s'", path);
}

/* The index: a big-endian count N, N member header offsets, then N
 * NUL-terminated names (4-byte fields, or 8-byte ones for /SYM64/). */
static int add_stubs(struct lk_ctx *c, const char *path, struct members *ms)
{
	const int w = ms->index64 ? 8 : 4;
	const uint8_t *ix = ms->index;
	const char *names, *end;
	struct lk_obj **stubs;
	uint64_t n, i;

	if (ms->index_size < (size_t)w)
		return bad_index(c, path, "is truncated");
	n = be(ix, w);
	if (n > (ms->index_size - w) / w)
		return bad_index(c, path, "is truncated");
	names = (const char *)ix + w + n * w;
	end = (const char *)ix + ms->index_size;
	stubs = lk_xcalloc(ms->n, sizeof(*stubs));
	for (i = 0; i < n; i++) {
		struct member *m = find_member(ms, be(ix + w + i * w, w));
		const char *nm = names;
		struct lk_obj *o;

		while (names < end && *names)
			names++;
		if (names >= end) {
			free(stubs);
			return bad_index(c, path, "names run past its end");
		}
		names++;
		if (!m) {
			free(stubs);
			uk_errorf(c->err, "%s: malformed archive: symbol index "
				  "names a member at offset %llu that does not "
				  "exist", path,
				  (unsigned long long)be(ix + w + i * w, w));
			return uk_hintf(c->err, "rebuild the index with "
					"'ranlib %s'", path);
		}
		o = stubs[m - ms->v];
		if (!o) {
			o = lk_arena_alloc(&c->arena, sizeof(*o));
			o->path = path;
			o->ar_member = 1;
			o->data = m->data;
			o->size = m->size;
			o->member = m->name;
			o->member_len = (uint32_t)m->name_len;
			lk_push(&c->all, &c->nall, &c->capall, sizeof(o), &o);
			stubs[m - ms->v] = o;
		}
		lk_add_lazy(c, o, nm);
	}
	free(stubs);
	return 0;
}

static int read_archive(struct lk_ctx *c, const char *path,
			const uint8_t *data, size_t size)
{
	struct members ms = { 0 };
	int rc;

	if (!memcmp(data, "!<thin>\n", 8))
		return uk_errorf(c->err, "%s: thin archives are not supported",
				 path);
	rc = walk_members(c, path, data, size, &ms);
	if (rc == 0 && !ms.index && ms.n) {
		uk_errorf(c->err, "%s: archive has no symbol index", path);
		rc = uk_hintf(c->err, "run 'ranlib %s' (or make it with "
				      "'ar rcs')", path);
	} else if (rc == 0 && ms.index) {
		rc = add_stubs(c, path, &ms);
	}
	free(ms.v);
	return rc;
}

/* A lazy member is needed: parse it (a copy when ar left it misaligned) */
int lk_member_open(struct lk_ctx *c, struct lk_obj *o)
{
	o->display = lk_xasprintf("%s(%.*s)", o->path, (int)o->member_len,
				  o->member);
	if ((uintptr_t)o->data % 8) {
		/* ar aligns members to 2 bytes; ELF structures need 8 */
		uint8_t *copy = malloc(o->size ? o->size : 1);
		struct lk_map mp = { copy, o->size, 1, NULL };

		if (!copy)
			abort();
		memcpy(copy, o->data, o->size);
		lk_push(&c->maps, &c->nmaps, &c->capmaps, sizeof(mp), &mp);
		o->data = copy;
	}
	return lk_obj_parse(c, o);
}

int lk_read_input(struct lk_ctx *c, const char *path)
{
	const uint8_t *data;
	size_t size;
	struct lk_obj *o;

	if (lk_map_file(c, path, &data, &size) < 0)
		return -1;
	if (size >= 8 && (!memcmp(data, "!<arch>\n", 8) ||
			  !memcmp(data, "!<thin>\n", 8)))
		return read_archive(c, path, data, size);
	o = new_obj(c, path);
	o->data = data;
	o->size = size;
	if (lk_obj_parse(c, o) < 0)
		return -1;
	return lk_add_object(c, o);
}
