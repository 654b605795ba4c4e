/* Identical code folding, only where no program can tell: a function
 * section (.text.NAME) whose bytes, size, alignment and relocations equal
 * another's is dropped and its symbols take the other's address, but only
 * when its own address is never taken. C says distinct functions compare
 * unequal, so a section is foldable only when every relocation that reaches
 * it is a direct branch: R_X86_64_PLT32 or R_X86_64_PC32 with addend -4
 * from executable code, in a call (e8), jmp (e9) or jcc (0f 8x) rel32
 * instruction. Anything else (an address in data, a lea, a GOT load, a
 * --keep or entry root) marks it address-taken (gc.c notes it while it
 * walks the relocations); such a section may still be the one others fold
 * into.
 *
 * Relocations compare equal when they name the same final place: the same
 * symbol, or the same section (after folding, and after string merging)
 * and offset. Folding repeats until nothing changes, so functions that
 * differ only in calling two folded copies fold too. */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

#define MAX_PASSES 8
#define MAX_LEADERS 16 /* compared per hash bucket, bounding the work */

struct cand {
	struct lk_sec *s;
	uint64_t bytes; /* hash of size, alignment, flags and bytes */
	uint64_t hash;  /* and of the relocations, this round */
};

struct place {
	const void *at; /* a section (canonical) or an undefined symbol */
	uint64_t off;
	uint64_t key;   /* the same, for hashing: stable from run to run */
};

/* the section a relocation's symbol is defined in, or NULL */
static struct lk_sec *target_sec(const struct lk_obj *o, uint32_t si)
{
	const Elf64_Sym *y = &o->syms[si];
	const struct lk_sym *g = o->gsyms[si];

	if (g)
		return g->state == LK_DEFINED && !g->synth ? g->sec : NULL;
	if (y->st_shndx == SHN_UNDEF || y->st_shndx >= SHN_LORESERVE)
		return NULL;
	return &o->secs[y->st_shndx];
}

static int candidate(const struct lk_sec *s)
{
	return s->live && s->gc_candidate && !s->root && !s->into &&
	       s->data && s->type == SHT_PROGBITS &&
	       (s->flags & SHF_EXECINSTR) && !(s->flags & SHF_WRITE) &&
	       !strncmp(s->name, ".text.", 6);
}

static const struct lk_sec *canon(const struct lk_sec *s)
{
	while (s->into && !s->pieces)
		s = s->into;
	return s;
}

/* where relocation r of section s points, as a comparable place */
static struct place where(const struct lk_sec *s, const Elf64_Rela *r)
{
	const struct lk_obj *o = s->obj;
	uint32_t si = (uint32_t)ELF64_R_SYM(r->r_info);
	const Elf64_Sym *y = &o->syms[si];
	const struct lk_sym *g = o->gsyms[si];
	struct place p = { NULL, 0, 0 };
	const struct lk_sec *t = target_sec(o, si);
	uint64_t off;

	if (!t) {
		p.at = g ? (const void *)g : (const void *)y;
		p.key = g ? g->hash : y->st_name;
		return p;
	}
	off = g ? g->value : y->st_value;
	if (t->pieces) { /* merged: the piece's place in the merged section */
		if (ELF64_ST_TYPE(y->st_info) == STT_SECTION)
			off += (uint64_t)r->r_addend;
		off = lk_sec_addr(t, off) - t->into->addr;
		t = t->into;
	} else {
		t = canon(t);
	}
	p.at = t;
	p.off = off;
	p.key = (uint64_t)t->obj->id << 32 | t->idx;
	return p;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t hash_bytes(const struct lk_sec *s)
{
	uint64_t h = 0xcbf29ce484222325ull, i, w;

	h = mix(mix(mix(h, s->size), s->align), s->flags);
	for (i = 0; i + 8 <= s->size; i += 8) { /* a word a step */
		memcpy(&w, s->data + i, 8);
		h = mix(h, w) ^ (h >> 29);
	}
	for (; i < s->size; i++)
		h = mix(h, s->data[i]);
	return h;
}

/* size, alignment, flags and the first and last 8 bytes: most sections
 * differ there already, and it costs nothing to hash */
static uint64_t hash_ends(const struct lk_sec *s)
{
	uint64_t h = 0xcbf29ce484222325ull, a = 0, b = 0;

	memcpy(&a, s->data, s->size < 8 ? s->size : 8);
	if (s->size >= 8)
		memcpy(&b, s->data + s->size - 8, 8);
	return mix(mix(mix(mix(mix(h, s->size), s->align), s->flags), a), b);
}

/* mix()'s low bits depend on the inputs' low bits only */
static uint64_t fold64(uint64_t h)
{
	return h ^ (h >> 23) ^ (h >> 41);
}

/* Only sections whose bytes hash like another's can fold: keep those
 * (a table counting each hash), in input order. */
static size_t keep_twins(struct cand *v, size_t n)
{
	size_t cap = 16, i, k, m = 0;
	struct { uint64_t h; size_t n; } *t;

	while (cap < 2 * n)
		cap *= 2;
	t = lk_xcalloc(cap, sizeof(*t));
	for (i = 0; i < n; i++) {
		for (k = fold64(v[i].bytes) & (cap - 1);
		     t[k].n && t[k].h != v[i].bytes;)
			k = (k + 1) & (cap - 1);
		t[k].h = v[i].bytes;
		t[k].n++;
	}
	for (i = 0; i < n; i++) {
		for (k = fold64(v[i].bytes) & (cap - 1); t[k].h != v[i].bytes;)
			k = (k + 1) & (cap - 1);
		if (t[k].n > 1)
			v[m++] = v[i];
	}
	free(t);
	return m;
}

static uint64_t hash_relocs(struct lk_ctx *c, const struct lk_sec *s,
			    uint64_t h)
{
	const Elf64_Rela *r;
	size_t n, k;

	if (lk_rela_get(c, s, &r, &n) < 0)
		return h;
	for (k = 0; k < n; k++) {
		struct place p = where(s, &r[k]);
		h = mix(mix(mix(h, r[k].r_offset), r[k].r_info & 0xffffffff),
			(uint64_t)r[k].r_addend);
		h = mix(mix(h, p.key), p.off);
	}
	return h;
}

static int same(struct lk_ctx *c, const struct lk_sec *a,
		const struct lk_sec *b)
{
	const Elf64_Rela *ra, *rb;
	size_t na, nb, k;

	if (a->size != b->size || a->align != b->align ||
	    a->flags != b->flags || memcmp(a->data, b->data, a->size))
		return 0;
	if (lk_rela_get(c, a, &ra, &na) < 0 || lk_rela_get(c, b, &rb, &nb) < 0 ||
	    na != nb)
		return 0;
	for (k = 0; k < na; k++) {
		struct place pa = where(a, &ra[k]), pb = where(b, &rb[k]);
		if (ra[k].r_offset != rb[k].r_offset ||
		    ELF64_R_TYPE(ra[k].r_info) != ELF64_R_TYPE(rb[k].r_info) ||
		    ra[k].r_addend != rb[k].r_addend || pa.at != pb.at ||
		    pa.off != pb.off)
			return 0;
	}
	return 1;
}

/* by hash; in a bucket, address-taken sections first (they can only lead),
 * then input order */
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->s->addr_taken != y->s->addr_taken)
		return x->s->addr_taken ? -1 : 1;
	if (x->s->obj->id != y->s->obj->id)
		return x->s->obj->id < y->s->obj->id ? -1 : 1;
	return x->s->idx < y->s->idx ? -1 : x->s->idx > y->s->idx;
}

/* one round over the unfolded candidates; returns how many folded */
static size_t fold_pass(struct lk_ctx *c, struct cand *v, size_t n)
{
	size_t i, j, folded = 0, start = 0;

	for (i = 0; i < n; i++)
		v[i].hash = hash_relocs(c, v[i].s, v[i].bytes);
	qsort(v, n, sizeof(*v), cmp_cand);
	for (i = 0; i < n; i++) {
		struct lk_sec *s = v[i].s;
		size_t tried = 0;

		if (i && v[i].hash != v[i - 1].hash)
			start = i;
		if (s->addr_taken)
			continue;
		for (j = start; j < i && tried < MAX_LEADERS; j++) {
			if (v[j].s->into)
				continue;
			tried++;
			if (same(c, s, v[j].s)) {
				s->into = v[j].s;
				folded++;
				break;
			}
		}
	}
	return folded;
}

int lk_icf(struct lk_ctx *c)
{
	struct cand *v = NULL;
	struct lk_sec **all;
	size_t n = 0, i, k, nall;
	int pass;

	if (c->opts->no_gc)
		return 0;
	v = lk_xcalloc(c->nlive, sizeof(*v));
	for (i = 0; i < c->nlive; i++)
		if (candidate(c->live[i])) {
			v[n].s = c->live[i];
			v[n++].bytes = hash_ends(c->live[i]);
		}
	n = keep_twins(v, n);
	for (i = 0; i < n; i++)
		v[i].bytes = hash_bytes(v[i].s);
	n = keep_twins(v, n);
	all = lk_xcalloc(n, sizeof(*all));
	for (i = 0; i < n; i++)
		all[i] = v[i].s;
	nall = n;
	lk_sort_secs(all, nall); /* the folded list in input order (the report's) */
	for (pass = 0; pass < MAX_PASSES && n > 1; pass++) {
		if (!fold_pass(c, v, n))
			break;
		for (i = k = 0; i < n; i++) /* folded ones are done */
			if (!v[i].s->into)
				v[k++] = v[i];
		n = k;
	}
	free(v);
	/* a leader folded in a later round: point at the final one */
	for (i = 0; i < nall; i++) {
		struct lk_sec *s = all[i];
		if (s->into) {
			s->into = (struct lk_sec *)canon(s);
			c->nfolded++;
			c->folded_bytes += s->size;
			lk_push(&c->moved, &c->nmoved, &c->capmoved,
				sizeof(s), &s);
		}
	}
	free(all);
	return 0;
}
