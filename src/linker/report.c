/* --report FILE: the link as JSON (inputs, entry, kept and removed
 * sections with sizes, totals, link time), written atomically. The whole
 * report, streamed: compact JSON with one section a line, formatted here
 * into one buffer and written once (a tree of JSON values, indented, cost
 * seven times the link itself at SQLite's size). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/path.h"
#include "linker/internal.h"

struct out {
	char *p;
	size_t n, cap;
};

static void reserve(struct out *b, size_t more)
{
	if (b->n + more <= b->cap)
		return;
	while (b->n + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : 65536;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		abort();
}

/* The _u writers assume room was reserved: sec() reserves once for all
 * it writes, so a section costs a few copies and no checks. */
static void raw_u(struct out *b, const char *s, size_t len)
{
	memcpy(b->p + b->n, s, len);
	b->n += len;
}

static void raw(struct out *b, const char *s, size_t len)
{
	reserve(b, len);
	raw_u(b, s, len);
}

#define LIT_U(b, s) raw_u(b, s, sizeof(s) - 1)
#define LIT(b, s) raw(b, s, sizeof(s) - 1)

static void num_u(struct out *b, uint64_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char t[24];
	size_t k = sizeof(t);

	for (; v >= 100; v /= 100) { /* two digits a division */
		k -= 2;
		memcpy(t + k, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10) {
		k -= 2;
		memcpy(t + k, pairs + 2 * v, 2);
	} else {
		t[--k] = (char)('0' + v);
	}
	raw_u(b, t + k, sizeof(t) - k);
}

static void num(struct out *b, uint64_t v)
{
	reserve(b, 24);
	num_u(b, v);
}

/* printable ASCII but '"' (0x22) and '\\' (0x5c) */
static const uint8_t plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/* Eight bytes that are all printable ASCII but '"' and '\\' (exact, as a
 * test of the whole word: bit tricks for a byte below 0x20, above 0x7e,
 * or equal to either). */
static int plain8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');

	return !(((x - ones * 0x20) & ~x & high) | (((x + ones * (0x7f - 0x7e)) | x) & high) |
		 ((q - ones) & ~q & high) | ((bs - ones) & ~bs & high));
}

/* A JSON string, at most 6 * len + 2 bytes (s has len bytes before its
 * NUL); bytes that are not printable ASCII become \u00XX, so the report
 * stays valid UTF-8 whatever the inputs' names hold. Eight plain bytes are
 * copied at once (the byte loop was a third of rendering SQLite's). */
static void str_u(struct out *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	b->p[b->n++] = '"';
	for (;;) {
		const unsigned char *q = p;
		uint64_t x;

		while (end - q >= 8 && (memcpy(&x, q, 8), plain8(x)))
			q += 8;
		while (plain[*q])
			q++;
		raw_u(b, (const char *)p, (size_t)(q - p));
		if (!*q)
			break;
		if (*q == '"' || *q == '\\') {
			b->p[b->n++] = '\\';
			b->p[b->n++] = (char)*q;
		} else {
			memcpy(b->p + b->n, "\\u00", 4);
			b->p[b->n + 4] = hex[*q >> 4];
			b->p[b->n + 5] = hex[*q & 15];
			b->n += 6;
		}
		p = q + 1;
	}
	b->p[b->n++] = '"';
}

static void str(struct out *b, const char *s)
{
	size_t len = strlen(s);

	reserve(b, 6 * len + 2);
	str_u(b, s, len);
}

static void key_num(struct out *b, const char *k, uint64_t v, int comma)
{
	str(b, k);
	LIT(b, ":");
	num(b, v);
	if (comma)
		LIT(b, ",");
}

/* in: the section's input, already a JSON string (one per object); outs:
 * each output section's name as one, by section header index */
static void sec(struct out *b, const struct lk_sec *s, const struct out *in,
		const struct out *outs, int *first)
{
	const struct out *on = s->live ? &outs[s->osec->shndx] : NULL;
	size_t len = strlen(s->name);

	reserve(b, in->n + 6 * len + (on ? on->n : 0) + 128);
	if (!*first)
		LIT_U(b, ",");
	*first = 0;
	LIT_U(b, "\n{\"input\":");
	raw_u(b, in->p, in->n);
	LIT_U(b, ",\"section\":");
	str_u(b, s->name, len);
	LIT_U(b, ",\"size\":");
	num_u(b, s->size);
	if (s->live) {
		LIT_U(b, ",\"output\":");
		raw_u(b, on->p, on->n);
		LIT_U(b, ",\"address\":");
		num_u(b, s->addr);
	}
	LIT_U(b, "}");
}

static void sections(struct lk_ctx *c, struct out *b, int live)
{
	struct out in = { 0 }, *outs = lk_xcalloc(c->nosecs + 1, sizeof(*outs));
	struct lk_obj *o;
	uint32_t i;
	size_t k;
	int first = 1;

	for (k = 0; k < c->nosecs; k++) /* shndx: k + 1 (write_elf.c) */
		str(&outs[c->osecs[k]->shndx], c->osecs[k]->name);
	LIT(b, "[");
	for (o = c->objs; o; o = o->next) {
		in.n = 0;
		str(&in, o->display);
		for (i = 1; i < o->shnum; i++)
			if (o->secs[i].gc_candidate && o->secs[i].live == live)
				sec(b, &o->secs[i], &in, outs, &first);
	}
	for (k = 0; k < c->nextra; k++)
		if (c->extra[k]->live == live) {
			in.n = 0;
			str(&in, c->extra[k]->obj->display);
			sec(b, c->extra[k], &in, outs, &first);
		}
	free(in.p);
	for (k = 0; k <= c->nosecs; k++)
		free(outs[k].p);
	free(outs);
	LIT(b, "]");
}

/* What merge.c made: one entry per merged section; what icf.c folded:
 * each folded section and the one it became. */
static void merged(struct lk_ctx *c, struct out *b)
{
	size_t k;

	LIT(b, "[");
	for (k = 0; k < c->nmerged; k++) {
		const struct lk_sec *s = c->merged[k];

		if (k)
			LIT(b, ",");
		LIT(b, "\n{\"output\":");
		str(b, s->osec->name);
		LIT(b, ",\"strings\":");
		if (s->flags & SHF_STRINGS)
			LIT(b, "true");
		else
			LIT(b, "false");
		LIT(b, ",\"entry_size\":");
		num(b, s->sh->sh_entsize);
		LIT(b, ",\"inputs\":");
		num(b, s->merged);
		LIT(b, ",\"input_bytes\":");
		num(b, s->merged_in);
		LIT(b, ",\"bytes\":");
		num(b, s->size);
		LIT(b, ",\"address\":");
		num(b, s->addr);
		LIT(b, "}");
	}
	LIT(b, "]");
}

static void folded(struct lk_ctx *c, struct out *b)
{
	size_t k;
	int first = 1;

	LIT(b, "[");
	for (k = 0; k < c->nmoved; k++) {
		const struct lk_sec *s = c->moved[k];

		if (s->pieces)
			continue;
		if (!first)
			LIT(b, ",");
		first = 0;
		LIT(b, "\n{\"input\":");
		str(b, s->obj->display);
		LIT(b, ",\"section\":");
		str(b, s->name);
		LIT(b, ",\"size\":");
		num(b, s->size);
		LIT(b, ",\"into\":{\"input\":");
		str(b, s->into->obj->display);
		LIT(b, ",\"section\":");
		str(b, s->into->name);
		LIT(b, "}}");
	}
	LIT(b, "]");
}

/* The image's own files (uk build's section uk_files), 0 when none. */
static uint64_t files_bytes(const struct lk_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nosecs; i++)
		if (!strcmp(c->osecs[i]->name, "uk_files"))
			return c->osecs[i]->size;
	return 0;
}

static void render(struct lk_ctx *c, const struct uk_link_result *res,
		   struct out *b)
{
	const struct uk_link_opts *op = c->opts;
	struct lk_obj *o;
	char t[64];
	size_t i;

	LIT(b, "{\"output\":");
	str(b, op->output);
	LIT(b, ",\"base\":");
	num(b, c->base);
	LIT(b, ",\"entry\":{\"symbol\":");
	str(b, op->entry ? op->entry : "_start");
	LIT(b, ",\"address\":");
	num(b, c->entry_addr);
	LIT(b, "},\n\"inputs\":[");
	for (i = 0; i < op->ninputs; i++) {
		if (i)
			LIT(b, ",");
		str(b, op->inputs[i]);
	}
	LIT(b, "],\n\"loaded\":[");
	for (o = c->objs; o; o = o->next) {
		if (o != c->objs)
			LIT(b, ",\n");
		str(b, o->display);
	}
	LIT(b, "],\n\"kept\":");
	sections(c, b, 1);
	LIT(b, ",\n\"removed\":");
	sections(c, b, 0);
	LIT(b, ",\n\"merged\":");
	merged(c, b);
	LIT(b, ",\n\"folded\":");
	folded(c, b);
	LIT(b, ",\n\"totals\":{");
	key_num(b, "kept_sections", res->kept_sections, 1);
	key_num(b, "kept_bytes", res->kept_bytes, 1);
	key_num(b, "removed_sections", res->removed_sections, 1);
	key_num(b, "removed_bytes", res->removed_bytes, 1);
	key_num(b, "merged_bytes", res->merged_bytes, 1);
	key_num(b, "merged_string_bytes", c->merged_str, 1);
	key_num(b, "merged_constant_bytes", c->merged_const, 1);
	key_num(b, "folded_sections", res->folded_sections, 1);
	key_num(b, "folded_bytes", res->folded_bytes, 1);
	key_num(b, "load_bytes", res->load_bytes, 1);
	key_num(b, "file_bytes", res->file_bytes, 1);
	key_num(b, "files_bytes", files_bytes(c), 0);
	LIT(b, "},\n\"link_seconds\":");
	snprintf(t, sizeof(t), "%.6f", res->seconds);
	raw(b, t, strlen(t));
	LIT(b, "}\n");
}

char *lk_report_render(struct lk_ctx *c, const struct uk_link_result *res, size_t *len)
{
	struct out b = { 0 };
	size_t secs = 0;

	/* room for it at once, near enough (about 100 bytes a section listed) */
	for (const struct lk_obj *o = c->objs; o; o = o->next)
		secs += o->shnum;
	reserve(&b, secs * 48);
	render(c, res, &b);
	*len = b.n;
	return b.p;
}

int lk_report_publish(struct lk_ctx *c, const char *text, size_t len)
{
	const char *path = c->opts->report_path;
	char *tmp = lk_xasprintf("%s.tmp%ld", path, (long)getpid());
	int fd, rc = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || uk_write_all(fd, text, len) < 0)
		rc = uk_errorf(c->err, "cannot write report '%s': %s", tmp,
			       strerror(errno));
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = uk_errorf(c->err, "cannot write report '%s': %s", tmp,
			       strerror(errno));
	if (rc == 0 && lk_publish(tmp, path) < 0)
		rc = uk_errorf(c->err, "cannot rename '%s' to '%s': %s", tmp,
			       path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
