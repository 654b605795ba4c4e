/* Layout for a kernel: three 4 KiB-aligned PT_LOADs from the base address:
 * R (ELF and program headers, notes, read-only data), R-X (text), RW- (TLS
 * image, init/fini arrays, GOT, data, bss). File offsets equal addresses
 * minus the base, so a segment's file bytes mirror its memory. Also defines
 * the symbols the linker synthesizes (__start_X, _end, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

#define PAGE 4096

struct oclass {
	const char *name;
	enum lk_seg seg;
	int order;
};

static int has_prefix(const char *n, const char *p)
{
	size_t l = strlen(p);

	return !strncmp(n, p, l) && (n[l] == '\0' || n[l] == '.');
}

static void classify(const struct lk_sec *s, struct oclass *k)
{
	static const struct oclass fixed[] = {
		{ ".init", LK_SEG_RX, 10 },
		{ ".text", LK_SEG_RX, 20 },
		{ ".fini", LK_SEG_RX, 30 },
		{ ".rodata", LK_SEG_R, 20 },
		{ ".preinit_array", LK_SEG_RW, 20 },
		{ ".init_array", LK_SEG_RW, 21 },
		{ ".fini_array", LK_SEG_RW, 22 },
		{ ".ctors", LK_SEG_RW, 23 },
		{ ".dtors", LK_SEG_RW, 24 },
		{ ".data.rel.ro", LK_SEG_RW, 25 },
		{ ".data", LK_SEG_RW, 30 },
		{ ".bss", LK_SEG_RW, 50 },
	};
	size_t i;

	if (s->flags & SHF_TLS) {
		k->name = s->type == SHT_NOBITS ? ".tbss" : ".tdata";
		k->seg = LK_SEG_RW;
		k->order = s->type == SHT_NOBITS ? 11 : 10;
		return;
	}
	if (s->type == SHT_NOTE) {
		k->name = s->name;
		k->seg = LK_SEG_R;
		k->order = 10;
		return;
	}
	if (s->type == SHT_NOBITS && (s->flags & SHF_WRITE) &&
	    s->align >= 4096) {
		/* page-aligned bss (boot page tables) after the rest, so the
		 * rest of .bss fills the page after .data instead of padding */
		k->name = ".bss.aligned";
		k->seg = LK_SEG_RW;
		k->order = 51;
		return;
	}
	if (!strcmp(s->name, "COMMON")) {
		k->name = ".bss";
		k->seg = LK_SEG_RW;
		k->order = 50;
		return;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (has_prefix(s->name, fixed[i].name)) {
			*k = fixed[i];
			/* .data.rel.ro is matched before .data */
			if (!strcmp(k->name, ".data") &&
			    has_prefix(s->name, ".data.rel.ro"))
				continue;
			return;
		}
	k->name = s->name;
	if (s->flags & SHF_EXECINSTR) {
		k->seg = LK_SEG_RX;
		k->order = 40;
	} else if (s->flags & SHF_WRITE) {
		k->seg = LK_SEG_RW;
		k->order = s->type == SHT_NOBITS ? 60 : 40;
	} else {
		k->seg = LK_SEG_R;
		k->order = 30;
	}
}

static struct lk_osec *get_osec(struct lk_ctx *c, const struct oclass *k)
{
	struct lk_osec *o;
	size_t i;

	for (i = c->nosecs; i-- > 0;)
		if (!strcmp(c->osecs[i]->name, k->name))
			return c->osecs[i];
	o = lk_xcalloc(1, sizeof(*o));
	o->name = lk_xstrdup(k->name);
	o->seg = k->seg;
	o->order = k->order;
	o->type = SHT_NOBITS;
	o->align = 1;
	{
		size_t cap = c->nosecs;
		lk_push(&c->osecs, &c->nosecs, &cap, sizeof(o), &o);
	}
	return o;
}

static void add_to(struct lk_osec *o, struct lk_sec *s)
{
	s->osec = o;
	s->next = NULL;
	if (o->last)
		o->last->next = s;
	else
		o->first = s;
	o->last = s;
	o->nsecs++;
	o->flags |= s->flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR | SHF_TLS);
	if (s->type != SHT_NOBITS && strcmp(s->name, "COMMON"))
		o->type = s->type == SHT_NOTE ? SHT_NOTE
			: s->type == SHT_INIT_ARRAY || s->type == SHT_FINI_ARRAY ||
			  s->type == SHT_PREINIT_ARRAY ? s->type
						       : SHT_PROGBITS;
	if (s->align > o->align)
		o->align = s->align;
	if (s->flags & SHF_TLS)
		o->is_tls = 1;
}

static int cmp_prio(const void *a, const void *b)
{
	const struct lk_sec *x = *(struct lk_sec *const *)a;
	const struct lk_sec *y = *(struct lk_sec *const *)b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->obj->id != y->obj->id)
		return x->obj->id < y->obj->id ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* init_array.N sections run in priority order, like SORT_BY_INIT_PRIORITY */
static void sort_prio(struct lk_osec *o)
{
	struct lk_sec **v, *s;
	size_t n = 0, i;

	if (o->nsecs < 2)
		return;
	v = lk_xcalloc(o->nsecs, sizeof(*v));
	for (s = o->first; s; s = s->next)
		v[n++] = s;
	qsort(v, n, sizeof(*v), cmp_prio);
	o->first = o->last = NULL;
	o->nsecs = 0;
	for (i = 0; i < n; i++)
		add_to(o, v[i]);
	free(v);
}

static int cmp_osec(const void *a, const void *b)
{
	const struct lk_osec *x = *(struct lk_osec *const *)a;
	const struct lk_osec *y = *(struct lk_osec *const *)b;

	if (x->seg != y->seg)
		return x->seg < y->seg ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->sort_prio < y->sort_prio ? -1 : x->sort_prio > y->sort_prio;
}

static void assign_osecs(struct lk_ctx *c)
{
	struct lk_obj *o;
	struct oclass k;
	uint32_t i;
	size_t j;

	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->shnum; i++) {
			struct lk_sec *s = &o->secs[i];

			if (!s->live)
				continue;
			if (s->into) { /* merged: the pieces go where the first was */
				s = s->into;
				if (!s->merged || s->obj != o || s->idx != i)
					continue;
			}
			classify(s, &k);
			add_to(get_osec(c, &k), s);
		}
	for (j = 0; j < c->nextra; j++)
		if (c->extra[j]->live) {
			classify(c->extra[j], &k);
			add_to(get_osec(c, &k), c->extra[j]);
		}
	for (j = 0; j < c->nosecs; j++) {
		struct lk_osec *os = c->osecs[j];
		os->sort_prio = (int)j;
		if (has_prefix(os->name, ".init_array") ||
		    has_prefix(os->name, ".fini_array") ||
		    has_prefix(os->name, ".preinit_array") ||
		    has_prefix(os->name, ".ctors") ||
		    has_prefix(os->name, ".dtors"))
			sort_prio(os);
	}
}

static struct lk_osec *osec_named(struct lk_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nosecs; i++)
		if (!strcmp(c->osecs[i]->name, name))
			return c->osecs[i];
	return NULL;
}

/* The linker-defined symbols. Phase 0 decides which undefined names are
 * synthesized (before GOT decisions); phase 1 gives them addresses. */
static int synth(struct lk_ctx *c, struct lk_sym *g, int phase)
{
	static const char *const arrays[] = { "init_array", "fini_array",
					      "preinit_array" };
	const char *n = g->name;
	struct lk_osec *o = NULL;
	uint64_t v = 0;
	int end = 0, abs = 0;
	size_t i;

	if (!strcmp(n, "__ehdr_start") || !strcmp(n, "__executable_start"))
		v = c->base;
	else if (!strcmp(n, "_etext") || !strcmp(n, "etext") ||
		 !strcmp(n, "__etext"))
		v = c->seg_used[LK_SEG_RX] ? c->seg_end[LK_SEG_RX]
					   : c->seg_end[LK_SEG_R];
	else if (!strcmp(n, "_edata") || !strcmp(n, "edata"))
		v = c->img_end;
	else if (!strcmp(n, "_end") || !strcmp(n, "end"))
		v = c->seg_used[LK_SEG_RW] ? c->seg_end[LK_SEG_RW]
					   : c->seg_end[LK_SEG_R];
	else if (!strcmp(n, "__bss_start"))
		v = (o = osec_named(c, ".bss")) ? o->addr : c->img_end;
	else if (!strcmp(n, "_DYNAMIC"))
		abs = 1;
	else if (!strcmp(n, "_GLOBAL_OFFSET_TABLE_"))
		v = c->got_osec ? c->got_osec->addr : 0;
	else if (!strncmp(n, "__start_", 8) || !strncmp(n, "__stop_", 7)) {
		end = !strncmp(n, "__stop_", 7);
		o = osec_named(c, n + (end ? 7 : 8));
		if (!o || !lk_is_c_ident(o->name))
			return 0;
		v = end ? o->addr + o->size : o->addr;
	} else {
		for (i = 0; i < 3; i++) {
			size_t l = strlen(arrays[i]);
			if (strncmp(n, "__", 2) || strncmp(n + 2, arrays[i], l))
				continue;
			if (!strcmp(n + 2 + l, "_start"))
				end = 0;
			else if (!strcmp(n + 2 + l, "_end"))
				end = 1;
			else
				return 0;
			char on[32];
			snprintf(on, sizeof(on), ".%s", arrays[i]);
			o = osec_named(c, on);
			v = o ? (end ? o->addr + o->size : o->addr)
			      : c->seg_start[LK_SEG_RW];
			break;
		}
		if (i == 3)
			return 0;
	}
	if (phase == 0) {
		g->state = LK_DEFINED;
		g->synth = 1;
		g->is_abs = abs;
		g->sec = NULL;
		g->type = STT_NOTYPE;
		return 1;
	}
	g->value = v;
	return 1;
}

static void define_synth(struct lk_ctx *c, int phase)
{
	struct lk_sym *g;

	for (g = c->syms.first; g; g = g->next) {
		if (phase == 0 && g->state != LK_DEFINED &&
		    (g->referenced || g->live_ref))
			synth(c, g, 0);
		else if (phase == 1 && g->synth)
			synth(c, g, 1);
	}
}

static void count_phdrs(struct lk_ctx *c)
{
	size_t i, n = 2; /* R load, GNU_STACK */
	int tls = 0;

	memset(c->seg_used, 0, sizeof(c->seg_used));
	c->seg_used[LK_SEG_R] = 1;
	for (i = 0; i < c->nosecs; i++) {
		struct lk_osec *o = c->osecs[i];
		if (!c->seg_used[o->seg])
			n += !!(c->seg_used[o->seg] = 1);
		if (o->type == SHT_NOTE)
			n++;
		if (o->is_tls)
			tls = 1;
	}
	c->nphdrs = n + tls;
	c->hdr_size = sizeof(Elf64_Ehdr) + c->nphdrs * sizeof(Elf64_Phdr);
}

static int assign_addrs(struct lk_ctx *c)
{
	uint64_t a = c->base + c->hdr_size, tls_align = 1;
	int seg = -1;
	size_t i;

	for (i = 0; i < c->nosecs; i++)
		if (c->osecs[i]->is_tls && c->osecs[i]->align > tls_align)
			tls_align = c->osecs[i]->align;
	c->tls_align = tls_align;
	c->img_end = a;
	/* The headers make the R segment even when no section goes there. */
	c->seg_start[LK_SEG_R] = c->base;
	c->seg_end[LK_SEG_R] = a;
	for (i = 0; i < c->nosecs; i++) {
		struct lk_osec *o = c->osecs[i];
		struct lk_sec *s;

		if ((int)o->seg != seg) {
			if (seg >= 0)
				c->seg_end[seg] = a;
			seg = (int)o->seg;
			if (seg != LK_SEG_R)
				a = lk_align_up(a, PAGE);
			c->seg_start[seg] = seg == LK_SEG_R ? c->base : a;
		}
		if (o->is_tls && !c->tls_start) {
			a = lk_align_up(a, tls_align);
			c->tls_start = a;
		}
		a = lk_align_up(a, o->align);
		o->addr = a;
		for (s = o->first; s; s = s->next) {
			a = lk_align_up(a, s->align);
			s->addr = a;
			if (s->size > UINT64_MAX / 2 || a + s->size < a)
				return uk_errorf(c->err, "%s: section '%s' is "
						 "too large", s->obj->display,
						 s->name);
			a += s->size;
		}
		if (o == c->got_osec) /* linker-made: no input sections */
			a += c->ngot * 8;
		if (o == c->ukst_osec) { /* last: every other address is known */
			lk_merge_place(c);
			lk_ukst_build(c);
			a += c->ukst_size;
		}
		o->size = a - o->addr;
		if (o->is_tls)
			c->tls_end = a;
		if (o->type != SHT_NOBITS)
			c->img_end = a;
		if (a >= (1ull << 32) && c->base < (1ull << 32))
			return uk_errorf(c->err, "image does not fit below 4 GiB "
				 "(ends at 0x%llx)", (unsigned long long)a);
	}
	if (seg >= 0)
		c->seg_end[seg] = a;
	else
		c->seg_end[LK_SEG_R] = a;
	lk_merge_place(c);
	if (c->tls_start) {
		c->tls_memsz = c->tls_end - c->tls_start;
		/* x86_64 TLS variant II: the block ends at the thread pointer */
		c->tls_end = c->tls_start + lk_align_up(c->tls_memsz, tls_align);
	}
	return 0;
}

int lk_layout(struct lk_ctx *c)
{
	struct lk_sym *g;

	assign_osecs(c);
	if (lk_ukst_wanted(c)) { /* filled by lk_ukst_build, placed last */
		struct oclass k = { "uk_symtab", LK_SEG_SYMS, 10 };

		c->ukst_osec = get_osec(c, &k);
		c->ukst_osec->type = SHT_PROGBITS;
		c->ukst_osec->flags = SHF_ALLOC;
		c->ukst_osec->align = 16;
	}
	define_synth(c, 0);
	if (lk_check_resolution(c) < 0)
		return -1;
	if (lk_scan_got(c) < 0)
		return -1;
	g = lk_sym_find(&c->syms, "_GLOBAL_OFFSET_TABLE_");
	if (c->ngot || c->need_got || (g && g->synth)) {
		struct oclass k = { ".got", LK_SEG_RW, 26 };
		c->got_osec = get_osec(c, &k);
		c->got_osec->type = SHT_PROGBITS;
		c->got_osec->flags = SHF_ALLOC | SHF_WRITE;
		c->got_osec->align = 8;
		c->got_osec->sort_prio = (int)c->nosecs;
	}
	if (c->nosecs > 1)
		qsort(c->osecs, c->nosecs, sizeof(*c->osecs), cmp_osec);
	count_phdrs(c);
	if (assign_addrs(c) < 0)
		return -1;
	define_synth(c, 1);
	{
		const char *entry = c->opts->entry ? c->opts->entry : "_start";
		g = lk_sym_find(&c->syms, entry);
		c->entry_addr = g ? lk_sym_addr(g) : 0;
	}
	return 0;
}
