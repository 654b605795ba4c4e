/* Inputs: plain objects are mapped and parsed directly. Archives: libbfd
 * (the project's chosen reader of archives) checks the format and reads
 * the symbol index (armap), which says which member defines each symbol;
 * members become lazy definitions, parsed by input.c only when an
 * undefined reference needs them, like ld does. The member headers are
 * walked here, over the mapped file and bounds-checked, so every member is
 * known to be ELF (a stray file in an archive is an error, not silently
 * ignored) and opening one costs no I/O; a member's name is formatted
 * only when it is loaded. */
#define PACKAGE "uk"
#define PACKAGE_VERSION "0"
#include <bfd.h>
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

struct member {
	uint64_t hdr;          /* offset of its ar header */
	const uint8_t *data;
	size_t size;
	const char *name;      /* not NUL-terminated: it ends within name_len
				* bytes (lk_ar_name_len says where) */
	size_t name_len;
};

struct members {
	struct member *v;
	size_t n, cap;
	size_t hint;           /* the last one found */
};

static struct lk_obj *new_obj(struct lk_ctx *c, const char *path)
{
	struct lk_obj *o = lk_arena_alloc(&c->arena, sizeof(*o));

	o->path = path;
	o->display = lk_xstrdup(path);
	lk_push(&c->all, &c->nall, &c->capall, sizeof(o), &o);
	return o;
}

/* Where the member's name is: "name/" in the header, or "/N" for offset N
 * in the "//" table of long names, where it ends with "/\n". Its length is
 * found only for the members loaded (lk_ar_name_len). */
static void member_name(const uint8_t *h, const char *longnames, size_t nlong,
			struct member *m)
{
	const char *src = (const char *)h;
	size_t max = 16;

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
	m->name = src;
	m->name_len = max;
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
		if (h[0] == '/' && h[1] == '/' && h[2] == ' ') {
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
					  path, (int)lk_ar_name_len(m.name, m.name_len),
					  m.name, off);
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
	size_t lo = 0, hi = ms->n, k;

	/* the index names members mostly in file order: try next to the last
	 * one found before searching */
	for (k = ms->hint; k < ms->n && k < ms->hint + 2; k++)
		if (ms->v[k].hdr == hdr)
			return &ms->v[ms->hint = k];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->v[mid].hdr < hdr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ms->n && ms->v[lo].hdr == hdr)
		return &ms->v[ms->hint = lo];
	return NULL;
}

static int bfd_fail(struct lk_ctx *c, const char *path, const char *what)
{
	uk_errorf(c->err, "%s: %s: %s", path, what, bfd_errmsg(bfd_get_error()));
	return uk_hintf(c->err, "check that the archive is a complete ar file made by 'ar rcs'");
}

static int add_stubs(struct lk_ctx *c, const char *path, bfd *a, struct members *ms)
{
	struct lk_obj **stubs = lk_xcalloc(ms->n, sizeof(*stubs));
	symindex i = BFD_NO_MORE_SYMBOLS;
	carsym *cs;

	while ((i = bfd_get_next_mapent(a, i, &cs)) != BFD_NO_MORE_SYMBOLS) {
		struct member *m = find_member(ms, cs->file_offset);
		struct lk_obj *o;

		if (!m) {
			free(stubs);
			uk_errorf(c->err, "%s: malformed archive: symbol index "
				  "names a member at offset %llu that does not "
				  "exist", path, (unsigned long long)cs->file_offset);
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
		lk_add_lazy(c, o, cs->name);
	}
	free(stubs);
	return 0;
}

static int read_archive(struct lk_ctx *c, const char *path,
			const uint8_t *data, size_t size)
{
	static int inited;
	struct members ms = { 0 };
	bfd *a;
	int rc;

	if (!inited) {
		bfd_init();
		inited = 1;
	}
	if (!memcmp(data, "!<thin>\n", 8))
		return uk_errorf(c->err, "%s: thin archives are not supported",
				 path);
	if (walk_members(c, path, data, size, &ms) < 0) {
		free(ms.v);
		return -1;
	}
	a = bfd_openr(path, "elf64-x86-64");
	if (!a) {
		free(ms.v);
		return bfd_fail(c, path, "cannot open archive");
	}
	/* the armap's names live in the bfd: it stays open until the end */
	lk_push(&c->bfds, &c->nbfds, &c->capbfds, sizeof(a), &a);
	if (!bfd_check_format(a, bfd_archive)) {
		rc = bfd_fail(c, path, "malformed archive");
	} else if (!bfd_has_map(a)) {
		if (ms.n) {
			uk_errorf(c->err, "%s: archive has no symbol index", path);
			rc = uk_hintf(c->err, "run 'ranlib %s' (or make it with "
					      "'ar rcs')", path);
		} else {
			rc = 0; /* an empty archive */
		}
	} else {
		rc = add_stubs(c, path, a, &ms);
	}
	free(ms.v);
	return rc;
}

void lk_close_archives(struct lk_ctx *c)
{
	for (size_t i = 0; i < c->nbfds; i++)
		bfd_close(c->bfds[i]);
	free(c->bfds);
	c->bfds = NULL;
	c->nbfds = 0;
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
