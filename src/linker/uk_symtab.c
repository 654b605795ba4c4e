/* The runtime's own symbol table (runtime/include/uk/symtab.h): when the
 * program refers to __start_uk_symtab or __stop_uk_symtab and no input
 * provides a uk_symtab section, the linker makes one from the kept
 * function symbols, in a read-only PT_LOAD after everything else (built
 * once every other address is known, so it moves nothing). */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"
/* the format, shared with the runtime's reader */
#include "../../runtime/include/uk/symtab.h"

struct fsym {
	uint64_t addr, size;
	const char *name;
};

static int cmp_fsym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* 1 when the linker must make the uk_symtab section: the program refers
 * to its bounds and no input provides it. */
int lk_ukst_wanted(struct lk_ctx *c)
{
	struct lk_sym *a = lk_sym_find(&c->syms, "__start_uk_symtab");
	struct lk_sym *b = lk_sym_find(&c->syms, "__stop_uk_symtab");
	size_t i;

	if (!(a && a->state != LK_DEFINED && a->referenced) &&
	    !(b && b->state != LK_DEFINED && b->referenced))
		return 0;
	for (i = 0; i < c->nosecs; i++)
		if (!strcmp(c->osecs[i]->name, "uk_symtab"))
			return 0; /* an input provides it */
	return 1;
}

static void collect(struct lk_ctx *c, struct fsym **v, size_t *n)
{
	size_t cap = 0;
	struct lk_obj *o;
	uint32_t i;

	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->nsyms; i++) {
			const Elf64_Sym *y = &o->syms[i];
			int t = ELF64_ST_TYPE(y->st_info);
			const struct lk_sym *g = o->gsyms[i];
			struct fsym f;
			struct lk_sec *s;

			if ((t != STT_FUNC && t != STT_NOTYPE) || !y->st_name ||
			    y->st_shndx == SHN_UNDEF ||
			    y->st_shndx >= SHN_LORESERVE)
				continue;
			s = &o->secs[y->st_shndx];
			if (!s->live || !(s->flags & SHF_EXECINSTR) ||
			    (g && g->obj != o))
				continue;
			f.name = lk_sym_name(o, y);
			if (!strncmp(f.name, ".L", 2))
				continue;
			f.addr = s->addr + y->st_value;
			f.size = y->st_size;
			lk_push(v, n, &cap, sizeof(f), &f);
		}
	if (*n > 1)
		qsort(*v, *n, sizeof(**v), cmp_fsym);
}

static void put32(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The nibble stream of version 3 (runtime/include/uk/symtab.h). */
struct nibw {
	uint8_t *p;
	size_t n; /* nibbles written */
};

static void put_nib(struct nibw *w, unsigned v)
{
	w->p[w->n / 2] |= (uint8_t)((v & 15) << (w->n & 1) * 4);
	w->n++;
}

static void put_var(struct nibw *w, uint64_t v)
{
	do {
		put_nib(w, (unsigned)(v & 7) | (v > 7 ? 8 : 0));
		v >>= 3;
	} while (v);
}

/* the bytes of name[] after what each shares with the previous name */
static size_t shared(const char *prev, size_t plen, const char *name, size_t len)
{
	size_t keep = 0;

	while (keep < len && keep < plen && name[keep] == prev[keep])
		keep++;
	return keep;
}

static size_t cut_len(const char *name)
{
	size_t len = strlen(name);

	return len > UK_SYMTAB_NAME_MAX ? UK_SYMTAB_NAME_MAX : len;
}

/* alpha[]: the bytes most frequent in the names' stored parts, most
 * frequent first (ties by value, so the table is reproducible). */
static void choose_alpha(uint8_t *alpha, const char **name, size_t ne)
{
	uint64_t freq[256] = {0};
	const char *prev = "";
	size_t i, plen = 0;

	for (i = 0; i < ne; i++) {
		size_t len = cut_len(name[i]), k;

		for (k = shared(prev, plen, name[i], len); k < len; k++)
			freq[(uint8_t)name[i][k]]++;
		prev = name[i];
		plen = len;
	}
	for (i = 0; i < UK_SYMTAB_ALPHA; i++) {
		unsigned best = 0, c;

		for (c = 1; c < 256; c++)
			if (freq[c] > freq[best])
				best = c;
		if (!best)
			break; /* fewer distinct bytes: the rest stays 0, unused */
		alpha[i] = (uint8_t)best;
		freq[best] = 0;
	}
}

static void put_byte(struct nibw *w, const uint8_t *alpha, uint8_t c)
{
	unsigned i;

	for (i = 0; i < UK_SYMTAB_ALPHA && alpha[i] != c; i++)
		;
	if (i < UK_SYMTAB_SINGLES) {
		put_nib(w, i + 1);
	} else if (i < UK_SYMTAB_ALPHA) {
		put_nib(w, 14);
		put_nib(w, i - UK_SYMTAB_SINGLES);
	} else {
		put_nib(w, 15);
		put_nib(w, c);
		put_nib(w, c >> 4);
	}
}

/* Version 3: the alphabet, then address deltas and front-coded names in
 * nibbles; out (zeroed) has the room for the worst case. */
static size_t encode(uint8_t *out, const uint64_t *addr, const char **name,
		     size_t ne)
{
	struct nibw w = {out + 16 + UK_SYMTAB_ALPHA, 0};
	const char *prev = "";
	size_t i, plen = 0;
	uint64_t last = 0;

	choose_alpha(out + 16, name, ne);
	for (i = 0; i < ne; i++) {
		size_t len = cut_len(name[i]), keep = shared(prev, plen, name[i], len), k;

		put_var(&w, addr[i] - last);
		last = addr[i];
		put_var(&w, keep);
		for (k = keep; k < len; k++)
			put_byte(&w, out + 16, (uint8_t)name[i][k]);
		put_nib(&w, 0);
		prev = name[i]; /* a gap's is empty */
		plen = len;
	}
	return 16 + UK_SYMTAB_ALPHA + (w.n + 1) / 2;
}

void lk_ukst_build(struct lk_ctx *c)
{
	struct fsym *v = NULL;
	size_t n = 0, i, ne = 0, room = 16;
	uint64_t *addr, end = 0;
	const char **name;
	int known = 0;

	collect(c, &v, &n);
	addr = lk_xcalloc(2 * n + 1, sizeof(*addr));
	name = lk_xcalloc(2 * n + 1, sizeof(*name));
	for (i = 0; i < n; i++) {
		if (ne && addr[ne - 1] == v[i].addr)
			continue; /* aliases: the first name is enough */
		if (ne && known && v[i].addr >= end + 16) {
			addr[ne] = end; /* a gap: the previous one ended;
					 * less is the next one's alignment */
			name[ne++] = "";
		}
		addr[ne] = v[i].addr;
		name[ne++] = v[i].name;
		known = v[i].size != 0;
		end = v[i].addr + v[i].size;
	}
	if (ne && known && end > addr[ne - 1]) {
		addr[ne] = end;
		name[ne++] = "";
	}
	room += UK_SYMTAB_ALPHA;
	for (i = 0; i < ne; i++) /* delta, keep, 3 nibbles a byte, the end */
		room += 11 + 3 + (3 * cut_len(name[i]) + 1) / 2 + 1;
	c->ukst = lk_xcalloc(1, room);
	c->ukst_size = encode(c->ukst, addr, name, ne);
	put32(c->ukst, UK_SYMTAB_MAGIC);
	put32(c->ukst + 4, UK_SYMTAB_VERSION);
	put32(c->ukst + 8, ne);
	put32(c->ukst + 12, c->ukst_size - 16);
	free(addr);
	free(name);
	free(v);
}
