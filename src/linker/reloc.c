/* x86_64 relocations (System V psABI), applied to the output image. GOT
 * loads of defined symbols are relaxed to direct forms where the
 * instruction allows; TLS general- and local-dynamic sequences and
 * initial-exec loads are relaxed to local-exec, since the output is a
 * static executable. Anything else, or a value that does not fit, is an
 * error naming the file, section, offset and symbol. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linker/internal.h"

struct tgt {
	uint64_t S;
	int defined, abs, tls, ifunc;
	struct lk_sym *g;
	const char *name;
	uint64_t size;
};

/* A section symbol into merged pieces names the piece at its value plus
 * the addend (which then counts no more), like ld.bfd and lld. */
static void target(struct lk_ctx *c, const struct lk_obj *o, uint32_t si,
		   int64_t *A, struct tgt *t)
{
	const Elf64_Sym *y = &o->syms[si];

	(void)c;
	memset(t, 0, sizeof(*t));
	t->g = o->gsyms ? o->gsyms[si] : NULL;
	if (t->g) {
		struct lk_sym *g = t->g;
		t->name = g->name;
		t->defined = g->state == LK_DEFINED;
		t->abs = g->is_abs;
		t->tls = g->type == STT_TLS;
		t->ifunc = g->type == STT_GNU_IFUNC;
		t->S = lk_sym_addr(g);
		t->size = g->size;
		return;
	}
	t->name = lk_sym_name(o, y);
	t->size = y->st_size;
	t->tls = ELF64_ST_TYPE(y->st_info) == STT_TLS;
	t->ifunc = ELF64_ST_TYPE(y->st_info) == STT_GNU_IFUNC;
	if (y->st_shndx == SHN_ABS) {
		t->defined = t->abs = 1;
		t->S = y->st_value;
	} else if (y->st_shndx != SHN_UNDEF && y->st_shndx < SHN_LORESERVE) {
		const struct lk_sec *s = &o->secs[y->st_shndx];
		t->defined = 1;
		if (s->pieces && ELF64_ST_TYPE(y->st_info) == STT_SECTION) {
			t->S = lk_sec_addr(s, y->st_value + (uint64_t)*A);
			*A = 0;
		} else {
			t->S = lk_sec_addr(s, y->st_value);
		}
		if (!*t->name)
			t->name = s->name;
		if (s->flags & SHF_TLS)
			t->tls = 1;
	}
}

static int rel_err(struct lk_ctx *c, const struct lk_sec *s, uint64_t off,
		   uint32_t type, const char *sym, const char *what)
{
	uk_errorf(c->err, "%s: section '%s' offset 0x%llx: %s against '%s': %s",
		  s->obj->display, s->name, (unsigned long long)off,
		  lk_reloc_name(type), sym ? sym : "?", what);
	if (strstr(what, "fit"))
		uk_hintf(c->err, "32-bit fields need the image below 2 GiB: "
				 "use a lower --base, or build the object "
				 "with -mcmodel=large");
	else if (strstr(what, "unsupported") || strstr(what, "not supported"))
		uk_hintf(c->err, "uk links static x86_64 code: rebuild the "
				 "object with -fno-pic or -fpie, without IFUNC");
	else
		uk_hintf(c->err, "the object looks corrupt: rebuild it");
	return -1;
}

/* mov foo@GOTPCREL(%rip),%reg, call *foo@GOTPCREL(%rip) and
 * jmp *foo@GOTPCREL(%rip) can name foo directly */
static int gotpcrelx_ok(const struct lk_sec *s, uint64_t off, uint32_t type,
			const struct tgt *t)
{
	if (type == R_X86_64_GOTPCREL || !t->defined || t->abs || off < 2)
		return 0;
	if (s->data[off - 2] == 0x8b)
		return 1;
	if (s->data[off - 2] == 0xff &&
	    (s->data[off - 1] == 0x15 || s->data[off - 1] == 0x25))
		return 1;
	return 0;
}

static int gottpoff_ok(const struct lk_sec *s, uint64_t off,
		       const struct tgt *t)
{
	if (!t->defined || off < 3)
		return 0;
	return (s->data[off - 3] == 0x48 || s->data[off - 3] == 0x4c) &&
	       (s->data[off - 2] == 0x8b || s->data[off - 2] == 0x03) &&
	       (s->data[off - 1] & 0xc7) == 0x05;
}

static int new_got(struct lk_ctx *c, struct lk_sym *g, int tp)
{
	struct lk_got e = { g, tp };

	lk_push(&c->got, &c->ngot, &c->capgot, sizeof(e), &e);
	return (int)c->ngot - 1;
}

static int fits_width(uint32_t type, uint64_t off, uint64_t size)
{
	uint64_t w;

	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
	case R_X86_64_SIZE64:
	case R_X86_64_TPOFF64:
	case R_X86_64_DTPOFF64:
		w = 8;
		break;
	default:
		w = 4;
	}
	return off <= size && w <= size - off;
}

int lk_scan_got(struct lk_ctx *c)
{
	struct lk_obj *o;
	uint32_t i;

	for (o = c->objs; o; o = o->next)
		for (i = 1; i < o->shnum; i++) {
			struct lk_sec *s = &o->secs[i];
			const Elf64_Rela *r;
			size_t n, k;

			if (!s->live || !s->rela || s->into)
				continue; /* a folded copy's relocations go unused */
			if (lk_rela_get(c, s, &r, &n) < 0)
				return -1;
			for (k = 0; k < n; k++) {
				uint32_t type = ELF64_R_TYPE(r[k].r_info);
				uint64_t off = r[k].r_offset;
				struct tgt t;
				int64_t A = r[k].r_addend;

				if (type == R_X86_64_GOTOFF64 ||
				    type == R_X86_64_GOTPC32 ||
				    type == R_X86_64_GOTPC64)
					c->need_got = 1;
				if (type != R_X86_64_GOTPCREL &&
				    type != R_X86_64_GOTPCRELX &&
				    type != R_X86_64_REX_GOTPCRELX &&
				    type != R_X86_64_GOTTPOFF)
					continue;
				if (!s->data || !fits_width(type, off, s->size))
					return rel_err(c, s, off, type, "?",
						       "offset outside the "
						       "section");
				target(c, o, (uint32_t)ELF64_R_SYM(r[k].r_info),
				       &A, &t);
				if (type == R_X86_64_GOTTPOFF) {
					if (gottpoff_ok(s, off, &t))
						continue;
					if (!t.g)
						return rel_err(c, s, off, type,
							       t.name,
							       "unsupported "
							       "instruction");
					if (t.g->gottp < 0)
						t.g->gottp = new_got(c, t.g, 1);
					continue;
				}
				if (gotpcrelx_ok(s, off, type, &t))
					continue;
				if (!t.g)
					return rel_err(c, s, off, type, t.name,
						       "GOT entry for a local "
						       "symbol is unsupported");
				if (t.g->got < 0)
					t.g->got = new_got(c, t.g, 0);
			}
		}
	return 0;
}

static void w32(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void w64(uint8_t *p, uint64_t v)
{
	w32(p, v);
	w32(p + 4, v >> 32);
}

static int fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

struct site {
	struct lk_ctx *c;
	const struct lk_sec *s;
	const Elf64_Rela *r;
	size_t n, *k;
	uint8_t *loc;
	uint64_t off, P;
	int64_t A;
	uint32_t type;
	struct tgt t;
};

static int put_s32(struct site *x, int64_t v)
{
	if (!fits_s32(v))
		return rel_err(x->c, x->s, x->off, x->type, x->t.name,
			       "value does not fit in a signed 32-bit field");
	w32(x->loc, (uint64_t)v);
	return 0;
}

static uint64_t got_addr(struct lk_ctx *c, int slot)
{
	return c->got_osec->addr + 8 * (uint64_t)slot;
}

static int tls_seq(struct site *x, int gd)
{
	static const uint8_t gd_in[] = { 0x66, 0x48, 0x8d, 0x3d };
	static const uint8_t gd_call[] = { 0x66, 0x66, 0x48, 0xe8 };
	static const uint8_t ld_in[] = { 0x48, 0x8d, 0x3d };
	static const uint8_t gd_out[] = { 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0,
					  0, 0, 0x48, 0x8d, 0x80 };
	static const uint8_t ld_out[] = { 0x66, 0x66, 0x66, 0x64, 0x48, 0x8b,
					  0x04, 0x25, 0, 0, 0, 0 };
	const uint8_t *d = x->s->data;
	uint64_t o = x->off, next = gd ? o + 8 : o + 5;
	size_t k = *x->k;

	if (gd ? (o < 4 || o + 12 > x->s->size || memcmp(d + o - 4, gd_in, 4) ||
		  memcmp(d + o + 4, gd_call, 4))
	       : (o < 3 || o + 9 > x->s->size || memcmp(d + o - 3, ld_in, 3) ||
		  d[o + 4] != 0xe8))
		return rel_err(x->c, x->s, x->off, x->type, x->t.name,
			       "instruction sequence is not the one the psABI "
			       "defines; cannot relax to local-exec");
	if (k + 1 >= x->n || x->r[k + 1].r_offset != next ||
	    (ELF64_R_TYPE(x->r[k + 1].r_info) != R_X86_64_PLT32 &&
	     ELF64_R_TYPE(x->r[k + 1].r_info) != R_X86_64_PC32))
		return rel_err(x->c, x->s, x->off, x->type, x->t.name,
			       "not followed by a call to __tls_get_addr");
	(*x->k)++; /* the call is gone */
	if (gd) {
		memcpy(x->loc - 4, gd_out, sizeof(gd_out));
		x->loc += 8;
		return put_s32(x, (int64_t)(x->t.S - x->c->tls_end));
	}
	memcpy(x->loc - 3, ld_out, sizeof(ld_out));
	return 0;
}

static int apply_one(struct site *x)
{
	struct lk_ctx *c = x->c;
	struct tgt *t = &x->t;
	uint64_t S = t->S, P = x->P;
	int64_t A = x->A;
	uint64_t v;

	switch (x->type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		w64(x->loc, S + (uint64_t)A);
		return 0;
	case R_X86_64_32:
		v = S + (uint64_t)A;
		if (v > UINT32_MAX)
			return rel_err(c, x->s, x->off, x->type, t->name,
				       "value does not fit in an unsigned "
				       "32-bit field");
		w32(x->loc, v);
		return 0;
	case R_X86_64_32S:
		return put_s32(x, (int64_t)(S + (uint64_t)A));
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return put_s32(x, (int64_t)(S + (uint64_t)A - P));
	case R_X86_64_PC64:
		w64(x->loc, S + (uint64_t)A - P);
		return 0;
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		if (gotpcrelx_ok(x->s, x->off, x->type, t)) {
			if (x->s->data[x->off - 2] == 0x8b) {
				x->loc[-2] = 0x8d; /* mov -> lea */
			} else if (x->s->data[x->off - 1] == 0x15) {
				x->loc[-2] = 0x67; /* addr32 call */
				x->loc[-1] = 0xe8;
			} else {
				x->loc[-2] = 0x90; /* nop; jmp */
				x->loc[-1] = 0xe9;
			}
			return put_s32(x, (int64_t)(S + (uint64_t)A - P));
		}
		return put_s32(x, (int64_t)(got_addr(c, t->g->got) +
					    (uint64_t)A - P));
	case R_X86_64_TPOFF32:
	case R_X86_64_DTPOFF32:
		return put_s32(x, (int64_t)(S + (uint64_t)A - c->tls_end));
	case R_X86_64_TPOFF64:
	case R_X86_64_DTPOFF64:
		w64(x->loc, S + (uint64_t)A - c->tls_end);
		return 0;
	case R_X86_64_GOTTPOFF:
		if (gottpoff_ok(x->s, x->off, t)) {
			uint8_t modrm = x->s->data[x->off - 1];
			if (x->loc[-3] == 0x4c)
				x->loc[-3] = 0x49; /* REX.R -> REX.B */
			x->loc[-2] = x->loc[-2] == 0x8b ? 0xc7 : 0x81;
			x->loc[-1] = (uint8_t)(0xc0 | ((modrm >> 3) & 7));
			return put_s32(x, (int64_t)(S - c->tls_end));
		}
		return put_s32(x, (int64_t)(got_addr(c, t->g->gottp) +
					    (uint64_t)A - P));
	case R_X86_64_GOTOFF64:
		w64(x->loc, S + (uint64_t)A - c->got_osec->addr);
		return 0;
	case R_X86_64_GOTPC32:
		return put_s32(x, (int64_t)(c->got_osec->addr + (uint64_t)A - P));
	case R_X86_64_GOTPC64:
		w64(x->loc, c->got_osec->addr + (uint64_t)A - P);
		return 0;
	case R_X86_64_TLSGD:
		return tls_seq(x, 1);
	case R_X86_64_TLSLD:
		return tls_seq(x, 0);
	case R_X86_64_SIZE32:
		v = t->size + (uint64_t)A;
		if (v > UINT32_MAX)
			return rel_err(c, x->s, x->off, x->type, t->name,
				       "size does not fit in 32 bits");
		w32(x->loc, v);
		return 0;
	case R_X86_64_SIZE64:
		w64(x->loc, t->size + (uint64_t)A);
		return 0;
	default:
		return rel_err(c, x->s, x->off, x->type, t->name,
			       "unsupported relocation type");
	}
}

static int check_tls(struct site *x)
{
	int tls_type = x->type == R_X86_64_TPOFF32 ||
		       x->type == R_X86_64_TPOFF64 ||
		       x->type == R_X86_64_GOTTPOFF ||
		       x->type == R_X86_64_TLSGD ||
		       x->type == R_X86_64_DTPOFF32 ||
		       x->type == R_X86_64_DTPOFF64;
	int neutral = x->type == R_X86_64_NONE || x->type == R_X86_64_TLSLD ||
		      x->type == R_X86_64_SIZE32 || x->type == R_X86_64_SIZE64;

	if (neutral || !x->t.defined)
		return 0;
	if (tls_type && !x->t.tls)
		return rel_err(x->c, x->s, x->off, x->type, x->t.name,
			       "non-TLS symbol used by a TLS relocation");
	if (!tls_type && x->t.tls)
		return rel_err(x->c, x->s, x->off, x->type, x->t.name,
			       "TLS symbol used by a non-TLS relocation");
	return 0;
}

static int relocate_sec(struct lk_ctx *c, const struct lk_sec *s)
{
	const Elf64_Rela *r;
	size_t n, k;

	if (lk_rela_get(c, s, &r, &n) < 0)
		return -1;
	if (n && !s->data)
		return uk_errorf(c->err, "%s: section '%s' has no contents but "
				 "has relocations", s->obj->display, s->name);
	for (k = 0; k < n; k++) {
		struct site x = { .c = c, .s = s, .r = r, .n = n, .k = &k };

		x.type = ELF64_R_TYPE(r[k].r_info);
		x.off = r[k].r_offset;
		x.A = r[k].r_addend;
		target(c, s->obj, (uint32_t)ELF64_R_SYM(r[k].r_info), &x.A,
		       &x.t);
		if (!fits_width(x.type, x.off, s->size))
			return rel_err(c, s, x.off, x.type, x.t.name,
				       "offset outside the section");
		if (check_tls(&x) < 0)
			return -1;
		if (x.t.ifunc && x.type != R_X86_64_NONE)
			return rel_err(c, s, x.off, x.type, x.t.name,
				       "IFUNC symbols are not supported");
		x.P = s->addr + x.off;
		x.loc = c->out + (s->addr - c->base) + x.off;
		if (apply_one(&x) < 0)
			return -1;
	}
	return 0;
}

int lk_relocate(struct lk_ctx *c)
{
	size_t i;

	c->out_size = (size_t)(c->img_end - c->base);
	/* in the arena: zero already (no clearing of the image's gaps), and
	 * freed with the link */
	c->out = lk_arena_alloc(&c->arena, c->out_size ? c->out_size : 1);
	for (i = 0; i < c->nosecs; i++) {
		struct lk_sec *s;
		for (s = c->osecs[i]->first; s; s = s->next)
			if (s->data && s->type != SHT_NOBITS)
				memcpy(c->out + (s->addr - c->base), s->data,
				       s->size);
	}
	for (i = 0; i < c->nosecs; i++) {
		struct lk_sec *s;
		for (s = c->osecs[i]->first; s; s = s->next)
			if (s->rela && relocate_sec(c, s) < 0)
				return -1;
	}
	if (c->ukst_size)
		memcpy(c->out + (c->ukst_osec->addr - c->base), c->ukst,
		       c->ukst_size);
	for (i = 0; i < c->ngot; i++) {
		const struct lk_sym *g = c->got[i].sym;
		uint64_t v = lk_sym_addr(g);

		if (c->got[i].tp)
			v -= c->tls_end;
		w64(c->out + (got_addr(c, (int)i) - c->base), v);
	}
	return 0;
}
