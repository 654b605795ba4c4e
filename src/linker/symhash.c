/* The linker's tables of names (open addressing, FNV-1a): the global
 * symbols, and the COMDAT group signatures that input.c dedups with the
 * same table. Below input.c and symbols.c, which both use it. */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
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

struct lk_sym *lk_sym_find(struct lk_symtab *t, const char *name)
{
	if (!t->cap)
		return NULL;
	return *slot(t, name, hash_name(name));
}

static void grow(struct lk_symtab *t)
{
	struct lk_sym **old = t->slots;
	size_t oldcap = t->cap, i;

	t->cap = oldcap ? oldcap * 2 : 8192;
	t->slots = lk_xcalloc(t->cap, sizeof(*t->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i])
			*slot(t, old[i]->name, old[i]->hash) = old[i];
	free(old);
}

struct lk_sym *lk_sym_get(struct lk_symtab *t, const char *name)
{
	uint32_t h = hash_name(name);
	struct lk_sym **p, *s;

	if ((t->count + 1) * 2 > t->cap)
		grow(t);
	p = slot(t, name, h);
	if (*p)
		return *p;
	s = t->arena ? lk_arena_alloc(t->arena, sizeof(*s))
		     : lk_xcalloc(1, sizeof(*s));
	s->name = name;
	s->hash = h;
	s->got = s->gottp = -1;
	*p = s;
	t->count++;
	if (t->last)
		t->last->next = s;
	else
		t->first = s;
	t->last = s;
	return s;
}

void lk_symtab_free(struct lk_symtab *t)
{
	struct lk_sym *s, *n;

	for (s = t->arena ? NULL : t->first; s; s = n) {
		n = s->next;
		free(s);
	}
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
