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

static size_t put_uleb(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

/* Version 2: address deltas as uleb128, each name front-coded against the
 * previous one (runtime/include/uk/symtab.h). */
static size_t encode(uint8_t *out, const uint64_t *addr, const char **name,
		     size_t ne)
{
	const char *prev = "";
	size_t at = 16, i, plen = 0;
	uint64_t last = 0;

	for (i = 0; i < ne; i++) {
		size_t len = strlen(name[i]), keep = 0;

		at += put_uleb(out + at, addr[i] - last);
		last = addr[i];
		if (!len) {
			out[at++] = UK_SYMTAB_GAP;
			continue;
		}
		if (len > UK_SYMTAB_NAME_MAX)
			len = UK_SYMTAB_NAME_MAX;
		while (keep < len && keep < plen && name[i][keep] == prev[keep])
			keep++;
		out[at++] = (uint8_t)keep;
		memcpy(out + at, name[i] + keep, len - keep);
		at += len - keep;
		out[at++] = 0;
		prev = name[i];
		plen = len;
	}
	return at;
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
		if (ne && known && v[i].addr > end) {
			addr[ne] = end; /* a gap: the previous one ended */
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
	for (i = 0; i < ne; i++) /* delta, keep byte, name, NUL */
		room += 10 + 1 + strlen(name[i]) + 1;
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
