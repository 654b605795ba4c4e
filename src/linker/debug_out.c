/* The separate debug file (opts->debug_path): the image as written (its
 * headers, segments and .symtab) followed by the .debug_* sections of the
 * loaded objects, concatenated by name in load order and relocated against
 * the final layout, with section headers of its own. The image itself is
 * never touched, so it is the same file whether or not this one is made.
 *
 * A relocation against a section that is not in the image (garbage
 * collected, or a discarded COMDAT copy) writes lld's tombstone, without
 * the addend: 1 in .debug_ranges and .debug_loc (0 would end their lists),
 * 0 elsewhere; gdb ignores code at 0, where nothing is loaded.
 *
 * It is made on a thread of its own, beside the image (started with the
 * link): the parts listed and copied once the inputs are loaded
 * (lk_debug_inputs), relocated once the layout is final (lk_debug_layout),
 * then, once the image
 * is published (lk_debug_image), the file: the image's bytes copied in the
 * kernel (copy_file_range), the sections written from where they lie
 * (input sections without relocations straight from the mapped object).
 * Each step is taken by whichever thread gets to it first, the job's or
 * the link's own in lk_debug_finish, so a loaded machine that has not run
 * the job's thread yet costs no wait. Both only read the link's state and
 * keep what they make in the job; lk_debug_finish returns once every step
 * is done and the thread joined, before the link's state is freed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/path.h"
#include "linker/internal.h"

/* one input section's place: its bytes at s->data, or relocated in copy */
struct dpart {
	const struct lk_sec *s;
	uint64_t off;        /* in its output section */
	uint8_t *copy;
	const uint64_t *dbg; /* its object's entries of the job's offs */
};

struct dsec {
	const char *name;
	uint64_t size, align;
	int tomb; /* the tombstone value (1 in .debug_ranges, .debug_loc) */
	struct dpart *v;
	size_t n, cap;
};

/* one thread's share: its symbol cache, its first error */
struct worker {
	uint64_t *val;  /* the symbol values of the object being relocated */
	uint8_t *known; /* 0: not yet; 1: val; 2: dead */
	size_t nval;
	const struct lk_obj *obj;
	size_t failed;  /* the todo index + 1 of its first failed part */
	struct uk_error err;
};

struct lk_debug_job {
	struct lk_ctx c; /* the link's, but for err: the thread's own */
	struct uk_error err;
	struct dsec *v;
	size_t n, cap;
	uint64_t *offs;   /* every loaded section, in load order: offset + 1 if
			   * it is a collected debug section, else 0 */
	uint8_t *scratch; /* the relocated parts' bytes */
	struct todo { uint32_t sec, part; size_t nrel; } *todo; /* parts to relocate */
	size_t ntodo, captodo;
	/* Each step is taken by whichever thread comes first: the job's or,
	 * once the report is made, the link's own (lk_debug_finish), so the
	 * link never waits for a thread that is not running; the parts are
	 * taken in turn by both. Under mu: */
	int collected; /* 0: not taken; 1: being made; 2: parts listed */
	int written;   /* the same for the file */
	size_t ndone;  /* parts relocated (or given up) */
	atomic_size_t next;
	struct worker w[2];
	pthread_t th;
	int threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int loaded; /* the inputs are: c is the link's (its objects final) */
	int laid;   /* the layout is final: c.tls_start set */
	int go;   /* 0: wait; 1: the image is published; -1: give up */
	int rc;
};

static int is_debug(const struct lk_sec *s)
{
	static const char pre[] = ".debug";
	size_t i;

	if (!(s->kind & LK_SK_DROP) || s->type != SHT_PROGBITS || s->discarded || !s->data)
		return 0;
	for (i = 0; i < sizeof(pre) - 1 && s->name[i] == pre[i]; i++)
		;
	return i == sizeof(pre) - 1;
}

static struct dsec *dsec_of(struct lk_debug_job *j, const char *name)
{
	struct dsec z = { 0 };

	for (size_t i = 0; i < j->n; i++)
		if (!strcmp(j->v[i].name, name))
			return &j->v[i];
	z.name = name;
	z.align = 1;
	z.tomb = !strcmp(name, ".debug_ranges") || !strcmp(name, ".debug_loc");
	lk_push(&j->v, &j->n, &j->cap, sizeof(z), &z);
	return &j->v[j->n - 1];
}

static uint64_t sym_value(const struct lk_obj *o, const uint64_t *dbg, uint32_t si, int *dead);

/* Places each input debug section in its output section (debug sections
 * have no address of their own: a symbol in one is its offset there). */
static void collect(struct lk_debug_job *j)
{
	size_t nsec = 0, k = 0, relocated = 0, at = 0;

	for (struct lk_obj *o = j->c.objs; o; o = o->next)
		nsec += o->shnum;
	j->offs = lk_xcalloc(nsec ? nsec : 1, sizeof(*j->offs));
	for (struct lk_obj *o = j->c.objs; o; k += o->shnum, o = o->next)
		for (uint32_t i = 1; i < o->shnum; i++) {
			const struct lk_sec *s = &o->secs[i];
			struct dpart p = { s, 0, NULL, j->offs + k };
			struct dsec *x;

			if (!is_debug(s))
				continue;
			x = dsec_of(j, s->name);
			x->size = lk_align_up(x->size, s->align);
			p.off = x->size;
			j->offs[k + i] = p.off + 1;
			x->size += s->size;
			if (s->align > x->align)
				x->align = s->align;
			if (s->rela) {
				struct todo t = { (uint32_t)(x - j->v), (uint32_t)x->n,
						  o->shdrs[s->rela].sh_size / sizeof(Elf64_Rela) };

				relocated += s->size;
				lk_push(&j->todo, &j->ntodo, &j->captodo, sizeof(t), &t);
			}
			lk_push(&x->v, &x->n, &x->cap, sizeof(p), &p);
		}
	j->scratch = lk_xcalloc(1, relocated ? relocated : 1);
	for (size_t i = 0; i < j->n; i++)
		for (size_t m = 0; m < j->v[i].n; m++)
			if (j->v[i].v[m].s->rela) {
				j->v[i].v[m].copy = j->scratch + at;
				memcpy(j->scratch + at, j->v[i].v[m].s->data, j->v[i].v[m].s->size);
				at += j->v[i].v[m].s->size;
			}
}

/* cached per object: most relocations name a few section symbols */
static uint64_t value_of(struct worker *w, const struct dpart *p, uint32_t si, int *dead)
{
	if (!w->known[si]) {
		w->val[si] = sym_value(p->s->obj, p->dbg, si, dead);
		w->known[si] = (uint8_t)(1 + *dead);
	}
	*dead = w->known[si] - 1;
	return w->val[si];
}

/* The value a relocation's symbol has in the debug file; 0 when its
 * section is not in the image (*dead set). dbg: the object's entries of
 * offs. */
static uint64_t sym_value(const struct lk_obj *o, const uint64_t *dbg, uint32_t si, int *dead)
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
	if (s->live && s->osec) /* a debug section never is */
		return lk_sec_addr(s, y->st_value); /* also merged or folded */
	if (dbg[y->st_shndx])
		return dbg[y->st_shndx] - 1 + y->st_value;
	*dead = 1;
	return 0;
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

static int reloc_err(struct uk_error *err, const struct lk_sec *s, uint64_t off,
		     uint32_t type, const char *what)
{
	uk_errorf(err, "%s: section '%s' offset 0x%llx: %s: %s", s->obj->display, s->name,
		  (unsigned long long)off, lk_reloc_name(type), what);
	return uk_hintf(err, "link without the debug file, or rebuild the object");
}

static int relocate(struct lk_debug_job *j, struct worker *wk, const struct dsec *x,
		    const struct dpart *p)
{
	struct uk_error *err = &wk->err;
	const struct lk_sec *s = p->s;
	const struct lk_obj *o = s->obj;
	const Elf64_Shdr *h = &o->shdrs[s->rela]; /* checked when loaded */
	const Elf64_Rela *r = (const void *)(o->data + h->sh_offset);
	size_t n = h->sh_size / sizeof(*r);

	for (size_t k = 0; k < n; k++) {
		uint32_t type = ELF64_R_TYPE(r[k].r_info);
		uint32_t si = (uint32_t)ELF64_R_SYM(r[k].r_info);
		uint64_t off = r[k].r_offset, v;
		int dead, w = type == R_X86_64_64 || type == R_X86_64_DTPOFF64 ? 8 : 4;
		uint8_t *loc = p->copy + off;

		if (type == R_X86_64_NONE)
			continue;
		if (off > s->size || (uint64_t)w > s->size - off)
			return reloc_err(err, s, off, type, "offset outside the section");
		if (ELF64_R_SYM(r[k].r_info) >= o->nsyms)
			return reloc_err(err, s, off, type, "symbol outside the symbol table");
		v = value_of(wk, p, si, &dead);
		if (dead) {
			put(loc, (uint64_t)x->tomb, w);
			continue;
		}
		v += (uint64_t)r[k].r_addend;
		switch (type) {
		case R_X86_64_64:
			break;
		case R_X86_64_32:
			if (v > UINT32_MAX)
				return reloc_err(err, s, off, type, "value does not fit");
			break;
		case R_X86_64_DTPOFF32:
		case R_X86_64_DTPOFF64:
			v -= j->c.tls_start; /* offset in the TLS block */
			break;
		default:
			return reloc_err(err, s, off, type,
					 "relocation type not supported in debug sections");
		}
		put(loc, v, w);
	}
	return 0;
}

/* Takes parts until none is left; each fails alone (its error kept when
 * it is the first in todo's order, so the message does not depend on
 * which thread took what). */
static void work(struct lk_debug_job *j, struct worker *w)
{
	size_t t, n = 0;

	while ((t = atomic_fetch_add(&j->next, 1)) < j->ntodo) {
		const struct dsec *x = &j->v[j->todo[t].sec];
		const struct dpart *p = &x->v[j->todo[t].part];
		const struct lk_obj *o = p->s->obj;
		struct uk_error e = w->err;

		if (o != w->obj) {
			if (o->nsyms > w->nval) {
				free(w->val);
				free(w->known);
				w->nval = o->nsyms;
				w->val = lk_xcalloc(w->nval, sizeof(*w->val));
				w->known = lk_xcalloc(w->nval, 1);
			} else {
				memset(w->known, 0, o->nsyms);
			}
			w->obj = o;
		}
		if (relocate(j, w, x, p) < 0) {
			if (!w->failed || t + 1 < w->failed)
				w->failed = t + 1;
			else
				w->err = e;
		}
		n++;
	}
	pthread_mutex_lock(&j->mu);
	j->ndone += n;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

/* the most relocations first, so that the last to be taken are short */
static int cmp_todo(const void *a, const void *b)
{
	const struct todo *x = a, *y = b;

	if (x->nrel != y->nrel)
		return x->nrel < y->nrel ? 1 : -1;
	return x->sec != y->sec ? (x->sec < y->sec ? -1 : 1) : (x->part < y->part ? -1 : x->part > y->part);
}

/* The error of the first failed part in todo's order, else 0. */
static int parts_result(struct lk_debug_job *j)
{
	struct worker *f = NULL;

	for (int i = 0; i < 2; i++)
		if (j->w[i].failed && (!f || j->w[i].failed < f->failed))
			f = &j->w[i];
	if (!f)
		return 0;
	j->err = f->err;
	return -1;
}

struct iovs {
	struct iovec *v;
	size_t n, cap;
	uint64_t at; /* the file offset the next byte lands at */
};

static void iov_add(struct iovs *w, const void *p, size_t len)
{
	struct iovec e = { (void *)p, len };

	if (!len)
		return;
	lk_push(&w->v, &w->n, &w->cap, sizeof(e), &e);
	w->at += len;
}

static void iov_zeros(struct iovs *w, uint64_t len)
{
	static const uint8_t z[4096];

	for (; len > sizeof(z); len -= sizeof(z))
		iov_add(w, z, sizeof(z));
	iov_add(w, z, (size_t)len);
}

static void iov_align(struct iovs *w, uint64_t align)
{
	iov_zeros(w, lk_align_up(w->at, align) - w->at);
}

static int writev_all(int fd, struct iovec *v, size_t n)
{
	while (n) {
		ssize_t got = writev(fd, v, (int)(n > IOV_MAX ? IOV_MAX : n));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		while (n && (size_t)got >= v->iov_len) {
			got -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n) {
			v->iov_base = (uint8_t *)v->iov_base + got;
			v->iov_len -= (size_t)got;
		}
	}
	return 0;
}

static int pread_all(int fd, void *p, size_t n, off_t at)
{
	while (n) {
		ssize_t got = pread(fd, p, n, at);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p = (uint8_t *)p + got;
		n -= (size_t)got;
		at += got;
	}
	return 0;
}

/* The image's first n bytes to out's start, in the kernel where it can. */
static int copy_head(int in, int out, uint64_t n)
{
	loff_t at = 0;
	uint8_t buf[65536];

	while ((uint64_t)at < n) {
		ssize_t got = copy_file_range(in, &at, out, NULL, (size_t)(n - (uint64_t)at), 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* not here (another file system, an old kernel) */
	}
	while ((uint64_t)at < n) {
		size_t want = n - (uint64_t)at > sizeof(buf) ? sizeof(buf) : (size_t)(n - (uint64_t)at);
		struct iovec v = { buf, want };

		if (pread_all(in, buf, want, at) < 0 || writev_all(out, &v, 1) < 0)
			return -1;
		at += (loff_t)want;
	}
	return 0;
}

/* The image's headers: its ELF header, section headers and .shstrtab. */
static int read_heads(struct lk_ctx *c, int fd, Elf64_Ehdr *eh, Elf64_Shdr **sh,
		      char **shs, size_t *nshs)
{
	const char *path = c->opts->output;
	struct stat st;
	uint64_t len;
	const Elf64_Shdr *t;

	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(*eh) ||
	    pread_all(fd, eh, sizeof(*eh), 0) < 0)
		return uk_errorf(c->err, "cannot read '%s' back: %s", path, strerror(errno));
	len = (uint64_t)st.st_size;
	if (eh->e_shnum < 2 || eh->e_shstrndx != eh->e_shnum - 1 || eh->e_shoff > len ||
	    (len - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return uk_errorf(c->err, "'%s': unexpected section headers", path);
	*sh = lk_xcalloc(eh->e_shnum, sizeof(**sh));
	if (pread_all(fd, *sh, eh->e_shnum * sizeof(**sh), (off_t)eh->e_shoff) < 0)
		return uk_errorf(c->err, "cannot read '%s' back: %s", path, strerror(errno));
	t = &(*sh)[eh->e_shstrndx];
	if (t->sh_offset > len || t->sh_size > len - t->sh_offset)
		return uk_errorf(c->err, "'%s': unexpected .shstrtab", path);
	*nshs = (size_t)t->sh_size;
	*shs = lk_xcalloc(1, *nshs + 1);
	if (pread_all(fd, *shs, *nshs, (off_t)t->sh_offset) < 0)
		return uk_errorf(c->err, "cannot read '%s' back: %s", path, strerror(errno));
	return 0;
}

/* image[0, e_shoff) + debug sections + .shstrtab + the image's section
 * headers less its .shstrtab (the last), the debug ones, the new .shstrtab */
static int write_out(struct lk_debug_job *j, int img, int fd)
{
	struct lk_ctx *c = &j->c;
	Elf64_Ehdr eh;
	Elf64_Shdr *oldsh = NULL, *h = NULL;
	char *shs = NULL;
	size_t nshs = 0, nsh, names;
	struct iovs w = { 0 };
	uint64_t head;
	int rc = 0;

	if (read_heads(c, img, &eh, &oldsh, &shs, &nshs) < 0) {
		free(oldsh);
		free(shs);
		return -1;
	}
	nsh = eh.e_shnum + j->n;
	if (nsh >= SHN_LORESERVE) {
		free(oldsh);
		free(shs);
		return uk_errorf(c->err, "too many debug sections");
	}
	head = eh.e_shoff;
	h = lk_xcalloc(j->n + 1, sizeof(*h));
	for (size_t i = 0; i < j->n; i++) {
		size_t len = strlen(j->v[i].name) + 1;

		h[i].sh_name = (uint32_t)nshs;
		shs = realloc(shs, nshs + len + 16);
		if (!shs)
			abort();
		memcpy(shs + nshs, j->v[i].name, len);
		nshs += len;
	}
	names = nshs;
	shs = realloc(shs, nshs + 16);
	if (!shs)
		abort();
	memcpy(shs + nshs, ".shstrtab", 10);
	nshs += 10;
	w.at = eh.e_shoff;
	for (size_t i = 0; i < j->n; i++) {
		const struct dsec *x = &j->v[i];
		uint64_t start;

		iov_align(&w, x->align);
		start = w.at;
		for (size_t m = 0; m < x->n; m++) {
			const struct dpart *p = &x->v[m];

			iov_zeros(&w, start + p->off - w.at);
			iov_add(&w, p->copy ? p->copy : p->s->data, (size_t)p->s->size);
		}
		iov_zeros(&w, start + x->size - w.at);
		h[i].sh_type = SHT_PROGBITS;
		h[i].sh_offset = start;
		h[i].sh_size = x->size;
		h[i].sh_addralign = x->align;
	}
	h[j->n].sh_name = (uint32_t)names;
	h[j->n].sh_type = SHT_STRTAB;
	h[j->n].sh_offset = w.at;
	h[j->n].sh_size = nshs;
	h[j->n].sh_addralign = 1;
	iov_add(&w, shs, nshs);
	iov_align(&w, 8);
	eh.e_shoff = w.at;
	iov_add(&w, oldsh, (eh.e_shnum - 1) * sizeof(Elf64_Shdr));
	iov_add(&w, h, (j->n + 1) * sizeof(*h));
	eh.e_shnum = (uint16_t)nsh;
	eh.e_shstrndx = (uint16_t)(nsh - 1);
	if (copy_head(img, fd, head) < 0 || writev_all(fd, w.v, w.n) < 0 ||
	    pwrite(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
		rc = uk_errorf(c->err, "cannot write '%s': %s", c->opts->debug_path,
			       strerror(errno));
	free(w.v);
	free(oldsh);
	free(shs);
	free(h);
	return rc;
}

/* The file beside a temporary name, renamed into place when whole. */
static int write_file(struct lk_debug_job *j)
{
	struct lk_ctx *c = &j->c;
	const char *path = c->opts->debug_path;
	char *tmp = lk_xasprintf("%s.tmpXXXXXX", path);
	int img = open(c->opts->output, O_RDONLY | O_CLOEXEC);
	int fd = img < 0 ? -1 : mkostemp(tmp, O_CLOEXEC), rc = 0;

	if (img < 0) {
		free(tmp);
		return uk_errorf(c->err, "cannot read '%s' back: %s", c->opts->output,
				 strerror(errno));
	}
	if (fd < 0) {
		uk_errorf(c->err, "cannot create '%s': %s", path, strerror(errno));
		close(img);
		free(tmp);
		return -1;
	}
	rc = write_out(j, img, fd);
	if (rc == 0 && fchmod(fd, 0644) < 0)
		rc = uk_errorf(c->err, "cannot write '%s': %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = uk_errorf(c->err, "cannot write '%s': %s", tmp, strerror(errno));
	close(img);
	if (rc == 0 && lk_publish(tmp, path) < 0)
		rc = uk_errorf(c->err, "cannot rename '%s' to '%s': %s", tmp, path,
			       strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* With mu held, and held again on return: the parts listed, by this
 * thread unless another has taken that (none when the link gave up). */
static void take_collect(struct lk_debug_job *j)
{
	if (!j->collected) {
		int gave_up = j->go < 0;

		j->collected = 1;
		pthread_mutex_unlock(&j->mu);
		if (!gave_up) {
			collect(j);
			if (j->ntodo > 1)
				qsort(j->todo, j->ntodo, sizeof(*j->todo), cmp_todo);
		}
		pthread_mutex_lock(&j->mu);
		j->collected = 2;
		pthread_cond_broadcast(&j->cv);
	}
	while (j->collected != 2)
		pthread_cond_wait(&j->cv, &j->mu);
}

/* With mu held, and held again on return: every part relocated and the
 * image's fate known, the file written, by this thread unless another has
 * taken that. */
static void take_write(struct lk_debug_job *j)
{
	while (j->ndone < j->ntodo || !j->go)
		pthread_cond_wait(&j->cv, &j->mu);
	if (!j->written) {
		int go = j->go;

		j->written = 1;
		pthread_mutex_unlock(&j->mu);
		j->rc = parts_result(j);
		if (j->rc == 0 && go > 0)
			j->rc = write_file(j);
		pthread_mutex_lock(&j->mu);
		j->written = 2;
		pthread_cond_broadcast(&j->cv);
	}
	while (j->written != 2)
		pthread_cond_wait(&j->cv, &j->mu);
}

/* The parts not yet taken, counted as done without being made. */
static void give_up_parts(struct lk_debug_job *j)
{
	size_t t = atomic_exchange(&j->next, j->ntodo);

	if (t < j->ntodo) {
		pthread_mutex_lock(&j->mu);
		j->ndone += j->ntodo - t;
		pthread_cond_broadcast(&j->cv);
		pthread_mutex_unlock(&j->mu);
	}
}

/* What either thread does: the relocations need the layout only; the
 * file, the published image. */
static void run_job(struct lk_debug_job *j, struct worker *w)
{
	pthread_mutex_lock(&j->mu);
	while (!j->loaded && j->go >= 0)
		pthread_cond_wait(&j->cv, &j->mu);
	if (j->loaded) { /* else the link failed before that */
		take_collect(j);
		while (!j->laid && j->go >= 0)
			pthread_cond_wait(&j->cv, &j->mu);
	}
	if (j->laid) {
		int gave_up = j->go < 0;

		pthread_mutex_unlock(&j->mu);
		if (gave_up)
			give_up_parts(j);
		work(j, w);
		pthread_mutex_lock(&j->mu);
		take_write(j);
	}
	pthread_mutex_unlock(&j->mu);
}

static void *job_thread(void *arg)
{
	struct lk_debug_job *j = arg;

	run_job(j, &j->w[0]);
	return NULL;
}

/* Started with the link, so that the thread is running by its layout. */
void lk_debug_start(struct lk_ctx *c)
{
	struct lk_debug_job *j = lk_xcalloc(1, sizeof(*j));

	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	c->debug_job = j;
	/* without a thread, lk_debug_finish does it all */
	j->threaded = pthread_create(&j->th, NULL, job_thread, j) == 0;
}

void lk_debug_inputs(struct lk_ctx *c)
{
	struct lk_debug_job *j = c->debug_job;

	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->c = *c; /* its objects and their sections are read only from here */
	j->c.err = &j->err;
	j->loaded = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

/* Addresses are read only from here; the one field of the state itself
 * that the relocations use is copied. */
void lk_debug_layout(struct lk_ctx *c)
{
	struct lk_debug_job *j = c->debug_job;

	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->c.tls_start = c->tls_start;
	j->laid = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

void lk_debug_image(struct lk_ctx *c, int written)
{
	struct lk_debug_job *j = c->debug_job;

	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	if (!j->go)
		j->go = written ? 1 : -1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

int lk_debug_finish(struct lk_ctx *c)
{
	struct lk_debug_job *j = c->debug_job;
	int rc;

	if (!j)
		return 0;
	lk_debug_image(c, 0); /* gives up unless the image was written */
	run_job(j, &j->w[1]);
	if (j->threaded)
		pthread_join(j->th, NULL); /* it has nothing left to do */
	rc = j->go > 0 ? j->rc : 0;
	if (rc < 0)
		*c->err = j->err;
	for (size_t i = 0; i < j->n; i++)
		free(j->v[i].v);
	free(j->v);
	free(j->offs);
	free(j->scratch);
	free(j->todo);
	for (int i = 0; i < 2; i++) {
		free(j->w[i].val);
		free(j->w[i].known);
	}
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
	c->debug_job = NULL;
	return rc;
}
