/* Writes the ELF64 EXEC: headers into the start of the image (the first
 * PT_LOAD maps them, so AT_PHDR works), then .symtab/.strtab/.shstrtab and
 * the section headers after the image. Output goes to a temporary file in
 * the same folder, renamed over the target only when complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/path.h"
#include "linker/internal.h"

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static size_t buf_add(struct buf *b, const void *v, size_t len)
{
	size_t at = b->n;

	if (len == 0)
		return at;
	while (b->n + len > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, v, len);
	b->n += len;
	return at;
}

static uint32_t str_add(struct buf *b, const char *s)
{
	return (uint32_t)buf_add(b, s, strlen(s) + 1);
}

static uint64_t seg_file_end(struct lk_ctx *c, enum lk_seg seg)
{
	uint64_t e = seg == LK_SEG_R ? c->base + c->hdr_size : c->seg_start[seg];
	size_t i;

	for (i = 0; i < c->nosecs; i++) {
		struct lk_osec *o = c->osecs[i];
		if (o->seg == seg && o->type != SHT_NOBITS &&
		    o->addr + o->size > e)
			e = o->addr + o->size;
	}
	return e;
}

/* Segments are packed in the file: each starts at the next page boundary
 * after the previous one's file bytes (offset and address agree modulo the
 * page size, as loaders need), so a large .bss costs no file space. */
static void file_layout(struct lk_ctx *c)
{
	uint64_t at = 0;
	int s;

	for (s = 0; s < LK_NSEGS; s++) {
		if (!c->seg_used[s])
			continue;
		at = lk_align_up(at, 4096);
		c->seg_foff[s] = at;
		at += seg_file_end(c, s) - c->seg_start[s];
	}
	c->file_end = at;
}

/* The file offset of a loaded address (NOBITS addresses map past the end of
 * their segment's file bytes, which is all a section header needs). */
static uint64_t file_off(const struct lk_ctx *c, uint64_t addr)
{
	int s, best = -1;

	for (s = 0; s < LK_NSEGS; s++)
		if (c->seg_used[s] && addr >= c->seg_start[s] &&
		    (best < 0 || c->seg_start[s] > c->seg_start[best]))
			best = s;
	if (best < 0)
		return addr - c->base;
	return c->seg_foff[best] + (addr - c->seg_start[best]);
}

static void phdrs(struct lk_ctx *c, Elf64_Phdr *ph)
{
	static const uint32_t pf[LK_NSEGS] = { PF_R, PF_R | PF_X, PF_R | PF_W,
						PF_R };
	size_t n = 0, i;
	int s;

	for (s = 0; s < LK_NSEGS; s++) {
		if (!c->seg_used[s])
			continue;
		ph[n].p_type = PT_LOAD;
		ph[n].p_flags = pf[s];
		ph[n].p_offset = c->seg_foff[s];
		ph[n].p_vaddr = ph[n].p_paddr = c->seg_start[s];
		ph[n].p_filesz = seg_file_end(c, s) - c->seg_start[s];
		ph[n].p_memsz = c->seg_end[s] - c->seg_start[s];
		if (ph[n].p_memsz < ph[n].p_filesz)
			ph[n].p_memsz = ph[n].p_filesz;
		ph[n].p_align = 4096;
		n++;
	}
	for (i = 0; i < c->nosecs; i++) {
		struct lk_osec *o = c->osecs[i];
		if (o->type != SHT_NOTE)
			continue;
		ph[n].p_type = PT_NOTE;
		ph[n].p_flags = PF_R;
		ph[n].p_offset = file_off(c, o->addr);
		ph[n].p_vaddr = ph[n].p_paddr = o->addr;
		ph[n].p_filesz = ph[n].p_memsz = o->size;
		ph[n].p_align = o->align;
		n++;
	}
	if (c->tls_start) {
		uint64_t fend = c->tls_start;
		for (i = 0; i < c->nosecs; i++)
			if (c->osecs[i]->is_tls &&
			    c->osecs[i]->type != SHT_NOBITS)
				fend = c->osecs[i]->addr + c->osecs[i]->size;
		ph[n].p_type = PT_TLS;
		ph[n].p_flags = PF_R;
		ph[n].p_offset = file_off(c, c->tls_start);
		ph[n].p_vaddr = ph[n].p_paddr = c->tls_start;
		ph[n].p_filesz = fend - c->tls_start;
		ph[n].p_memsz = c->tls_memsz;
		ph[n].p_align = c->tls_align;
		n++;
	}
	ph[n].p_type = PT_GNU_STACK;
	ph[n].p_flags = PF_R | PF_W;
	ph[n].p_align = 16;
}

static void add_sym(struct lk_ctx *c, struct buf *st, struct buf *str,
		    const char *name, int bind, int type, uint64_t addr,
		    uint64_t size, const struct lk_osec *o)
{
	Elf64_Sym y = { 0 };

	y.st_name = str_add(str, name);
	y.st_info = ELF64_ST_INFO(bind, type);
	y.st_shndx = o ? (uint16_t)o->shndx : SHN_ABS;
	y.st_value = type == STT_TLS ? addr - c->tls_start : addr;
	y.st_size = size;
	buf_add(st, &y, sizeof(y));
}

static uint32_t symtab(struct lk_ctx *c, struct buf *st, struct buf *str)
{
	Elf64_Sym null = { 0 };
	struct lk_obj *o;
	struct lk_sym *g;
	uint32_t i, nlocal;

	buf_add(st, &null, sizeof(null));
	str_add(str, "");
	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->first_global; i++) {
			const Elf64_Sym *y = &o->syms[i];
			int t = ELF64_ST_TYPE(y->st_info);
			const char *n = lk_sym_name(o, y);
			struct lk_sec *s;

			if ((t != STT_FUNC && t != STT_OBJECT &&
			     t != STT_NOTYPE && t != STT_TLS) ||
			    !*n || !strncmp(n, ".L", 2) ||
			    y->st_shndx == SHN_UNDEF ||
			    y->st_shndx >= SHN_LORESERVE)
				continue;
			s = &o->secs[y->st_shndx];
			if (!s->live || !s->osec)
				continue;
			add_sym(c, st, str, n, STB_LOCAL, t,
				lk_sec_addr(s, y->st_value), y->st_size,
				s->osec);
		}
	nlocal = (uint32_t)(st->n / sizeof(Elf64_Sym));
	for (g = c->syms.first; g; g = g->next) {
		const struct lk_osec *os = NULL;

		if (g->state != LK_DEFINED)
			continue;
		if (g->sec) {
			if (!g->sec->live || !g->sec->osec)
				continue;
			os = g->sec->osec;
		} else if (g->synth && !g->is_abs) {
			size_t k;
			for (k = 0; k < c->nosecs && !os; k++)
				if (g->value >= c->osecs[k]->addr &&
				    g->value <= c->osecs[k]->addr +
							c->osecs[k]->size)
					os = c->osecs[k];
		}
		add_sym(c, st, str, g->name, g->weak ? STB_WEAK : STB_GLOBAL,
			g->type, lk_sym_addr(g), g->size, os);
	}
	return nlocal;
}

/* Each segment's file bytes at its packed offset, the gaps between zeros,
 * then the pad and the tail: one writev (a write each was a tenth of a
 * small link's writing time) */
static int write_file(struct lk_ctx *c, int fd, size_t pad, const struct buf *tail)
{
	static const uint8_t z[4096];
	struct iovec iov[2 * LK_NSEGS + 2], *v = iov;
	size_t n = 0;
	uint64_t at = 0;
	int s;

	for (s = 0; s < LK_NSEGS; s++) {
		uint64_t len;

		if (!c->seg_used[s])
			continue;
		if (c->seg_foff[s] > at)
			iov[n++] = (struct iovec){ (void *)z, (size_t)(c->seg_foff[s] - at) };
		len = seg_file_end(c, s) - c->seg_start[s];
		iov[n++] = (struct iovec){ c->out + (c->seg_start[s] - c->base), (size_t)len };
		at = c->seg_foff[s] + len;
	}
	iov[n++] = (struct iovec){ (void *)z, pad };
	iov[n++] = (struct iovec){ tail->p, tail->n };
	while (n > 0) {
		ssize_t w = writev(fd, v, (int)n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		/* a short write: on from where it stopped */
		for (; n > 0 && (size_t)w >= v->iov_len; v++, n--)
			w -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (uint8_t *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static void build_tail(struct lk_ctx *c, struct buf *tail, uint64_t *shoff,
		       uint32_t *shnum)
{
	struct buf st = { 0 }, str = { 0 }, sh = { 0 }, shs = { 0 };
	Elf64_Shdr h = { 0 };
	uint64_t at = c->file_end;
	uint32_t nlocal = 0, i;
	uint64_t st_off = 0, str_off = 0, shs_off;
	int strip = c->opts->strip_all;

	str_add(&shs, "");
	buf_add(&sh, &h, sizeof(h));
	for (i = 0; i < c->nosecs; i++)
		c->osecs[i]->shndx = i + 1;
	if (!strip)
		nlocal = symtab(c, &st, &str);
	for (i = 0; i < c->nosecs; i++) {
		struct lk_osec *o = c->osecs[i];
		memset(&h, 0, sizeof(h));
		h.sh_name = str_add(&shs, o->name);
		h.sh_type = o->type;
		h.sh_flags = o->flags | SHF_ALLOC;
		h.sh_addr = o->addr;
		h.sh_offset = file_off(c, o->addr);
		h.sh_size = o->size;
		h.sh_addralign = o->align;
		buf_add(&sh, &h, sizeof(h));
	}
	at = lk_align_up(at, 8);
	if (!strip) {
		st_off = at;
		buf_add(tail, st.p, st.n);
		str_off = st_off + st.n;
		buf_add(tail, str.p, str.n);
		at = str_off + str.n;
	}
	memset(&h, 0, sizeof(h));
	if (!strip) {
		h.sh_name = str_add(&shs, ".symtab");
		h.sh_type = SHT_SYMTAB;
		h.sh_offset = st_off;
		h.sh_size = st.n;
		h.sh_link = c->nosecs + 2;
		h.sh_info = nlocal;
		h.sh_addralign = 8;
		h.sh_entsize = sizeof(Elf64_Sym);
		buf_add(&sh, &h, sizeof(h));
		memset(&h, 0, sizeof(h));
		h.sh_name = str_add(&shs, ".strtab");
		h.sh_type = SHT_STRTAB;
		h.sh_offset = str_off;
		h.sh_size = str.n;
		h.sh_addralign = 1;
		buf_add(&sh, &h, sizeof(h));
	}
	memset(&h, 0, sizeof(h));
	h.sh_name = str_add(&shs, ".shstrtab");
	h.sh_type = SHT_STRTAB;
	shs_off = at;
	h.sh_offset = shs_off;
	h.sh_size = shs.n;
	h.sh_addralign = 1;
	buf_add(&sh, &h, sizeof(h));
	buf_add(tail, shs.p, shs.n);
	at += shs.n;
	{
		uint64_t pad = lk_align_up(at, 8) - at;
		static const uint8_t z[8];
		buf_add(tail, z, pad);
		at += pad;
	}
	*shoff = at;
	*shnum = (uint32_t)(sh.n / sizeof(Elf64_Shdr));
	buf_add(tail, sh.p, sh.n);
	free(st.p);
	free(str.p);
	free(sh.p);
	free(shs.p);
}

int lk_write(struct lk_ctx *c, uint64_t *file_bytes)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)c->out;
	struct buf tail = { 0 };
	uint64_t shoff, pad;
	uint32_t shnum;
	char *tmp;
	int fd, rc = 0;

	file_layout(c);
	build_tail(c, &tail, &shoff, &shnum);
	pad = lk_align_up(c->file_end, 8) - c->file_end;
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = c->entry_addr;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_shoff = shoff;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)c->nphdrs;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = (uint16_t)shnum;
	eh->e_shstrndx = (uint16_t)(shnum - 1);
	phdrs(c, (Elf64_Phdr *)(c->out + sizeof(Elf64_Ehdr)));

	tmp = lk_xasprintf("%s.tmpXXXXXX", c->opts->output);
	fd = mkstemp(tmp);
	if (fd < 0) {
		uk_errorf(c->err, "cannot create '%s': %s", c->opts->output,
			  strerror(errno));
		uk_hintf(c->err, "check that its folder exists and is writable");
		free(tmp);
		free(tail.p);
		return -1;
	}
	if (write_file(c, fd, (size_t)pad, &tail) < 0 || fchmod(fd, 0755) < 0)
		rc = uk_errorf(c->err, "cannot write '%s': %s", tmp,
			       strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = uk_errorf(c->err, "cannot write '%s': %s", tmp,
			       strerror(errno));
	if (rc == 0 && lk_publish(tmp, c->opts->output) < 0)
		rc = uk_errorf(c->err, "cannot rename '%s' to '%s': %s", tmp,
			       c->opts->output, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	*file_bytes = c->file_end + pad + tail.n;
	free(tmp);
	free(tail.p);
	return rc;
}
