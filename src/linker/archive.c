/* Inputs: plain objects are mapped and parsed directly. Archives: libbfd
 * (the project's chosen reader of archives) checks the format and reads
 * the symbol index (armap), which says which member defines each symbol;
 * members become lazy definitions, parsed by input.c only when an
 * undefined reference needs them, like ld does. A member's ar header is
 * read, over the mapped file and bounds-checked, only when it is loaded:
 * the members a link does not use are not touched (walking all of
 * libc.a's 1,300 headers was a tenth of a small link). So a stray file in
 * an archive is an error when the index names it and the link loads it,
 * as with ld; one the index cannot name (it defines nothing) is named in
 * the hint of a link that fails on an undefined symbol (lk_ar_strays).
 * The index's names and the members stay compact records (lazy.c) until
 * the link asks for them. */
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

/* The length of a member's name: "name/" in the header, or "/N" for
 * offset N in the "//" table of long names, where it ends with "/\n" */
static size_t name_len(const char *src, size_t max)
{
	size_t k = 0;

	while (k < max && src[k] != '/' && src[k] != '\n')
		k++;
	while (k > 0 && src[k - 1] == ' ') /* BSD-style names pad with spaces */
		k--;
	return k;
}

static const char *member_name(const uint8_t *h, const char *longnames,
			       size_t nlong, size_t *len)
{
	if (h[0] == '/' && longnames) {
		unsigned long lo = 0;
		int i;

		for (i = 1; i < 16 && h[i] >= '0' && h[i] <= '9'; i++)
			lo = lo * 10 + (unsigned long)(h[i] - '0');
		if (lo < nlong) {
			*len = name_len(longnames + lo, nlong - lo);
			return longnames + lo;
		}
	}
	*len = name_len((const char *)h, 16);
	return (const char *)h;
}

/* GNU ar format: 60-byte headers, sizes in decimal, members padded to 2.
 * The header at off: 0 and its data's length, -1 when there is none,
 * -2 when its data goes past the end */
static int header(const uint8_t *d, size_t size, size_t off,
		  unsigned long long *len)
{
	const uint8_t *h = d + off;
	int k, digits = 0;

	*len = 0;
	if (off >= size || size - off < 60 || h[58] != '`' || h[59] != '\n')
		return -1;
	for (k = 48; k < 58 && h[k] >= '0' && h[k] <= '9'; k++, digits++)
		*len = *len * 10 + (unsigned long long)(h[k] - '0');
	if (!digits || *len > size - off - 60)
		return -2;
	return 0;
}

static int regular(const uint8_t *h) /* not the index, nor "//" */
{
	return h[0] != '/' || (h[1] >= '0' && h[1] <= '9');
}

static int header_error(struct lk_ctx *c, const char *path, size_t off, int why)
{
	return why == -1 ? uk_errorf(c->err, "%s: malformed archive: bad "
				     "member header at offset %zu", path, off)
			 : uk_errorf(c->err, "%s: malformed archive: member "
				     "at offset %zu extends past the end",
				     path, off);
}

/* From *off on, the next regular member that is not an ELF object: 1 with
 * *off at its header and *len its size, 0 at the end, or a malformed
 * header's -1 or -2 (header()) with *off at it */
static int next_stray(const struct lk_archive *ar, size_t *off,
		      unsigned long long *len)
{
	while (*off < ar->size) {
		const uint8_t *h = ar->data + *off;
		int why = header(ar->data, ar->size, *off, len);

		if (why < 0)
			return why;
		if (regular(h) && (*len < 4 || memcmp(h + 60, ELFMAG, SELFMAG)))
			return 1;
		*off += 60 + *len;
		*off += *off & 1;
	}
	return 0;
}

static int not_elf(struct lk_ctx *c, const char *path, const char *name,
		   size_t n, uint64_t off)
{
	uk_errorf(c->err, "%s(%.*s): not an ELF object (archive member at "
		  "offset %llu)", path, (int)n, name, (unsigned long long)off);
	return uk_hintf(c->err, "archives must hold only ELF64 x86_64 objects; "
			"remove the member with 'ar d'");
}

static int bad_offset(struct lk_ctx *c, const char *path, uint64_t off)
{
	uk_errorf(c->err, "%s: malformed archive: symbol index names a member "
		  "at offset %llu that does not exist", path, (unsigned long long)off);
	return uk_hintf(c->err, "rebuild the index with 'ranlib %s'", path);
}

/* The members before the first regular one: the index ("/" or "/SYM64/")
 * and the long names ("//"), which GNU ar writes first. *first: the
 * first regular member's offset, size when there is none. */
static int lead_members(struct lk_ctx *c, const char *path,
			const uint8_t *d, size_t size, struct lk_archive *ar,
			size_t *first)
{
	size_t off = 8;

	while (off < size) {
		unsigned long long len;
		int why = header(d, size, off, &len);

		if (why < 0)
			return header_error(c, path, off, why);
		if (regular(d + off))
			break;
		if (!memcmp(d + off, "// ", 3)) {
			ar->longnames = (const char *)d + off + 60;
			ar->nlong = len;
		}
		off += 60 + len;
		off += off & 1;
	}
	*first = off < size ? off : size;
	return 0;
}

/* A lazy member is needed: its header is read and checked, then it is
 * parsed (from a copy when ar left it misaligned) */
int lk_member_open(struct lk_ctx *c, struct lk_obj *o)
{
	const struct lk_archive *ar = o->ar;
	const uint8_t *h = ar->data + o->ar_hdr;
	size_t plen = strlen(o->path), nlen;
	unsigned long long len;
	int why = header(ar->data, ar->size, o->ar_hdr, &len);

	if (why == -1 || (why == 0 && !regular(h)))
		return bad_offset(c, ar->path, o->ar_hdr);
	if (why < 0)
		return header_error(c, ar->path, o->ar_hdr, why);
	o->member = member_name(h, ar->longnames, ar->nlong, &nlen);
	o->member_len = (uint32_t)nlen;
	o->data = h + 60;
	o->size = len;
	if (len < 4 || memcmp(o->data, ELFMAG, SELFMAG))
		return not_elf(c, ar->path, o->member, nlen, o->ar_hdr);
	/* "path(member)", in the arena like the object */
	o->display = lk_arena_alloc(&c->arena, plen + o->member_len + 3);
	memcpy(o->display, o->path, plen);
	o->display[plen] = '(';
	memcpy(o->display + plen + 1, o->member, o->member_len);
	o->display[plen + 1 + o->member_len] = ')';
	if ((uintptr_t)o->data % 8) {
		/* ar aligns members to 2 bytes; ELF structures need 8 */
		uint8_t *copy = lk_arena_alloc(&c->arena, o->size ? o->size : 1);

		memcpy(copy, o->data, o->size);
		o->data = copy;
	}
	return lk_obj_parse(c, o);
}

/* Members of the archives read that are not ELF objects, "path(name)",
 * comma-separated, for the hint of a link that failed on an undefined
 * symbol: the index names nothing in them, so a definition there was not
 * seen. NULL when there are none. */
char *lk_ar_strays(struct lk_ctx *c)
{
	char *list = NULL;

	for (const struct lk_archive *ar = c->syms.lazy; ar; ar = ar->next) {
		size_t off = 8, n;
		unsigned long long len;

		while (next_stray(ar, &off, &len) == 1) {
			const char *name = member_name(ar->data + off, ar->longnames,
						       ar->nlong, &n);

			lk_append(&list, "%s%s(%.*s)", list ? ", " : "", ar->path,
				  (int)n, name);
			off += 60 + len;
			off += off & 1;
		}
	}
	return list;
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
	return &ms->mem[ms->hint = lo]; /* every offset the index names is one */
}

/* The symbol index, in its order: each name and its member's offset; and
 * the members' offsets as it names them, each once (mostly file order) */
struct index {
	carsym **v;
	size_t n, cap;
	uint64_t *off;
	size_t noff, capoff;
};

static int bfd_fail(struct lk_ctx *c, const char *path, const char *what)
{
	uk_errorf(c->err, "%s: %s: %s", path, what, bfd_errmsg(bfd_get_error()));
	return uk_hintf(c->err, "check that the archive is a complete ar file made by 'ar rcs'");
}

/* Each name of the index, in its order: an undefined symbol becomes lazy
 * on its member now (ld's rule: the first archive defining it wins); a
 * name the table does not hold waits in the archive's own index. */
static void add_index(struct lk_ctx *c, const struct index *ix,
		      struct lk_archive *ar)
{
	ar->ent = reserve(NULL, &ar->capent, ix->n ? ix->n : 1, sizeof(*ar->ent));
	for (size_t i = 0; i < ix->n; i++) {
		const carsym *cs = ix->v[i];
		struct lk_member *m = find_member(ar, cs->file_offset);
		uint32_t h = lk_name_hash(cs->name);
		struct lk_sym *g = lk_sym_peek(&c->syms, cs->name, h);
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
}

/* libbfd reads the archive from the mapping uk reads, not the file
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

static int by_offset(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The members: each offset the index names, once, in file order. An
 * offset outside the archive's members is an error now; the header there
 * is checked when the member is loaded. */
static int index_members(struct lk_ctx *c, const char *path, size_t size,
			 size_t first, struct index *ix, struct lk_archive *ar)
{
	size_t i, n = 0;

	for (i = 1; i < ix->noff && ix->off[i - 1] < ix->off[i]; i++)
		;
	if (i < ix->noff) /* not in file order: rare, ar writes it so */
		qsort(ix->off, ix->noff, sizeof(*ix->off), by_offset);
	ar->mem = reserve(NULL, &ar->capmem, ix->noff ? ix->noff : 1, sizeof(*ar->mem));
	for (i = 0; i < ix->noff; i++) {
		uint64_t off = ix->off[i];

		if (n && ar->mem[n - 1].hdr == off)
			continue;
		if (off < first || off >= size)
			return bad_offset(c, path, off);
		ar->mem[n].hdr = off;
		ar->mem[n++].obj = NULL;
	}
	ar->nmem = n;
	return 0;
}

/* Without an index, every member is read for its errors: a stray file
 * says more than the missing index it explains */
static int walk_members(struct lk_ctx *c, const char *path,
			const struct lk_archive *ar)
{
	size_t off = 8, n;
	unsigned long long len;
	int rc = next_stray(ar, &off, &len);
	const char *name;

	if (rc < 0)
		return header_error(c, path, off, rc);
	if (rc == 0)
		return 0;
	name = member_name(ar->data + off, ar->longnames, ar->nlong, &n);
	return not_elf(c, path, name, n, off);
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
	size_t first = 0;

	if (!inited) {
		bfd_init();
		inited = 1;
	}
	if (!memcmp(data, "!<thin>\n", 8))
		return uk_errorf(c->err, "%s: thin archives are not supported",
				 path);
	ar = lk_xcalloc(1, sizeof(*ar));
	ar->path = path;
	ar->data = data;
	ar->size = size;
	/* the index and long names first: their errors before libbfd's */
	rc = lead_members(c, path, data, size, ar, &first);
	if (rc < 0) {
		lk_lazy_free(ar);
		return rc;
	}
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
		/* a small table for the archive's sections (it has none): the
		 * default's 32 KiB, zeroed, were a tenth of reading libc.a */
		unsigned long was = bfd_hash_set_default_size(31);

		fmt = bfd_check_format(a, bfd_archive);
		bfd_hash_set_default_size(was);
		if (fmt && bfd_has_map(a))
			collect_index(a, &ix);
	}
	if (!a) {
		errno = open_errno;
		rc = bfd_fail(c, path, "cannot open archive");
	} else if (!fmt) {
		rc = bfd_fail(c, path, "malformed archive");
	} else if (!bfd_has_map(a) && first < size) {
		rc = walk_members(c, path, ar);
		if (rc == 0) {
			uk_errorf(c->err, "%s: archive has no symbol index", path);
			rc = uk_hintf(c->err, "run 'ranlib %s' (or make it with "
					      "'ar rcs')", path);
		}
	} else if (bfd_has_map(a) &&
		   (rc = index_members(c, path, size, first, &ix, ar)) == 0) {
		add_index(c, &ix, ar);
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
