/* SHF_MERGE sections: the live input sections of one name, flags, entry
 * size and alignment become one section holding each distinct piece once
 * (a NUL-terminated string for SHF_STRINGS, else an entsize-byte
 * constant). A string that ends another one points into it (tail sharing).
 * Each input section keeps a table from its pieces' offsets to their new
 * ones; lk_sec_addr (util.c) reads it, so a relocation against a section
 * symbol and addend lands on the string the addend named.
 *
 * A section is left as it is when merging it could misplace something: it
 * has relocations, its size is not a whole number of entries, its last
 * string is unterminated, or a relocation names it through its section
 * symbol with an offset outside it (gc.c notes that). The output depends only on the inputs
 * and their order, so links stay byte-identical. */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

struct piece {
	const uint8_t *p;
	uint32_t len;
	uint32_t off;   /* in the merged section */
	uint32_t owner; /* strings: the piece whose tail it is (itself if none) */
};

struct group {
	struct lk_sec **v;
	size_t n, cap;
	uint64_t bytes; /* kept below 1 GiB: offsets are 32-bit */
};

struct merger {
	struct lk_ctx *c;
	struct piece *u; /* distinct pieces, in order of first appearance */
	size_t nu, capu;
	uint32_t *slots; /* hash table of u's indices + 1 */
	size_t cap;
};

static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void grow(struct merger *m)
{
	size_t cap = m->cap ? 2 * m->cap : 1024, i;
	uint32_t *s = lk_xcalloc(cap, sizeof(*s));

	for (i = 0; i < m->nu; i++) {
		size_t k = hash_bytes(m->u[i].p, m->u[i].len) & (cap - 1);
		while (s[k])
			k = (k + 1) & (cap - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(m->slots);
	m->slots = s;
	m->cap = cap;
}

/* the index of the distinct piece with these bytes, added when new */
static uint32_t intern(struct merger *m, const uint8_t *p, uint32_t len)
{
	size_t k;

	if (2 * (m->nu + 1) > m->cap)
		grow(m);
	k = hash_bytes(p, len) & (m->cap - 1);
	for (; m->slots[k]; k = (k + 1) & (m->cap - 1)) {
		const struct piece *x = &m->u[m->slots[k] - 1];
		if (x->len == len && !memcmp(x->p, p, len))
			return m->slots[k] - 1;
	}
	{
		struct piece e = { p, len, 0, (uint32_t)m->nu };
		lk_push(&m->u, &m->nu, &m->capu, sizeof(e), &e);
	}
	m->slots[k] = (uint32_t)m->nu;
	return (uint32_t)m->nu - 1;
}

static uint64_t entsize(const struct lk_sec *s)
{
	return s->sh->sh_entsize;
}

static int zero_entry(const uint8_t *p, uint64_t es)
{
	uint64_t i;

	for (i = 0; i < es; i++)
		if (p[i])
			return 0;
	return 1;
}

static int mergeable(const struct lk_sec *s)
{
	uint64_t es = entsize(s);

	if (!s->live || !s->gc_candidate || !(s->flags & SHF_MERGE) ||
	    s->no_merge || s->rela || !s->data || s->type != SHT_PROGBITS ||
	    (s->flags & (SHF_WRITE | SHF_TLS)) || es == 0 ||
	    s->size == 0 || s->size % es || s->size >= (1u << 30) ||
	    s->align > 64)
		return 0;
	if ((s->flags & SHF_STRINGS) && !zero_entry(s->data + s->size - es, es))
		return 0;
	return 1;
}

/* The piece boundaries of one input section, as (input offset, distinct
 * piece index) pairs; the index becomes the output offset later. */
static void split(struct merger *m, struct lk_sec *s)
{
	uint64_t es = entsize(s), at = 0, n = 0, end;
	int strings = (s->flags & SHF_STRINGS) != 0;

	if (strings) {
		for (at = 0; at < s->size; at += es)
			n += zero_entry(s->data + at, es);
	} else {
		n = s->size / es;
	}
	s->pieces = lk_arena_alloc(&m->c->arena, 2 * n * sizeof(uint32_t));
	s->npieces = (uint32_t)n;
	for (at = 0, n = 0; at < s->size; at = end, n++) {
		end = at + es;
		if (strings)
			while (!zero_entry(s->data + end - es, es))
				end += es;
		s->pieces[2 * n] = (uint32_t)at;
		s->pieces[2 * n + 1] =
			intern(m, s->data + at, (uint32_t)(end - at));
	}
}

/* reversed byte order, shorter first when one is the other's tail */
static int cmp_rev(const void *a, const void *b)
{
	const struct piece *x = *(struct piece *const *)a;
	const struct piece *y = *(struct piece *const *)b;
	uint32_t i = x->len, j = y->len;

	while (i && j) {
		uint8_t p = x->p[--i], q = y->p[--j];
		if (p != q)
			return p < q ? -1 : 1;
	}
	return i < j ? -1 : i > j;
}

static void share_tails(struct merger *m)
{
	struct piece **v = lk_xcalloc(m->nu, sizeof(*v));
	size_t i;

	for (i = 0; i < m->nu; i++)
		v[i] = &m->u[i];
	qsort(v, m->nu, sizeof(*v), cmp_rev);
	/* a tail sorts just before the pieces it ends; from the back, each
	 * piece takes the owner of the next when it is that one's tail */
	for (i = m->nu; i-- > 1;) {
		const struct piece *x = v[i - 1], *y = v[i];
		if (x->len <= y->len &&
		    !memcmp(y->p + y->len - x->len, x->p, x->len))
			v[i - 1]->owner = y->owner;
	}
	free(v);
}

static uint64_t place(struct merger *m, uint64_t align, int strings)
{
	uint64_t at = 0;
	size_t i;

	if (strings)
		share_tails(m);
	for (i = 0; i < m->nu; i++)
		if (m->u[i].owner == i) {
			at = lk_align_up(at, align);
			m->u[i].off = (uint32_t)at;
			at += m->u[i].len;
		}
	for (i = 0; i < m->nu; i++) {
		struct piece *x = &m->u[i], *o = &m->u[x->owner];
		if (x->owner == i)
			continue;
		if ((o->off + o->len - x->len) % align == 0) {
			x->off = o->off + o->len - x->len;
		} else { /* its tail position is misaligned: a copy of its own */
			at = lk_align_up(at, align);
			x->off = (uint32_t)at;
			x->owner = (uint32_t)i;
			at += x->len;
		}
	}
	return at;
}

static void merge_group(struct lk_ctx *c, struct group *g)
{
	struct lk_sec *lead = g->v[0], *out;
	struct merger m = { .c = c };
	uint64_t in = 0, size;
	int strings = (lead->flags & SHF_STRINGS) != 0;
	uint8_t *data;
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		split(&m, g->v[i]);
		in += g->v[i]->size;
	}
	size = place(&m, lead->align, strings);
	data = lk_arena_alloc(&c->arena, size ? size : 1);
	for (i = 0; i < m.nu; i++)
		if (m.u[i].owner == i)
			memcpy(data + m.u[i].off, m.u[i].p, m.u[i].len);
	out = lk_arena_alloc(&c->arena, sizeof(*out));
	*out = *lead;
	out->data = data;
	out->size = size;
	out->gc_candidate = 0;
	out->rela = 0;
	out->pieces = NULL;
	out->npieces = 0;
	out->merged = (uint32_t)g->n;
	out->merged_in = in;
	for (i = 0; i < g->n; i++) {
		struct lk_sec *s = g->v[i];
		for (k = 0; k < s->npieces; k++)
			s->pieces[2 * k + 1] = m.u[s->pieces[2 * k + 1]].off;
		s->into = out;
		lk_push(&c->moved, &c->nmoved, &c->capmoved, sizeof(s), &s);
	}
	if (strings)
		c->merged_str += in - size;
	else
		c->merged_const += in - size;
	lk_push(&c->merged, &c->nmerged, &c->capmerged, sizeof(out), &out);
	free(m.u);
	free(m.slots);
}

/* The output section layout.c puts it in: -fdata-sections names string
 * sections after their function (.rodata.main.str1.1), and they all go to
 * .rodata (merge sections are never writable). */
static const char *family(const char *n)
{
	static const char *const f[] = { ".rodata", ".text" };
	size_t i, l;

	for (i = 0; i < 2; i++) {
		l = strlen(f[i]);
		if (!strncmp(n, f[i], l) && (n[l] == '\0' || n[l] == '.'))
			return f[i];
	}
	return n;
}

static int same_group(const struct lk_sec *a, const struct lk_sec *b)
{
	return a->flags == b->flags && a->align == b->align &&
	       entsize(a) == entsize(b) && !strcmp(family(a->name), family(b->name));
}

int lk_merge(struct lk_ctx *c)
{
	struct lk_sec **cand = NULL;
	size_t ncand = 0, capcand = 0, ng = 0, capg = 0, i, j;
	struct group *g = NULL;
	struct lk_obj *o;
	uint32_t k;

	for (o = c->objs; o; o = o->next)
		for (k = 1; k < o->shnum; k++)
			if (mergeable(&o->secs[k])) {
				struct lk_sec *s = &o->secs[k];
				lk_push(&cand, &ncand, &capcand, sizeof(s), &s);
			}
	for (j = 0; j < ncand; j++) {
		struct lk_sec *s = cand[j];

		if (s->no_merge)
			continue;
		for (i = 0; i < ng && !same_group(g[i].v[0], s); i++)
			;
		if (i == ng) {
			struct group e = { 0 };
			lk_push(&g, &ng, &capg, sizeof(e), &e);
		}
		if (g[i].bytes + s->size >= (1u << 30))
			continue;
		g[i].bytes += s->size;
		lk_push(&g[i].v, &g[i].n, &g[i].cap, sizeof(s), &s);
	}
	for (i = 0; i < ng; i++) {
		merge_group(c, &g[i]);
		free(g[i].v);
	}
	free(g);
	free(cand);
	return 0;
}

void lk_merge_place(struct lk_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nmoved; i++) {
		struct lk_sec *s = c->moved[i];

		s->osec = s->into->osec;
		s->addr = s->pieces ? lk_sec_addr(s, 0) : s->into->addr;
	}
}
