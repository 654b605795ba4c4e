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
	uint32_t align; /* the most any copy of it had in its input */
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
	uint64_t h = 0xcbf29ce484222325ull ^ n, w;

	for (; n >= 8; p += 8, n -= 8) { /* a word a step */
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return (uint32_t)(h ^ h >> 32);
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
static uint32_t intern(struct merger *m, const uint8_t *p, uint32_t len,
		       uint32_t align)
{
	size_t k;

	if (2 * (m->nu + 1) > m->cap)
		grow(m);
	k = hash_bytes(p, len) & (m->cap - 1);
	for (; m->slots[k]; k = (k + 1) & (m->cap - 1)) {
		struct piece *x = &m->u[m->slots[k] - 1];
		if (x->len == len && !memcmp(x->p, p, len)) {
			if (align > x->align)
				x->align = align;
			return m->slots[k] - 1;
		}
	}
	{
		struct piece e = { p, len, 0, (uint32_t)m->nu, align };
		if (m->nu == m->capu) /* merge_group sized it: never grows */
			lk_push(&m->u, &m->nu, &m->capu, sizeof(e), &e);
		else
			m->u[m->nu++] = e;
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
	uint64_t es;

	if (!(s->flags & SHF_MERGE) || !s->sh) /* COMMON's have no header */
		return 0;
	es = entsize(s);
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

/* The alignment a piece at this offset had: the section's, or less when
 * its offset says so. A string section aligned to 8 pads the strings that
 * need it with NULs; those pads become empty strings aligned to less, which
 * then cost nothing (they share any string's tail), like ld.bfd's. */
static uint32_t piece_align(uint64_t off, uint64_t align)
{
	uint64_t low = off & (~off + 1);

	return (uint32_t)(off == 0 || low > align ? align : low);
}

/* How many pieces an input section holds: its table is made that big. */
static uint64_t count(struct lk_ctx *c, struct lk_sec *s)
{
	uint64_t es = entsize(s), at, n = 0;
	int strings = (s->flags & SHF_STRINGS) != 0;

	if (strings && es == 1) {
		const uint8_t *p = s->data, *e = s->data + s->size;
		for (; (p = memchr(p, 0, (size_t)(e - p))); p++)
			n++;
	} else if (strings) {
		for (at = 0; at < s->size; at += es)
			n += zero_entry(s->data + at, es);
	} else {
		n = s->size / es;
	}
	s->pieces = lk_arena_alloc(&c->arena, 2 * n * sizeof(uint32_t));
	s->npieces = (uint32_t)n;
	return n;
}

/* The piece boundaries of one input section, as (input offset, distinct
 * piece index) pairs; the index becomes the output offset later. */
static void split(struct merger *m, struct lk_sec *s)
{
	uint64_t es = entsize(s), at, n, end;
	int strings = (s->flags & SHF_STRINGS) != 0;

	for (at = 0, n = 0; at < s->size; at = end, n++) {
		end = at + es;
		if (strings && es == 1)
			end = (uint64_t)((const uint8_t *)memchr(s->data + at, 0,
							 s->size - at) -
					 s->data) + 1;
		else if (strings)
			while (!zero_entry(s->data + end - es, es))
				end += es;
		s->pieces[2 * n] = (uint32_t)at;
		s->pieces[2 * n + 1] = intern(m, s->data + at,
					      (uint32_t)(end - at),
					      piece_align(at, s->align));
	}
}

/* reversed byte order, shorter first when one is the other's tail */
static int cmp_rev(const struct lk_keyed *rx, const struct lk_keyed *ry)
{
	const struct piece *x = rx->p, *y = ry->p;
	uint32_t i = x->len, j = y->len;

	if (rx->key != ry->key)
		return rx->key < ry->key ? -1 : 1;
	while (i && j) {
		uint8_t p = x->p[--i], q = y->p[--j];
		if (p != q)
			return p < q ? -1 : 1;
	}
	return i < j ? -1 : i > j;
}

/* The first 8 bytes of the reversed piece, big-endian, zero-padded: the
 * order of keys agrees with cmp_rev's whenever they differ. */
static uint64_t rev_key(const struct piece *x)
{
	uint64_t k = 0;
	uint32_t i;

	for (i = 0; i < 8; i++)
		k = k << 8 | (i < x->len ? x->p[x->len - 1 - i] : 0);
	return k;
}

/* cmp_rev's order, cheaply: by key, then each run of equal keys by
 * cmp_rev (runs are short: strings whose last 8 bytes agree) */
static void sort_rev(struct lk_keyed *v, size_t n)
{
	size_t i, j;

	lk_radix_sort(v, n);
	for (i = 1; i < n; i++) { /* insertion sort: only within equal keys */
		struct lk_keyed e = v[i];
		for (j = i; j > 0 && v[j - 1].key == e.key &&
			    cmp_rev(&v[j - 1], &e) > 0;
		     j--)
			v[j] = v[j - 1];
		v[j] = e;
	}
}

static void share_tails(struct merger *m)
{
	struct lk_keyed *v = lk_xcalloc(m->nu, sizeof(*v));
	size_t i;

	for (i = 0; i < m->nu; i++) {
		v[i].p = &m->u[i];
		v[i].key = rev_key(&m->u[i]);
	}
	sort_rev(v, m->nu);
	/* a tail sorts just before the pieces it ends; from the back, each
	 * piece takes the owner of the next when it is that one's tail */
	for (i = m->nu; i-- > 1;) {
		struct piece *x = v[i - 1].p;
		const struct piece *y = v[i].p;
		if (x->len <= y->len &&
		    !memcmp(y->p + y->len - x->len, x->p, x->len))
			x->owner = y->owner;
	}
	free(v);
}

static uint64_t place(struct merger *m, int strings)
{
	uint64_t at = 0;
	size_t i;

	if (strings)
		share_tails(m);
	for (i = 0; i < m->nu; i++)
		if (m->u[i].owner == i) {
			at = lk_align_up(at, m->u[i].align);
			m->u[i].off = (uint32_t)at;
			at += m->u[i].len;
		}
	for (i = 0; i < m->nu; i++) {
		struct piece *x = &m->u[i], *o = &m->u[x->owner];
		if (x->owner == i)
			continue;
		if ((o->off + o->len - x->len) % x->align == 0) {
			x->off = o->off + o->len - x->len;
		} else { /* its tail position is misaligned: a copy of its own */
			at = lk_align_up(at, x->align);
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
	uint64_t in = 0, size, total = 0;
	int strings = (lead->flags & SHF_STRINGS) != 0;
	uint8_t *data;
	size_t i, k;

	for (i = 0; i < g->n; i++)
		total += count(c, g->v[i]);
	/* sized once: no growing, no rehashing */
	m.capu = total ? total : 1;
	m.u = lk_xcalloc(m.capu, sizeof(*m.u));
	for (m.cap = 1024; m.cap < 2 * total + 2; m.cap *= 2)
		;
	m.slots = lk_xcalloc(m.cap, sizeof(*m.slots));
	for (i = 0; i < g->n; i++) {
		split(&m, g->v[i]);
		/* what it took in the output unmerged, with its padding */
		in += lk_align_up(g->v[i]->size, g->v[i]->align);
	}
	size = place(&m, strings);
	if (size > in) { /* alignment cost more than merging saved */
		for (i = 0; i < g->n; i++)
			g->v[i]->pieces = NULL;
		free(m.u);
		free(m.slots);
		return;
	}
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

	for (j = 0; j < c->nlive; j++)
		if (mergeable(c->live[j]))
			lk_push(&cand, &ncand, &capcand, sizeof(*cand),
				&c->live[j]);
	/* in input order, whatever order gc marked them in */
	lk_sort_secs(cand, ncand);
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
