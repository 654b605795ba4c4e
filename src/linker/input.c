/* Reads ELF64 x86_64 relocatable objects. Every offset and size taken from
 * the file is checked against the file's size, with overflow-safe
 * arithmetic, before anything is dereferenced. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linker/internal.h"

/* off + len lies within size, without overflow */
static int in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int bad(struct lk_ctx *c, const struct lk_obj *o, const char *what)
{
	uk_errorf(c->err, "%s: malformed ELF object: %s", o->display, what);
	return uk_hintf(c->err, "the file is truncated or not a relocatable "
				"ELF64 x86_64 object; rebuild it");
}

static int check_strtab(const uint8_t *d, uint64_t off, uint64_t size)
{
	return size > 0 && d[off + size - 1] == '\0';
}

int lk_obj_parse(struct lk_ctx *c, struct lk_obj *o)
{
	const Elf64_Ehdr *eh = (const void *)o->data;
	uint64_t shnum, shstrndx;
	const Elf64_Shdr *sh;
	uint32_t i, lim;

	if (o->size < 4 || memcmp(o->data, ELFMAG, SELFMAG) != 0) {
		uk_errorf(c->err, "%s: not an ELF object (no ELF magic)",
			  o->display);
		return uk_hintf(c->err, "inputs must be ELF64 x86_64 "
					"objects (.o) or archives (.a)");
	}
	if (o->size < sizeof(Elf64_Ehdr))
		return bad(c, o, "truncated ELF header");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(c, o, "not ELF64 little-endian");
	if (eh->e_machine != EM_X86_64)
		return bad(c, o, "machine is not x86_64");
	if (eh->e_type != ET_REL)
		return bad(c, o, "not a relocatable object (ET_REL)");
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return bad(c, o, "unexpected section header size");
	if (eh->e_shoff % 8 != 0)
		return bad(c, o, "misaligned section header table");
	if (!in_bounds(eh->e_shoff, sizeof(Elf64_Shdr), o->size))
		return bad(c, o, "section header table outside the file");
	sh = (const void *)(o->data + eh->e_shoff);
	shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	shstrndx = eh->e_shstrndx == SHN_XINDEX ? sh[0].sh_link
						: eh->e_shstrndx;
	if (shnum == 0 || shnum > (o->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return bad(c, o, "section header table outside the file");
	o->shdrs = sh;
	o->shnum = (uint32_t)shnum;
	for (i = 1; i < o->shnum; i++) {
		if (sh[i].sh_type != SHT_NOBITS &&
		    !in_bounds(sh[i].sh_offset, sh[i].sh_size, o->size)) {
			char m[80];
			snprintf(m, sizeof(m),
				 "section %u extends past the end of the file",
				 i);
			return bad(c, o, m);
		}
		if (sh[i].sh_addralign & (sh[i].sh_addralign - 1))
			return bad(c, o, "section alignment not a power of 2");
	}
	if (shstrndx == 0 || shstrndx >= shnum ||
	    sh[shstrndx].sh_type != SHT_STRTAB ||
	    !check_strtab(o->data, sh[shstrndx].sh_offset,
			  sh[shstrndx].sh_size))
		return bad(c, o, "bad section name table");
	o->shstr = (const char *)o->data + sh[shstrndx].sh_offset;
	o->shstr_size = sh[shstrndx].sh_size;
	for (i = 0; i < o->shnum; i++)
		if (sh[i].sh_name >= o->shstr_size)
			return bad(c, o, "section name outside the name table");
	for (i = 1; i < o->shnum; i++) {
		const Elf64_Shdr *st;

		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		if (o->syms)
			return bad(c, o, "more than one symbol table");
		if (sh[i].sh_entsize != sizeof(Elf64_Sym) ||
		    sh[i].sh_size % sizeof(Elf64_Sym) || sh[i].sh_offset % 8)
			return bad(c, o, "bad symbol table entry size");
		if (sh[i].sh_link == 0 || sh[i].sh_link >= o->shnum)
			return bad(c, o, "symbol table has no string table");
		st = &sh[sh[i].sh_link];
		if (st->sh_type != SHT_STRTAB ||
		    !check_strtab(o->data, st->sh_offset, st->sh_size))
			return bad(c, o, "bad symbol string table");
		o->syms = (const void *)(o->data + sh[i].sh_offset);
		o->nsyms = (uint32_t)(sh[i].sh_size / sizeof(Elf64_Sym));
		if (sh[i].sh_info > o->nsyms || sh[i].sh_info == 0)
			return bad(c, o, "bad first-global index in symbol table");
		o->first_global = sh[i].sh_info;
		o->symtab_idx = i;
		o->strtab = (const char *)o->data + st->sh_offset;
		o->strtab_size = st->sh_size;
	}
	/* below lim: a section; at or above it only SHN_ABS and SHN_COMMON */
	lim = o->shnum < SHN_LORESERVE ? o->shnum : SHN_LORESERVE;
	for (i = 0; i < o->nsyms; i++) {
		const Elf64_Sym *s = &o->syms[i];
		uint32_t x = s->st_shndx;

		if (s->st_name >= o->strtab_size)
			return bad(c, o, "symbol name outside the string table");
		if (x >= lim && x != SHN_ABS && x != SHN_COMMON)
			return bad(c, o, x == SHN_XINDEX
						 ? "extended section indices unsupported"
						 : "symbol in a section that does not exist");
	}
	return 0;
}

const char *lk_sym_name(const struct lk_obj *o, const Elf64_Sym *s)
{
	return o->strtab + s->st_name;
}

/* What a section's name alone says, found in one pass over the name (this
 * runs for every section of every loaded input): dropped from the output,
 * an init/fini root, and the priority of .init_array.N-style names. */
static int is_prefix(const char *n, const char *p, size_t l)
{
	return !strncmp(n, p, l);
}

/* ".init_array" + "" or "." + tail: a root; "." + digits: its priority */
static uint8_t array_name(const char *rest, uint32_t *prio)
{
	unsigned long v = 0;
	const char *p;

	if (*rest == '\0')
		return LK_SK_ROOT;
	if (*rest != '.')
		return 0;
	for (p = rest + 1; *p >= '0' && *p <= '9' && v <= 65535; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (p > rest + 1 && !*p && v <= 65535)
		*prio = (uint32_t)v;
	return LK_SK_ROOT;
}

static uint8_t name_kind(const char *n, uint32_t *prio)
{
	*prio = 65536;
	if (n[0] != '.')
		return 0;
	switch (n[1]) {
	case 'c':
		if (!strcmp(n, ".comment"))
			return LK_SK_DROP;
		if (is_prefix(n, ".ctors", 6))
			return array_name(n + 6, prio);
		return 0;
	case 'd':
		if (is_prefix(n, ".debug", 6))
			return LK_SK_DROP;
		if (is_prefix(n, ".dtors", 6))
			return array_name(n + 6, prio);
		return 0;
	case 'e':
		return !strcmp(n, ".eh_frame") ? LK_SK_DROP : 0;
	case 'n':
		return !strcmp(n, ".note.GNU-stack") ||
				       !strcmp(n, ".note.gnu.property")
			       ? LK_SK_DROP
			       : 0;
	case 'i':
		if (!strcmp(n, ".init"))
			return LK_SK_ROOT;
		if (is_prefix(n, ".init_array", 11))
			return array_name(n + 11, prio);
		return 0;
	case 'f':
		if (!strcmp(n, ".fini"))
			return LK_SK_ROOT;
		if (is_prefix(n, ".fini_array", 11))
			return array_name(n + 11, prio);
		return 0;
	case 'p':
		if (is_prefix(n, ".preinit_array", 14))
			return array_name(n + 14, prio);
		return 0;
	default:
		return 0;
	}
}

static int load_group(struct lk_ctx *c, struct lk_obj *o, uint32_t gi)
{
	const Elf64_Shdr *g = &o->shdrs[gi];
	const uint32_t *w = (const void *)(o->data + g->sh_offset);
	size_t n = g->sh_size / 4, k;
	int discard = 0;

	if (g->sh_size % 4 || n == 0 || g->sh_offset % 4)
		return bad(c, o, "bad section group");
	if (g->sh_link != o->symtab_idx || g->sh_info >= o->nsyms)
		return bad(c, o, "section group signature outside symbol table");
	if (w[0] & GRP_COMDAT) {
		const char *sig = lk_sym_name(o, &o->syms[g->sh_info]);
		struct lk_sym *s = lk_sym_get(&c->groups, sig);

		if (s->obj)
			discard = 1;
		else
			s->obj = o;
	}
	for (k = 1; k < n; k++) {
		if (w[k] == 0 || w[k] >= o->shnum)
			return bad(c, o, "section group member does not exist");
		o->secs[w[k]].group = gi;
		if (discard)
			o->secs[w[k]].discarded = 1;
	}
	return 0;
}

int lk_obj_load(struct lk_ctx *c, struct lk_obj *o)
{
	uint32_t i;

	/* in the arena: zero already, freed with the link */
	o->secs = lk_arena_alloc(&c->arena, (o->shnum ? o->shnum : 1) * sizeof(*o->secs));
	o->gsyms = lk_arena_alloc(&c->arena, (o->nsyms ? o->nsyms : 1) * sizeof(*o->gsyms));
	/* one pass; field by field, since the rest is zero already (and
	 * .rela, .group and .discarded may be set ahead by an earlier
	 * section: a relocation section or a group names later ones) */
	for (i = 0; i < o->shnum; i++) {
		struct lk_sec *s = &o->secs[i];
		const Elf64_Shdr *h = &o->shdrs[i];

		s->obj = o;
		s->idx = i;
		s->sh = h;
		s->name = o->shstr + h->sh_name;
		s->type = h->sh_type;
		s->flags = h->sh_flags;
		s->size = h->sh_size;
		s->align = h->sh_addralign ? h->sh_addralign : 1;
		s->kind = name_kind(s->name, &s->prio);
		if (i == 0)
			continue;
		if (h->sh_type != SHT_NOBITS)
			s->data = o->data + h->sh_offset;
		if (h->sh_type == SHT_REL)
			return bad(c, o, "SHT_REL relocations are not used on "
					 "x86_64");
		if (h->sh_type == SHT_RELA) {
			if (h->sh_entsize != sizeof(Elf64_Rela) ||
			    h->sh_size % sizeof(Elf64_Rela) || h->sh_offset % 8)
				return bad(c, o, "bad relocation entry size");
			if (h->sh_info == 0 || h->sh_info >= o->shnum ||
			    h->sh_link != o->symtab_idx)
				return bad(c, o, "relocation section has a bad "
						 "target or symbol table");
			o->secs[h->sh_info].rela = i;
		} else if (h->sh_type == SHT_GROUP) {
			if (load_group(c, o, i) < 0)
				return -1;
		}
	}
	for (i = 1; i < o->shnum; i++) {
		struct lk_sec *s = &o->secs[i];

		if ((s->flags & SHF_ALLOC) && !(s->flags & SHF_EXCLUDE) &&
		    !s->discarded && !(s->kind & LK_SK_DROP) &&
		    s->type != SHT_GROUP)
			s->gc_candidate = 1;
		if ((s->flags & SHF_LINK_ORDER) && s->sh->sh_link >= o->shnum)
			return bad(c, o, "SHF_LINK_ORDER section links nowhere");
	}
	return 0;
}

/* Every relocation of a section names a symbol that exists: checked once,
 * the first time (gc, the GOT scan, icf and relocation all ask). */
int lk_rela_get(struct lk_ctx *c, const struct lk_sec *s,
		const Elf64_Rela **rel, size_t *n)
{
	const struct lk_obj *o = s->obj;
	const Elf64_Shdr *h;
	size_t i;

	if (!s->rela) {
		*rel = NULL;
		*n = 0;
		return 0;
	}
	h = &o->shdrs[s->rela];
	*rel = (const void *)(o->data + h->sh_offset);
	*n = h->sh_size / sizeof(Elf64_Rela);
	if (o->secs[s->idx].rela_ok)
		return 0;
	for (i = 0; i < *n; i++) {
		if (ELF64_R_SYM((*rel)[i].r_info) >= o->nsyms)
			return uk_errorf(c->err,
					 "%s: section '%s': relocation %zu "
					 "names symbol %lu outside the symbol "
					 "table",
					 o->display, s->name, i,
					 (unsigned long)ELF64_R_SYM(
						 (*rel)[i].r_info));
	}
	o->secs[s->idx].rela_ok = 1; /* its own record: callers hold it const */
	return 0;
}
