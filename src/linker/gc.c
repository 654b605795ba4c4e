/* Mark-and-sweep over input sections. Roots: the entry symbol, --keep
 * symbols or section names, notes, init/fini/preinit arrays, .ctors/.dtors,
 * .init/.fini, SHF_GNU_RETAIN. A live section makes live every section its
 * relocations reach, its whole section group, the sections named X when it
 * uses __start_X or __stop_X, and the SHF_LINK_ORDER sections attached to
 * it. Each section remembers what reached it first, for --why. */
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

struct gc {
	struct lk_ctx *c;
	struct lk_sec **stack;  /* every section marked, in order: a queue
				 * scanned from head, left as the live list */
	size_t head;
	size_t n, cap;
	struct lk_sec **named;  /* candidates with C-identifier names */
	size_t nnamed, capnamed;
	struct lk_sec **ordered; /* SHF_LINK_ORDER candidates, input order */
	size_t nordered, capordered;
	struct lk_sec **roots;  /* candidates live by what they are */
	size_t nroots, caproots;
};

static void mark(struct gc *g, struct lk_sec *s, const char *root,
		 struct lk_sec *from, const char *via)
{
	if (!s || s->live || !s->gc_candidate)
		return;
	s->live = 1;
	s->root = root;
	s->from = from;
	s->via = via;
	lk_push(&g->stack, &g->n, &g->cap, sizeof(s), &s);
}

static void mark_named(struct gc *g, const char *name, struct lk_sec *from,
		       const char *via, const char *root)
{
	size_t i;

	for (i = 0; i < g->nnamed; i++)
		if (!strcmp(g->named[i]->name, name))
			mark(g, g->named[i], root, from, via);
}

static void ref_global(struct gc *g, struct lk_sym *y, struct lk_sec *from)
{
	if (y->state == LK_DEFINED) {
		mark(g, y->sec, NULL, from, y->name);
		return;
	}
	if (y->live_ref)
		return;
	y->live_ref = 1;
	y->ref_obj = from->obj;
	y->ref_sec = from->name;
	if (!strncmp(y->name, "__start_", 8))
		mark_named(g, y->name + 8, from, y->name, NULL);
	else if (!strncmp(y->name, "__stop_", 7))
		mark_named(g, y->name + 7, from, y->name, NULL);
}

/* A direct branch to its target: R_X86_64_PLT32 or R_X86_64_PC32 with
 * addend -4 from code, in a call (e8), jmp (e9) or jcc (0f 8x) rel32.
 * For a RIP-relative operand the byte before the field is a ModRM byte
 * (00 reg 101), never one of these. */
static int is_branch(const struct lk_sec *from, const Elf64_Rela *r)
{
	uint32_t t = ELF64_R_TYPE(r->r_info);
	uint64_t off = r->r_offset;
	const uint8_t *d = from->data;

	if ((t != R_X86_64_PLT32 && t != R_X86_64_PC32) || r->r_addend != -4 ||
	    !(from->flags & SHF_EXECINSTR) || !d || off < 1 ||
	    off > from->size || from->size - off < 4)
		return 0;
	if (d[off - 1] == 0xe8 || d[off - 1] == 0xe9)
		return 1;
	return off >= 2 && d[off - 2] == 0x0f && (d[off - 1] & 0xf0) == 0x80;
}

/* While every live relocation passes here once, note what icf.c and
 * merge.c need: code reached other than by a direct branch has its
 * address taken; a section symbol with an offset outside its SHF_MERGE
 * section names no piece, so that section is not merged. */
static inline void note_ref(const struct lk_sec *s, const Elf64_Rela *r,
		     const Elf64_Sym *y, struct lk_sec *t)
{
	if (!t || !(t->flags & (SHF_EXECINSTR | SHF_MERGE)))
		return;
	if ((t->flags & SHF_EXECINSTR) && !t->addr_taken && !is_branch(s, r))
		t->addr_taken = 1;
	if ((t->flags & SHF_MERGE) && ELF64_ST_TYPE(y->st_info) == STT_SECTION &&
	    y->st_value + (uint64_t)r->r_addend > t->size)
		t->no_merge = 1;
}

static int scan(struct gc *g, struct lk_sec *s)
{
	struct lk_obj *o = s->obj;
	const Elf64_Rela *r;
	size_t n, i;

	if (s->group) {
		const Elf64_Shdr *h = &o->shdrs[s->group];
		const uint32_t *w = (const void *)(o->data + h->sh_offset);

		for (i = 1; i < h->sh_size / 4; i++)
			mark(g, &o->secs[w[i]], NULL, s, "(section group)");
	}
	if (!o->secs || s != &o->secs[s->idx])
		return 0; /* COMMON: no relocations */
	if (lk_rela_get(g->c, s, &r, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t si = (uint32_t)ELF64_R_SYM(r[i].r_info);
		const Elf64_Sym *y = &o->syms[si];

		uint32_t type = ELF64_R_TYPE(r[i].r_info);
		size_t skip = 0;

		/* a TLS GD/LD sequence becomes local-exec: its call to
		 * __tls_get_addr disappears, so it references nothing */
		if ((type == R_X86_64_TLSGD || type == R_X86_64_TLSLD) &&
		    i + 1 < n &&
		    (ELF64_R_TYPE(r[i + 1].r_info) == R_X86_64_PLT32 ||
		     ELF64_R_TYPE(r[i + 1].r_info) == R_X86_64_PC32) &&
		    r[i + 1].r_offset == r[i].r_offset +
						 (type == R_X86_64_TLSGD ? 8 : 5))
			skip = 1;
		if (si == 0)
			continue;
		if (o->gsyms[si]) {
			struct lk_sym *gs = o->gsyms[si];

			ref_global(g, gs, s);
			if (gs->state == LK_DEFINED && !gs->synth)
				note_ref(s, &r[i], y, gs->sec);
		} else if (y->st_shndx != SHN_UNDEF &&
			   y->st_shndx < SHN_LORESERVE) {
			struct lk_sec *t = &o->secs[y->st_shndx];
			const char *nm = lk_sym_name(o, y);

			mark(g, t, NULL, s, *nm ? nm : t->name);
			note_ref(s, &r[i], y, t);
		}
		i += skip;
	}
	return 0;
}

static const char *section_root(const struct lk_sec *s)
{
	if (s->type == SHT_NOTE)
		return "note section";
	if (s->type == SHT_INIT_ARRAY || s->type == SHT_FINI_ARRAY ||
	    s->type == SHT_PREINIT_ARRAY || (s->kind & LK_SK_ROOT))
		return "init/fini section";
	if (s->flags & SHF_GNU_RETAIN)
		return "SHF_GNU_RETAIN section";
	return NULL;
}

static int drain(struct gc *g)
{
	while (g->head < g->n)
		if (scan(g, g->stack[g->head++]) < 0)
			return -1;
	return 0;
}

static int link_order_pass(struct gc *g)
{
	size_t k;
	int changed = 0;

	for (k = 0; k < g->nordered; k++) {
		struct lk_sec *s = g->ordered[k], *p;

		if (s->live)
			continue;
		p = &s->obj->secs[s->sh->sh_link]; /* checked at load */
		if (p->live) {
			mark(g, s, NULL, p, "(SHF_LINK_ORDER)");
			changed = 1;
		}
	}
	return changed;
}

static void mark_roots(struct gc *g)
{
	struct lk_ctx *c = g->c;
	const struct uk_link_opts *op = c->opts;
	const char *entry = op->entry ? op->entry : "_start";
	struct lk_sym *y = lk_sym_find(&c->syms, entry);
	size_t k;

	if (y && y->state == LK_DEFINED)
		mark(g, y->sec, "entry symbol", NULL, NULL);
	else if (y)
		y->live_ref = 1;
	for (k = 0; k < op->nkeep; k++) {
		y = lk_sym_find(&c->syms, op->keep[k]);
		if (y && y->state == LK_DEFINED)
			mark(g, y->sec, "--keep symbol", NULL, NULL);
		mark_named(g, op->keep[k], NULL, NULL, "--keep section");
	}
	for (k = 0; k < g->nroots; k++)
		mark(g, g->roots[k], op->no_gc ? "--no-gc-sections" : section_root(g->roots[k]),
		     NULL, NULL);
	for (k = 0; op->no_gc && k < c->nextra; k++)
		mark(g, c->extra[k], "--no-gc-sections", NULL, NULL);
}

int lk_gc(struct lk_ctx *c)
{
	struct gc g = { .c = c };
	struct lk_obj *o;
	uint32_t i;
	size_t k;
	int rc = 0;

	/* one pass over every section: the later steps see only these lists */
	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->shnum; i++) {
			struct lk_sec *s = &o->secs[i];

			if (!s->gc_candidate)
				continue;
			if (lk_is_c_ident(s->name))
				lk_push(&g.named, &g.nnamed, &g.capnamed,
					sizeof(s), &s);
			if (s->flags & SHF_LINK_ORDER)
				lk_push(&g.ordered, &g.nordered, &g.capordered,
					sizeof(s), &s);
			if (c->opts->no_gc || section_root(s))
				lk_push(&g.roots, &g.nroots, &g.caproots,
					sizeof(s), &s);
		}
	/* --keep may name a section: search every candidate */
	for (k = 0; k < c->opts->nkeep; k++)
		if (!lk_is_c_ident(c->opts->keep[k]))
			for (o = c->objs; o; o = o->next)
				for (i = 1; i < o->shnum; i++)
					if (o->secs[i].gc_candidate &&
					    !strcmp(o->secs[i].name,
						    c->opts->keep[k]))
						mark(&g, &o->secs[i],
						     "--keep section", NULL,
						     NULL);
	mark_roots(&g);
	do {
		if (drain(&g) < 0) {
			rc = -1;
			break;
		}
	} while (link_order_pass(&g));
	g.c->live = g.stack; /* merge.c and icf.c look only at these */
	g.c->nlive = g.n;
	free(g.named);
	free(g.ordered);
	free(g.roots);
	return rc;
}
