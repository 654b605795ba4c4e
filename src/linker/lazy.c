/* What an archive offers before the link needs it: its members as small
 * records (an lk_obj is made for one only when a symbol names it), and
 * the names of its symbol index that the symbol table did not hold when
 * the archive was read, hashed here instead of becoming symbols. A libc.a
 * names 2,000 symbols and a small program uses a tenth of them. */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

void lk_lazy_index(struct lk_arena *a, struct lk_archive *ar)
{
	size_t cap = 16, i, k = 0;

	while (cap < ar->nent * 2)
		cap *= 2;
	ar->slots = lk_arena_alloc(a, cap * sizeof(*ar->slots)); /* zero */
	ar->mask = (uint32_t)(cap - 1);
	for (i = 0; i < ar->nent; i++) {
		const struct lk_lazy_ent *e = &ar->ent[i];
		uint32_t j = e->hash & ar->mask, x;

		while ((x = ar->slots[j]) &&
		       (ar->ent[x - 1].hash != e->hash ||
			strcmp(ar->ent[x - 1].name, e->name)))
			j = (j + 1) & ar->mask;
		if (x)
			continue; /* a later member naming it again: the first wins */
		ar->ent[k] = *e; /* k <= i: compacted in place, order kept */
		ar->slots[j] = (uint32_t)++k;
	}
	ar->nent = k;
}

const struct lk_lazy_ent *lk_lazy_find(const struct lk_archive *ar,
				       const char *name, uint32_t h)
{
	uint32_t j, x;

	if (!ar->slots)
		return NULL;
	for (j = h & ar->mask; (x = ar->slots[j]); j = (j + 1) & ar->mask)
		if (ar->ent[x - 1].hash == h && !strcmp(ar->ent[x - 1].name, name))
			return &ar->ent[x - 1];
	return NULL;
}

struct lk_obj *lk_member_obj(struct lk_arena *a, struct lk_archive *ar,
			     struct lk_member *m)
{
	struct lk_obj *o = m->obj;

	if (o)
		return o;
	o = m->obj = lk_arena_alloc(a, sizeof(*o));
	o->path = ar->path;
	o->ar_member = 1;
	o->ar = ar;
	o->ar_hdr = m->hdr; /* its header is read when it is loaded */
	return o;
}

void lk_lazy_free(struct lk_archive *list)
{
	struct lk_archive *n;

	for (; list; list = n) {
		n = list->next;
		free(list->mem);
		free(list->ent);
		free(list);
	}
}
