/* The linker's tables of names (open addressing): the global
 * symbols, and the COMDAT group signatures that input.c dedups with the
 * same table. Below input.c and symbols.c, which both use it. A name the
 * symbol table misses may be in an archive's index (lazy.c): it joins the
 * table there, lazy, with the place in the creation order it would have
 * had had every archive name become a symbol when its archive was read
 * (the symbols' order is the output's .symtab order and the order of
 * COMMON sections and of error lists). */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

static uint64_t load64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

static uint64_t load32(const char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/* Eight bytes a step (a byte a step was a tenth of a small link: every
 * name of libc.a's index is hashed when it is read), the last word
 * overlapping the one before it; murmur3's finaliser mixes the bits, as
 * the tables index by the low ones. util/fasthash.h's XXH64, built for
 * long inputs, costs more on these short names: a hello link took 14%
 * more instructions with it than with FNV-1a. The same hash on every
 * machine: the order of the output does not depend on it. */
uint32_t lk_name_hash(const char *s)
{
	size_t n = strlen(s), i;
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8)
			h = (((h << 5) | (h >> 59)) ^ load64(s + i)) * 0x517cc1b727220a95u;
		h = (((h << 5) | (h >> 59)) ^ load64(s + n - 8)) * 0x517cc1b727220a95u;
	} else if (n >= 4) {
		h = (h ^ (load32(s) << 32 | load32(s + n - 4))) * 0x517cc1b727220a95u;
	} else if (n) {
		h = (h ^ ((uint64_t)(uint8_t)s[0] << 16 | (uint64_t)(uint8_t)s[n / 2] << 8 |
			  (uint8_t)s[n - 1])) * 0x517cc1b727220a95u;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return (uint32_t)h;
}

static struct lk_sym **slot(struct lk_symtab *t, const char *name,
			    uint32_t h)
{
	size_t i = h & (t->cap - 1);

	while (t->slots[i] &&
	       (t->slots[i]->hash != h || strcmp(t->slots[i]->name, name)))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

struct lk_sym *lk_sym_peek(struct lk_symtab *t, const char *name, uint32_t h)
{
	return t->cap ? *slot(t, name, h) : NULL;
}

/* In the arena, the slots come zeroed and an outgrown array stays there
 * (at most the final one's size again); a first table of 1,024 names is
 * 8 KiB: a small link touches two pages of it. */
static void grow(struct lk_symtab *t)
{
	struct lk_sym **old = t->slots;
	size_t oldcap = t->cap, i;

	t->cap = oldcap ? oldcap * 2 : 1024;
	t->slots = t->arena ? lk_arena_alloc(t->arena, t->cap * sizeof(*t->slots))
			    : lk_xcalloc(t->cap, sizeof(*t->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i])
			*slot(t, old[i]->name, old[i]->hash) = old[i];
	if (!t->arena)
		free(old);
}

/* after the last one, by seq: but for a name an archive index gave, which
 * waits on the late list for lk_symtab_order, or, once it ran, is put in
 * its place (rare: a lookup after every input is read) */
static void link_in(struct lk_symtab *t, struct lk_sym *s)
{
	struct lk_sym *p;

	if (!t->last) {
		t->first = t->last = s;
	} else if (t->last->seq < s->seq) {
		t->last = t->last->next = s;
	} else if (!t->ordered) {
		s->next = t->late;
		t->late = s;
		t->nlate++;
	} else if (s->seq < t->first->seq) {
		s->next = t->first;
		t->first = s;
	} else {
		for (p = t->first; p->next && p->next->seq < s->seq; p = p->next)
			;
		s->next = p->next;
		p->next = s;
	}
}

/* the slot p (empty) gets a new symbol */
static struct lk_sym *add(struct lk_symtab *t, struct lk_sym **p,
			  const char *name, uint32_t h, uint32_t seq)
{
	struct lk_sym *s = t->arena ? lk_arena_alloc(t->arena, sizeof(*s))
				    : lk_xcalloc(1, sizeof(*s));

	s->name = name;
	s->hash = h;
	s->seq = seq;
	s->got = s->gottp = -1;
	*p = s;
	t->count++;
	link_in(t, s);
	return s;
}

/* The first archive read whose index has the name: the symbol it would
 * have made, lazy, on the member's lk_obj */
static struct lk_sym *from_archives(struct lk_symtab *t, struct lk_sym **p,
				    const char *name, uint32_t h)
{
	struct lk_archive *ar;

	for (ar = t->lazy; ar; ar = ar->next) {
		const struct lk_lazy_ent *e = lk_lazy_find(ar, name, h);
		struct lk_sym *s;

		if (!e)
			continue;
		s = add(t, p, e->name, h, ar->seq0 + (uint32_t)(e - ar->ent));
		s->state = LK_LAZY;
		s->obj = lk_member_obj(t->arena, ar, &ar->mem[e->member]);
		return s;
	}
	return NULL;
}

static int full(const struct lk_symtab *t)
{
	return (t->count + 1) * 2 > t->cap;
}

struct lk_sym *lk_sym_find(struct lk_symtab *t, const char *name)
{
	uint32_t h;
	struct lk_sym **p;

	if (!t->cap && !t->lazy)
		return NULL;
	h = lk_name_hash(name);
	if (full(t))
		grow(t);
	p = slot(t, name, h);
	return *p ? *p : from_archives(t, p, name, h);
}

struct lk_sym *lk_sym_get(struct lk_symtab *t, const char *name)
{
	uint32_t h = lk_name_hash(name);
	struct lk_sym **p, *s;

	if (full(t))
		grow(t);
	p = slot(t, name, h);
	if (*p)
		return *p;
	s = t->lazy ? from_archives(t, p, name, h) : NULL;
	return s ? s : add(t, p, name, h, t->nseq++);
}

void lk_symtab_add_archive(struct lk_symtab *t, struct lk_archive *ar)
{
	if (!t->lazy)
		t->before_lazy = t->last;
	ar->seq0 = t->nseq;
	t->nseq += (uint32_t)ar->nent;
	if (t->lazy_last)
		t->lazy_last->next = ar;
	else
		t->lazy = ar;
	t->lazy_last = ar;
}

/* the late ones sorted, then merged into the list (in seq order) from
 * where the first archive was read: a big link's objects' symbols come
 * before it and are not walked */
void lk_symtab_order(struct lk_symtab *t)
{
	struct lk_sym *s, *prev = t->before_lazy;
	struct lk_sym *a = prev ? prev->next : t->first;
	struct lk_keyed *v;
	size_t n = 0, i = 0;

	t->ordered = 1;
	if (!t->late)
		return;
	v = lk_xcalloc(t->nlate, sizeof(*v));
	for (s = t->late; s; s = s->next, n++) {
		v[n].key = s->seq;
		v[n].p = s;
	}
	lk_radix_sort(v, n);
	while (a || i < n) {
		if (a && (i == n || a->seq < ((struct lk_sym *)v[i].p)->seq)) {
			s = a;
			a = a->next;
		} else {
			s = v[i++].p;
		}
		if (prev)
			prev->next = s;
		else
			t->first = s;
		prev = s;
	}
	prev->next = NULL;
	t->last = prev;
	t->late = NULL;
	t->nlate = 0;
	free(v);
}

void lk_symtab_free(struct lk_symtab *t)
{
	struct lk_sym *s, *n;

	lk_symtab_order(t); /* the late ones too */
	for (s = t->arena ? NULL : t->first; s; s = n) {
		n = s->next;
		free(s);
	}
	if (!t->arena)
		free(t->slots);
	memset(t, 0, sizeof(*t));
}
