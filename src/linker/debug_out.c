/* The separate debug file (opts->debug_path): the image as written (its
 * headers, segments and .symtab) followed by the .debug_* sections of the
 * loaded objects, concatenated by name in load order and relocated against
 * the final layout, with section headers of its own. The image itself is
 * never touched, so it is the same file whether or not this one is made.
 *
 * A relocation against a section that is not in the image (garbage
 * collected, or a discarded COMDAT copy) writes lld's tombstone, without
 * the addend: 1 in .debug_ranges and .debug_loc (0 would end their lists),
 * 0 elsewhere; gdb ignores code at 0, where nothing is loaded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"
#include "linker/internal.h"

struct dsec {
	const char *name;
	uint8_t *data;
	uint64_t size, align;
	struct lk_sec *first; /* chained through next, as an osec's inputs */
	struct lk_sec *last;
};

struct dout {
	struct dsec *v;
	size_t n, cap;
};

static int is_debug(const struct lk_sec *s)
{
	static const char pre[] = ".debug";
	size_t i;

	/* asked for every relocation's symbol: the prefix compared inline
	 * (strncmp was 5% of writing SQLite's debug file) */
	if (!(s->kind & LK_SK_DROP) || s->type != SHT_PROGBITS || s->discarded || !s->data)
		return 0;
	for (i = 0; i < sizeof(pre) - 1 && s->name[i] == pre[i]; i++)
		;
	return i == sizeof(pre) - 1;
}

static struct dsec *dsec_of(struct dout *d, const char *name)
{
	struct dsec z = { 0 };

	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	z.name = name;
	z.align = 1;
	lk_push(&d->v, &d->n, &d->cap, sizeof(z), &z);
	return &d->v[d->n - 1];
}

/* Places each input debug section: its addr becomes its offset in the
 * output section (debug sections have no address of their own). */
static void collect(struct lk_ctx *c, struct dout *d)
{
	for (struct lk_obj *o = c->objs; o; o = o->next)
		for (uint32_t i = 1; i < o->shnum; i++) {
			struct lk_sec *s = &o->secs[i];
			struct dsec *x;

			if (!is_debug(s))
				continue;
			x = dsec_of(d, s->name);
			x->size = lk_align_up(x->size, s->align);
			s->addr = x->size;
			x->size += s->size;
			if (s->align > x->align)
				x->align = s->align;
			s->next = NULL;
			if (x->last)
				x->last->next = s;
			else
				x->first = s;
			x->last = s;
		}
}

/* The value a relocation's symbol has in the debug file; 0 when its
 * section is not in the image (*dead set). */
static uint64_t sym_value(const struct lk_obj *o, uint32_t si, int *dead)
{
	const Elf64_Sym *y = &o->syms[si];
	const struct lk_sym *g = o->gsyms ? o->gsyms[si] : NULL;
	const struct lk_sec *s;

	*dead = 0;
	if (si == 0)
		return 0;
	if (g) {
		if (g->state == LK_DEFINED && g->sec && !g->sec->live) {
			*dead = 1;
			return 0;
		}
		return lk_sym_addr(g); /* undefined weak: 0 */
	}
	if (y->st_shndx == SHN_ABS)
		return y->st_value;
	if (y->st_shndx == SHN_UNDEF || y->st_shndx >= SHN_LORESERVE)
		return 0;
	s = &o->secs[y->st_shndx];
	if (is_debug(s))
		return s->addr + y->st_value;
	if (!s->live || !s->osec) {
		*dead = 1;
		return 0;
	}
	return lk_sec_addr(s, y->st_value); /* also merged or folded */
}

static void put32(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v; /* gcc makes the four one store */
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* little-endian, 4 or 8 bytes (a loop over the count was 9% of writing
 * SQLite's debug file) */
static void put(uint8_t *p, uint64_t v, int bytes)
{
	put32(p, v);
	if (bytes == 8)
		put32(p + 4, v >> 32);
}

static int reloc_err(struct lk_ctx *c, const struct lk_sec *s, uint64_t off,
		     uint32_t type, const char *what)
{
	uk_errorf(c->err, "%s: section '%s' offset 0x%llx: %s: %s", s->obj->display,
		  s->name, (unsigned long long)off, lk_reloc_name(type), what);
	return uk_hintf(c->err, "link without the debug file, or rebuild the object");
}

static int relocate(struct lk_ctx *c, const struct dsec *x, struct lk_sec *s)
{
	const Elf64_Rela *r;
	size_t n;
	uint64_t tomb = !strcmp(x->name, ".debug_ranges") || !strcmp(x->name, ".debug_loc");

	if (lk_rela_get(c, s, &r, &n) < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		uint32_t type = ELF64_R_TYPE(r[k].r_info);
		uint64_t off = r[k].r_offset, v;
		int dead, w = type == R_X86_64_64 || type == R_X86_64_DTPOFF64 ? 8 : 4;
		uint8_t *loc = x->data + s->addr + off;

		if (type == R_X86_64_NONE)
			continue;
		if (off > s->size || (uint64_t)w > s->size - off)
			return reloc_err(c, s, off, type, "offset outside the section");
		v = sym_value(s->obj, (uint32_t)ELF64_R_SYM(r[k].r_info), &dead);
		if (dead) {
			put(loc, tomb, w);
			continue;
		}
		v += (uint64_t)r[k].r_addend;
		switch (type) {
		case R_X86_64_64:
			break;
		case R_X86_64_32:
			if (v > UINT32_MAX)
				return reloc_err(c, s, off, type, "value does not fit");
			break;
		case R_X86_64_DTPOFF32:
		case R_X86_64_DTPOFF64:
			v -= c->tls_start; /* offset in the TLS block */
			break;
		default:
			return reloc_err(c, s, off, type,
					 "relocation type not supported in debug sections");
		}
		put(loc, v, w);
	}
	return 0;
}

static int build(struct lk_ctx *c, struct dout *d)
{
	collect(c, d);
	for (size_t i = 0; i < d->n; i++) {
		struct dsec *x = &d->v[i];

		x->data = lk_xcalloc(1, x->size ? x->size : 1);
		for (struct lk_sec *s = x->first; s; s = s->next)
			memcpy(x->data + s->addr, s->data, s->size);
		for (struct lk_sec *s = x->first; s; s = s->next)
			if (s->rela && relocate(c, x, s) < 0)
				return -1;
	}
	return 0;
}

static int read_image(struct lk_ctx *c, uint8_t **img, size_t *len)
{
	const char *path = c->opts->output;
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f || fstat(fileno(f), &st) < 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		if (f)
			fclose(f);
		return uk_errorf(c->err, "cannot read '%s' back: %s", path, strerror(errno));
	}
	*len = (size_t)st.st_size;
	*img = lk_xcalloc(1, *len);
	if (fread(*img, 1, *len, f) != *len) {
		fclose(f);
		return uk_errorf(c->err, "cannot read '%s' back", path);
	}
	fclose(f);
	return 0;
}

static void cat(uint8_t **p, size_t *n, const void *v, size_t len)
{
	*p = realloc(*p, *n + len + 1);
	if (!*p)
		abort();
	memcpy(*p + *n, v, len);
	*n += len;
}

static void pad_to(uint8_t **p, size_t *n, uint64_t align)
{
	static const uint8_t z[64];

	while (*n % align)
		cat(p, n, z, align - *n % align > sizeof(z) ? sizeof(z) : align - *n % align);
}

/* image[0, e_shoff) + debug sections + .shstrtab + the image's section
 * headers less its .shstrtab (the last), the debug ones, the new .shstrtab */
static int assemble(struct lk_ctx *c, const struct dout *d, const uint8_t *img, size_t len,
		    uint8_t **out, size_t *outlen)
{
	Elf64_Ehdr eh;
	const Elf64_Shdr *oldsh;
	uint8_t *f = NULL, *shs = NULL;
	size_t n = 0, nshs, nsh;
	uint64_t *offs = lk_xcalloc(d->n + 1, sizeof(*offs));
	uint32_t *names = lk_xcalloc(d->n + 1, sizeof(*names));
	Elf64_Shdr h;

	memcpy(&eh, img, sizeof(eh));
	if (eh.e_shnum < 2 || eh.e_shstrndx != eh.e_shnum - 1 || eh.e_shoff > len ||
	    (len - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum) {
		free(offs);
		free(names);
		return uk_errorf(c->err, "'%s': unexpected section headers", c->opts->output);
	}
	oldsh = (const Elf64_Shdr *)(img + eh.e_shoff);
	if (oldsh[eh.e_shstrndx].sh_offset > len ||
	    oldsh[eh.e_shstrndx].sh_size > len - oldsh[eh.e_shstrndx].sh_offset) {
		free(offs);
		free(names);
		return uk_errorf(c->err, "'%s': unexpected .shstrtab", c->opts->output);
	}
	nshs = 0;
	cat(&shs, &nshs, img + oldsh[eh.e_shstrndx].sh_offset, oldsh[eh.e_shstrndx].sh_size);
	cat(&f, &n, img, (size_t)eh.e_shoff);
	for (size_t i = 0; i < d->n; i++) {
		pad_to(&f, &n, d->v[i].align);
		offs[i] = n;
		cat(&f, &n, d->v[i].data, (size_t)d->v[i].size);
		names[i] = (uint32_t)nshs;
		cat(&shs, &nshs, d->v[i].name, strlen(d->v[i].name) + 1);
	}
	names[d->n] = (uint32_t)nshs;
	cat(&shs, &nshs, ".shstrtab", 10);
	offs[d->n] = n;
	cat(&f, &n, shs, nshs);
	pad_to(&f, &n, 8);
	eh.e_shoff = n;
	cat(&f, &n, oldsh, (eh.e_shnum - 1) * sizeof(Elf64_Shdr));
	for (size_t i = 0; i <= d->n; i++) {
		memset(&h, 0, sizeof(h));
		h.sh_name = names[i];
		h.sh_type = i < d->n ? SHT_PROGBITS : SHT_STRTAB;
		h.sh_offset = offs[i];
		h.sh_size = i < d->n ? d->v[i].size : nshs;
		h.sh_addralign = i < d->n ? d->v[i].align : 1;
		cat(&f, &n, &h, sizeof(h));
	}
	nsh = eh.e_shnum + d->n;
	eh.e_shnum = (uint16_t)nsh;
	eh.e_shstrndx = (uint16_t)(nsh - 1);
	memcpy(f, &eh, sizeof(eh));
	free(offs);
	free(names);
	free(shs);
	*out = f;
	*outlen = n;
	return nsh >= SHN_LORESERVE ? uk_errorf(c->err, "too many debug sections") : 0;
}

static int write_file(struct lk_ctx *c, const uint8_t *p, size_t n)
{
	const char *path = c->opts->debug_path;
	char *tmp = lk_xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp), rc = 0;
	FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");

	if (!f) {
		if (fd >= 0)
			close(fd);
		uk_errorf(c->err, "cannot create '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fwrite(p, 1, n, f) != n || fchmod(fd, 0644) < 0)
		rc = uk_errorf(c->err, "cannot write '%s': %s", tmp, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = uk_errorf(c->err, "cannot write '%s': %s", tmp, strerror(errno));
	if (rc == 0 && uk_path_publish(tmp, path) < 0)
		rc = uk_errorf(c->err, "cannot rename '%s' to '%s': %s", tmp, path,
			       strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int lk_write_debug(struct lk_ctx *c)
{
	struct dout d = { 0 };
	uint8_t *img = NULL, *out = NULL;
	size_t len = 0, outlen = 0;
	int rc;

	rc = build(c, &d);
	if (rc == 0)
		rc = read_image(c, &img, &len);
	if (rc == 0)
		rc = assemble(c, &d, img, len, &out, &outlen);
	if (rc == 0)
		rc = write_file(c, out, outlen);
	for (size_t i = 0; i < d.n; i++)
		free(d.v[i].data);
	free(d.v);
	free(img);
	free(out);
	return rc;
}
