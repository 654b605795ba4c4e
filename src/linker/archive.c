/* Inputs: plain objects are mapped and parsed directly. Archives: libbfd
 * (the project's chosen reader of archives) checks the format and reads
 * the symbol index (armap), which says which member defines each symbol;
 * members become lazy definitions, parsed by input.c only when an
 * undefined reference needs them, like ld does. The member headers are
 * walked here, over the mapped file and bounds-checked, so every member is
 * known to be ELF (a stray file in an archive is an error, not silently
 * ignored) and opening one costs no I/O; a member's name is formatted
 * only when it is loaded. The index's names and the members stay compact
 * records (lazy.c) until the link asks for them. */
#define PACKAGE "uk"
#define PACKAGE_VERSION "0"
#include <bfd.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linker/internal.h"

static struct lk_obj *new_obj(struct lk_ctx *c, const char *path)
{
	struct lk_obj *o = lk_arena_alloc(&c->arena, sizeof(*o));
	size_t len = strlen(path) + 1;

	o->path = path;
	o->display = memcpy(lk_arena_alloc(&c->arena, len), path, len);
	return o;
}

/* room for want records */
static void *reserve(void *v, size_t *cap, size_t want, size_t elem)
{
	*cap = want;
	v = realloc(v, want * elem);
	if (!v)
		abort(); /* out of memory: nothing sensible to report */
	return v;
}

/* room for the next record, the array doubled when full; sized from the
 * start for what a libc.a holds (the copies of growing were a tenth of
 * reading one), and memory not written is not touched */
static void *grow(void *v, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return v;
	return reserve(v, cap, *cap ? *cap * 2 : 4096, elem);
}

/* Where the member's name is: "name/" in the header, or "/N" for offset N
 * in the "//" table of long names, where it ends with "/\n". Its length is
 * found only for the members loaded (lk_ar_name_len). */
static void member_name(const uint8_t *h, const char *longnames, size_t nlong,
			struct lk_member *m)
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

/* The symbol index, in its order: each name and its member's offset; and
 * the members' offsets as it names them, each once (mostly file order) */
struct index {
	carsym **v;
	size_t n, cap;
	uint64_t *off;
	size_t noff, capoff;
};

/* How many members ahead the walk fetches a header: each header is a
 * cache miss (they lie a member's size apart, in a file the walk touches
 * first), and a chain of them when waited for one by one; the index knows
 * where the next ones are. */
#define AHEAD 8

/* GNU ar format: 60-byte headers, sizes in decimal, members padded to 2 */
static int walk_members(struct lk_ctx *c, const char *path, const uint8_t *d,
			size_t size, struct lk_archive *ar,
			const struct index *ix)
{
	const char *longnames = NULL;
	size_t off = 8, nlong = 0;

	while (off < size) {
		unsigned long long len = 0;
		const uint8_t *h = d + off;
		struct lk_member m = { 0 };
		int k, digits = 0;

		/* a hint: members the index does not name shift it a little */
		if (ar->nmem + AHEAD < ix->noff &&
		    ix->off[ar->nmem + AHEAD] < size - 60)
			__builtin_prefetch(d + ix->off[ar->nmem + AHEAD] + 48);

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
			ar->mem = grow(ar->mem, ar->nmem, &ar->capmem, sizeof(m));
			ar->mem[ar->nmem++] = m;
		}
		off += 60 + len;
		off += off & 1;
	}
	return 0;
}

static struct lk_member *find_member(struct lk_archive *ms, uint64_t hdr)
{
	size_t lo = 0, hi = ms->nmem, k;

	/* the index names members mostly in file order: try next to the last
	 * one found before searching */
	for (k = ms->hint; k < ms->nmem && k < ms->hint + 2; k++)
		if (ms->mem[k].hdr == hdr)
			return &ms->mem[ms->hint = k];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->mem[mid].hdr < hdr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ms->nmem && ms->mem[lo].hdr == hdr)
		return &ms->mem[ms->hint = lo];
	return NULL;
}

static int bfd_fail(struct lk_ctx *c, const char *path, const char *what)
{
	uk_errorf(c->err, "%s: %s: %s", path, what, bfd_errmsg(bfd_get_error()));
	return uk_hintf(c->err, "check that the archive is a complete ar file made by 'ar rcs'");
}

/* Each name of the index, in its order: an undefined symbol becomes lazy
 * on its member now (ld's rule: the first archive defining it wins); a
 * name the table does not hold waits in the archive's own index. */
static int add_index(struct lk_ctx *c, const char *path,
		     const struct index *ix, struct lk_archive *ar)
{
	ar->ent = reserve(NULL, &ar->capent, ix->n ? ix->n : 1, sizeof(*ar->ent));
	for (size_t i = 0; i < ix->n; i++) {
		const carsym *cs = ix->v[i];
		struct lk_member *m = find_member(ar, cs->file_offset);
		uint32_t h;
		struct lk_sym *g;

		if (!m) {
			uk_errorf(c->err, "%s: malformed archive: symbol index "
				  "names a member at offset %llu that does not "
				  "exist", path, (unsigned long long)cs->file_offset);
			return uk_hintf(c->err, "rebuild the index with "
					"'ranlib %s'", path);
		}
		h = lk_name_hash(cs->name);
		g = lk_sym_peek(&c->syms, cs->name, h);
		if (g) {
			if (g->state == LK_UNDEF)
				lk_add_lazy(c, g, lk_member_obj(&c->arena, ar, m));
			continue;
		}
		ar->ent[ar->nent].name = cs->name;
		ar->ent[ar->nent].hash = h;
		ar->ent[ar->nent++].member = (uint32_t)(m - ar->mem);
	}
	lk_lazy_index(&c->arena, ar);
	return 0;
}

/* libbfd reads the archive from the mapping the walk reads, not the file
 * again: no descriptor, no read and seek calls, no copies through stdio */
struct view {
	const uint8_t *data;
	size_t size;
};

static void *view_open(bfd *a, void *closure)
{
	(void)a;
	return closure;
}

static file_ptr view_pread(bfd *a, void *stream, void *buf, file_ptr n,
			   file_ptr off)
{
	const struct view *v = stream;

	(void)a;
	if (off < 0 || n < 0 || (uint64_t)off >= v->size)
		return 0;
	if ((uint64_t)n > v->size - (uint64_t)off)
		n = (file_ptr)(v->size - (uint64_t)off);
	memcpy(buf, v->data + off, (size_t)n);
	return n;
}

static int view_close(bfd *a, void *stream)
{
	(void)a;
	free(stream);
	return 0;
}

static int view_stat(bfd *a, void *stream, struct stat *st)
{
	(void)a;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_size = (off_t)((struct view *)stream)->size;
	return 0;
}

static void collect_index(bfd *a, struct index *ix)
{
	symindex i = BFD_NO_MORE_SYMBOLS;
	carsym *cs;

	ix->off = reserve(NULL, &ix->capoff, 2048, sizeof(*ix->off));
	while ((i = bfd_get_next_mapent(a, i, &cs)) != BFD_NO_MORE_SYMBOLS) {
		uint64_t off = (uint64_t)cs->file_offset;

		ix->v = grow(ix->v, ix->n, &ix->cap, sizeof(*ix->v));
		ix->v[ix->n++] = cs;
		if (ix->noff && ix->off[ix->noff - 1] == off)
			continue;
		ix->off = grow(ix->off, ix->noff, &ix->capoff, sizeof(*ix->off));
		ix->off[ix->noff++] = off;
	}
}

static int read_archive(struct lk_ctx *c, const char *path,
			const uint8_t *data, size_t size)
{
	static int inited;
	struct lk_archive *ar;
	struct index ix = { 0 };
	struct view *view;
	bfd *a;
	int rc, fmt = 0, open_errno;

	if (!inited) {
		bfd_init();
		inited = 1;
	}
	if (!memcmp(data, "!<thin>\n", 8))
		return uk_errorf(c->err, "%s: thin archives are not supported",
				 path);
	/* libbfd reads the index first, for the walk to fetch ahead with; the
	 * walk's errors still come first */
	view = lk_xcalloc(1, sizeof(*view));
	view->data = data;
	view->size = size;
	a = bfd_openr_iovec(path, "elf64-x86-64", view_open, view, view_pread,
			    view_close, view_stat);
	open_errno = errno; /* its message, if it failed, says strerror(errno) */
	if (!a)
		free(view);
	if (a) {
		/* the armap's names live in the bfd: it stays open until the end */
		lk_push(&c->bfds, &c->nbfds, &c->capbfds, sizeof(a), &a);
		fmt = bfd_check_format(a, bfd_archive);
		if (fmt && bfd_has_map(a))
			collect_index(a, &ix);
	}
	ar = lk_xcalloc(1, sizeof(*ar));
	ar->path = path;
	/* as many members as the index names, give or take a few */
	ar->mem = reserve(NULL, &ar->capmem, ix.noff + 16, sizeof(*ar->mem));
	rc = walk_members(c, path, data, size, ar, &ix);
	if (rc == 0 && !a) {
		errno = open_errno;
		rc = bfd_fail(c, path, "cannot open archive");
	} else if (rc == 0 && !fmt) {
		rc = bfd_fail(c, path, "malformed archive");
	} else if (rc == 0 && !bfd_has_map(a) && ar->nmem) {
		uk_errorf(c->err, "%s: archive has no symbol index", path);
		rc = uk_hintf(c->err, "run 'ranlib %s' (or make it with "
				      "'ar rcs')", path);
	} else if (rc == 0 && bfd_has_map(a) &&
		   (rc = add_index(c, path, &ix, ar)) == 0) {
		lk_symtab_add_archive(&c->syms, ar); /* it owns ar now */
		ar = NULL;
	}
	/* else an empty archive, without an index: nothing to add */
	free(ix.v);
	free(ix.off);
	lk_lazy_free(ar);
	return rc;
}

void lk_close_archives(struct lk_ctx *c)
{
	lk_lazy_free(c->syms.lazy); /* its names are in the bfds */
	c->syms.lazy = c->syms.lazy_last = NULL;
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
