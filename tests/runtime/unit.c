/* Host-side tests of the runtime's pure-C parts, compiled with the
 * sanitizers by tests/integration/runtime.sh: the page allocator against a
 * shadow map under random operations, the command-line parser on quoting
 * cases, the symbol-table reader on broken tables and the image-files
 * validator on broken blobs, and uk_wait with a signal pending. Each prints
 * a PASS/FAIL line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uk/imagefs.h>
#include <uk/symtab.h>

#include "errno.h"
#include "imagefs_check.h"
#include "kernel.h"
#include "wait.h"

/* the name buffer uk_symbolize fills */
static char nb[UK_SYMTAB_NAME_MAX + 1];

/* --- what the tested files need from the rest of the runtime ------------ */
void uk_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
void uk_plat_exit(int status)
{
	printf("unexpected exit %d\n", status);
	exit(1);
}

/* The symbol table the reader sees: one 4 KiB buffer between the symbols. */
__asm__(".data\n.balign 16\n.globl __start_uk_symtab\n__start_uk_symtab:\n.space 4096\n"
	".globl __stop_uk_symtab\n__stop_uk_symtab:\n.text\n");
extern char __start_uk_symtab[], __stop_uk_symtab[];

static int failures;
#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			printf("  check failed: %s (line %d)\n", #c, __LINE__);            \
			failures++;                                                        \
		}                                                                          \
	} while (0)

static void result(const char *name, int before)
{
	printf("%s runtime-unit-%s\n", failures == before ? "PASS" : "FAIL", name);
}

/* --- page allocator --------------------------------------------------------- */
#define ARENA_PAGES 4096 /* 16 MiB */
static unsigned char used[ARENA_PAGES];

static void test_pmem(void)
{
	int before = failures;
	char *arena = aligned_alloc(PAGE_SIZE, ARENA_PAGES * PAGE_SIZE);
	uint64_t base = (uint64_t)arena;
	uk_pmem_add(base, base + ARENA_PAGES * PAGE_SIZE);
	CHECK(uk_pmem_free_bytes() == ARENA_PAGES * PAGE_SIZE);

	srand(1);
	uint64_t blocks[256][2] = {{0}};
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 256;
		if (blocks[i][0]) { /* free it, or part of it */
			uint64_t p = blocks[i][0], n = blocks[i][1];
			for (uint64_t k = 0; k < n; k++)
				used[(p - base) / PAGE_SIZE + k] = 0;
			uk_pmem_free(p, n * PAGE_SIZE);
			blocks[i][0] = 0;
		} else if (rand() % 4) {
			uint64_t n = 1 + rand() % (rand() % 8 ? 8 : 300);
			uint64_t p = uk_pmem_alloc(n * PAGE_SIZE, ~0ull);
			if (!p)
				continue;
			CHECK(p >= base && p + n * PAGE_SIZE <= base + ARENA_PAGES * PAGE_SIZE);
			CHECK(!(p % PAGE_SIZE));
			for (uint64_t k = 0; k < n; k++) {
				CHECK(!used[(p - base) / PAGE_SIZE + k]);
				used[(p - base) / PAGE_SIZE + k] = 1;
			}
			blocks[i][0] = p;
			blocks[i][1] = n;
		} else { /* claim a specific range: succeeds exactly when all free */
			uint64_t first = rand() % ARENA_PAGES, n = 1 + rand() % 16;
			if (first + n > ARENA_PAGES)
				continue;
			int free_all = 1;
			for (uint64_t k = 0; k < n; k++)
				free_all &= !used[first + k];
			int r = uk_pmem_claim(base + first * PAGE_SIZE, n * PAGE_SIZE);
			CHECK((r == 0) == free_all);
			if (r == 0) {
				for (uint64_t k = 0; k < n; k++)
					used[first + k] = 1;
				blocks[i][0] = base + first * PAGE_SIZE;
				blocks[i][1] = n;
			}
		}
		uint64_t free_pages = 0;
		for (int k = 0; k < ARENA_PAGES; k++)
			free_pages += !used[k];
		CHECK(uk_pmem_free_bytes() == free_pages * PAGE_SIZE);
		if (failures > before + 5)
			break;
	}
	for (int i = 0; i < 256; i++)
		if (blocks[i][0])
			uk_pmem_free(blocks[i][0], blocks[i][1] * PAGE_SIZE);
	/* everything back, coalesced into one run: one allocation takes it all */
	CHECK(uk_pmem_free_bytes() == ARENA_PAGES * PAGE_SIZE);
	uint64_t lo, hi, mid = base + PAGE_SIZE * 10;
	CHECK(uk_pmem_claim(mid, PAGE_SIZE) == 0);
	uk_pmem_neighbours(mid, mid + PAGE_SIZE, &lo, &hi); /* free runs around a block */
	CHECK(lo == base && hi == base + ARENA_PAGES * PAGE_SIZE);
	uk_pmem_free(mid, PAGE_SIZE);
	CHECK(uk_pmem_alloc(ARENA_PAGES * PAGE_SIZE, ~0ull) == base);
	CHECK(uk_pmem_free_bytes() == 0);
	CHECK(uk_pmem_alloc(PAGE_SIZE, ~0ull) == 0);
	uk_pmem_free(base, ARENA_PAGES * PAGE_SIZE);
	/* the limit is honoured */
	uint64_t p = uk_pmem_alloc(PAGE_SIZE, base + 5 * PAGE_SIZE);
	CHECK(p == base + 4 * PAGE_SIZE);
	uk_pmem_free(p, PAGE_SIZE);
	result("pmem", before);
}

/* --- command line ----------------------------------------------------------- */
static int words_are(char kind, const char *const *want)
{
	const char *w = 0;
	int i = 0;
	while ((w = uk_cmdline_next(w, kind))) {
		if (!want[i] || strcmp(w, want[i])) {
			printf("  word %d: got [%s], want [%s]\n", i, w, want[i] ? want[i] : "(end)");
			return 0;
		}
		i++;
	}
	return !want[i];
}

static void test_cmdline(void)
{
	int before = failures;
	uk_cmdline_parse("uk.name=web uk.env=A=1 uk.env=\"B=x y\" uk.strace uk.stack=64K  "
			 "-v 'two words' a\\ b \"q\\\"uote\" '' -- uk.env=C=3 -- end");
	CHECK(!strcmp(uk_opt.name, "web"));
	CHECK(uk_opt.strace == 1 && uk_opt.bootstats == 0);
	CHECK(uk_opt.stack_size == 64 * 1024);
	CHECK(words_are('a', (const char *const[]){"-v", "two words", "a b", "q\"uote", "",
						   "uk.env=C=3", "--", "end", 0}));
	CHECK(words_are('e', (const char *const[]){"A=1", "B=x y", 0}));

	uk_opt = (struct uk_options){.name = "uk"};
	uk_cmdline_parse("   ");
	CHECK(words_are('a', (const char *const[]){0}));
	uk_cmdline_parse("\"unterminated quote and trailing backslash\\");
	CHECK(words_are('a', (const char *const[]){"unterminated quote and trailing backslash\\", 0}));
	uk_cmdline_parse("uk.bootstats uk.env= uk.stack=1M --");
	CHECK(uk_opt.bootstats == 1 && uk_opt.stack_size == 1 << 20);
	CHECK(words_are('e', (const char *const[]){0}));
	result("cmdline", before);
}

/* --- symbol table reader ---------------------------------------------------- */
/* A table written nibble by nibble (format in uk/symtab.h): tn() puts one,
 * tv() a var, tname() a name's bytes by the alphabet and its end; the
 * header is written by put_table with the nibbles' bytes as its size. */
static const char talpha[UK_SYMTAB_ALPHA + 1] = "abcdefghijklmnopqrstuvwxyz_.";
static uint8_t tnib[2048];
static size_t tn_at;

static void tn(unsigned v)
{
	tnib[tn_at / 2] |= (uint8_t)((v & 15) << (tn_at & 1) * 4);
	tn_at++;
}

static void tv(uint64_t v)
{
	do {
		tn((unsigned)(v & 7) | (v > 7 ? 8 : 0));
		v >>= 3;
	} while (v);
}

static void tname(const char *s)
{
	for (; *s; s++) {
		const char *c = strchr(talpha, *s);
		long i = c ? c - talpha : -1;
		if (i >= 0 && i < (long)UK_SYMTAB_SINGLES)
			tn((unsigned)i + 1);
		else if (i >= 0) {
			tn(14);
			tn((unsigned)(i - UK_SYMTAB_SINGLES));
		} else {
			tn(15);
			tn((uint8_t)*s);
			tn((uint8_t)*s >> 4);
		}
	}
	tn(0);
}

static void tstart(void)
{
	memset(tnib, 0, sizeof tnib);
	tn_at = 0;
}

/* header claiming count entries in size bytes after it, the alphabet, then
 * the nibbles */
static void put_table(uint32_t count, uint32_t size)
{
	memset(__start_uk_symtab, 0, 4096);
	struct uk_symtab_header h = {UK_SYMTAB_MAGIC, UK_SYMTAB_VERSION, count, size};
	memcpy(__start_uk_symtab, &h, sizeof h);
	memcpy(__start_uk_symtab + 16, talpha, UK_SYMTAB_ALPHA);
	memcpy(__start_uk_symtab + 16 + UK_SYMTAB_ALPHA, tnib, (tn_at + 1) / 2);
}

#define TSIZE ((uint32_t)(UK_SYMTAB_ALPHA + (tn_at + 1) / 2))

static void test_symtab(void)
{
	int before = failures;
	uint64_t off;
	/* alpha at 0x1000, alphabet (5 bytes shared) at 0x1010, a gap from
	 * 0x1040, gam$ma (a byte of two nibbles, one of three) at 0x2000 */
	tstart();
	tv(0x1000), tv(0), tname("alpha");
	tv(0x10), tv(5), tname("bet");
	tv(0x30), tv(0), tname("");
	tv(0xfc0), tv(0), tname("gam$ma");
	put_table(4, TSIZE);
	const char *s = uk_symbolize(0x1002, &off, nb);
	CHECK(s && !strcmp(s, "alpha") && off == 2);
	s = uk_symbolize(0x1010, &off, nb);
	CHECK(s && !strcmp(s, "alphabet") && off == 0);
	s = uk_symbolize(0x103f, &off, nb);
	CHECK(s && !strcmp(s, "alphabet") && off == 0x2f);
	CHECK(!uk_symbolize(0x1040, &off, nb)); /* a gap */
	CHECK(!uk_symbolize(0xfff, &off, nb));  /* before the first entry */
	s = uk_symbolize(0x2345, &off, nb);
	CHECK(s && !strcmp(s, "gam$ma") && off == 0x345);
	uint32_t size = TSIZE;

	put_table(1000000, size); /* count beyond the entries */
	CHECK(!uk_symbolize(0x3000, &off, nb));
	put_table(4, 4096); /* size beyond the section */
	CHECK(!uk_symbolize(0x1002, &off, nb));
	put_table(4, UK_SYMTAB_ALPHA - 1); /* no room for the alphabet */
	CHECK(!uk_symbolize(0x1002, &off, nb));
	put_table(4, size);
	__start_uk_symtab[0] ^= 1; /* wrong magic */
	CHECK(!uk_symbolize(0x1012, &off, nb));
	__start_uk_symtab[0] ^= 1;
	__start_uk_symtab[4] = 2; /* the old format */
	CHECK(!uk_symbolize(0x1012, &off, nb));

	tstart();
	tv(0x1000), tv(3), tname("a"); /* shares more than there is */
	put_table(1, TSIZE);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	tstart();
	tv(0x1000), tv(0), tn(1), tn(2); /* name runs off the end */
	put_table(1, TSIZE);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	tstart();
	tv(0x1000), tv(0), tn(15), tn(4); /* a raw byte cut short */
	put_table(1, TSIZE);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	tstart();
	tv(0x1000), tv(0), tn(15), tn(0), tn(0), tn(1), tn(0); /* a raw NUL */
	put_table(1, TSIZE);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	tstart();
	tv(0x1000), tv(0), tn(14), tn(15), tn(0); /* alpha[28], unused (0) */
	put_table(1, TSIZE);
	memset(__start_uk_symtab + 16 + 28, 0, 1);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	static char big[UK_SYMTAB_NAME_MAX + 2];
	memset(big, 'x', sizeof big - 1); /* longer than UK_SYMTAB_NAME_MAX */
	tstart();
	tv(0x1000), tv(0), tname(big);
	put_table(1, TSIZE);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	big[sizeof big - 2] = 0; /* as long as it may be */
	tstart();
	tv(0x1000), tv(0), tname(big);
	put_table(1, TSIZE);
	s = uk_symbolize(0x1000, &off, nb);
	CHECK(s && strlen(s) == UK_SYMTAB_NAME_MAX);
	tstart();
	for (int i = 0; i < 22; i++) /* a var past 64 bits */
		tn(15);
	tn(0), tv(0), tname("a");
	put_table(1, TSIZE);
	CHECK(!uk_symbolize(0x1000, &off, nb));
	result("symtab", before);
}

/* --- image files validator -------------------------------------------------- */
struct ent {
	const char *path;
	uint32_t mode;
	const char *data;
};

/* Packs ents as uk build does, into buf (8-aligned); returns the size. */
static uint64_t pack(uint64_t *buf, const struct ent *ents, uint32_t n)
{
	char *b = (char *)buf;
	struct uk_imagefs_header *h = (void *)b;
	memset(buf, 0, 8192);
	memcpy(h->magic, UK_IMAGEFS_MAGIC, 8);
	h->version = UK_IMAGEFS_VERSION;
	h->count = n;
	h->entries_off = sizeof(*h);
	h->names_off = sizeof(*h) + n * sizeof(struct uk_imagefs_entry);
	uint64_t names = 0;
	for (uint32_t i = 0; i < n; i++)
		names += strlen(ents[i].path) + 1;
	h->data_off = (h->names_off + names + 7) & ~7ull;
	uint64_t name_at = 0, data_at = h->data_off;
	struct uk_imagefs_entry *e = (void *)(b + h->entries_off);
	for (uint32_t i = 0; i < n; i++) {
		e[i].name_off = (uint32_t)name_at;
		strcpy(b + h->names_off + name_at, ents[i].path);
		name_at += strlen(ents[i].path) + 1;
		e[i].mode = ents[i].mode;
		e[i].mtime = 1700000000;
		if (ents[i].data) {
			e[i].data_off = data_at;
			e[i].size = strlen(ents[i].data);
			memcpy(b + data_at, ents[i].data, e[i].size);
			data_at = (data_at + e[i].size + 7) & ~7ull;
		}
	}
	h->size = data_at;
	return data_at;
}

/* The validator's verdict on a blob of ents, changed by edit first. */
static const char *verdict(const struct ent *ents, uint32_t n, void (*edit)(char *, uint64_t *),
			   uint32_t *bad)
{
	static uint64_t buf[1024];
	uint64_t len = pack(buf, ents, n);
	if (edit)
		edit((char *)buf, &len);
	return uk_imagefs_check(buf, len, bad);
}

static struct uk_imagefs_header *hdr(char *b)
{
	return (void *)b;
}
static struct uk_imagefs_entry *entry(char *b, int i)
{
	return (struct uk_imagefs_entry *)(b + sizeof(struct uk_imagefs_header)) + i;
}
static void cut_header(char *b, uint64_t *len) { (void)b, *len = 40; }
static void cut_tail(char *b, uint64_t *len) { (void)b, *len -= 8; }
static void bad_magic(char *b, uint64_t *len) { (void)len, b[3] = 'x'; }
static void bad_version(char *b, uint64_t *len) { (void)len, hdr(b)->version = 2; }
static void huge_count(char *b, uint64_t *len) { (void)len, hdr(b)->count = 0xffffffffu; }
static void names_wrap(char *b, uint64_t *len) { (void)len, hdr(b)->names_off = ~0ull - 8; }
static void data_past(char *b, uint64_t *len) { (void)len, entry(b, 1)->size = 1ull << 40; }
static void data_wrap(char *b, uint64_t *len) { (void)len, entry(b, 1)->data_off = ~0ull - 2; }
static void data_in_names(char *b, uint64_t *len) { (void)len, entry(b, 1)->data_off = 50; }
static void name_past(char *b, uint64_t *len) { (void)len, entry(b, 0)->name_off = 0xfffffff0u; }
static void no_nul(char *b, uint64_t *len)
{
	(void)len;
	struct uk_imagefs_header *h = hdr(b);
	memset(b + h->names_off, 'a', h->data_off - h->names_off); /* no NUL up to the data */
}
static void fifo(char *b, uint64_t *len) { (void)len, entry(b, 1)->mode = 0010644; }
static void dir_data(char *b, uint64_t *len) { (void)len, entry(b, 0)->size = 1; }

static void test_imagefs(void)
{
	int before = failures;
	uint32_t bad;
	const struct ent good[] = {
		{"bin", 0040755, 0},  {"bin/sh", 0120777, "app"}, {"etc", 0040755, 0},
		{"etc-x", 0100644, "x"}, {"etc/a.conf", 0100644, "a=1\n"},
		{"etc/sub", 0040700, 0}, {"etc/sub/f", 0100600, ""},
	};
	CHECK(!verdict(good, 7, 0, &bad) && bad == UK_IMAGEFS_NO_ENTRY);
	CHECK(!verdict(good, 0, 0, &bad)); /* no files: an empty root */
	const struct ent two[] = {{"a", 0040755, 0}, {"a/f", 0100644, "data"}};
	const struct {
		void (*edit)(char *, uint64_t *);
		const char *why;
		uint32_t entry;
	} edits[] = {
		{cut_header, "truncated header", UK_IMAGEFS_NO_ENTRY},
		{cut_tail, "size past the end of the section", UK_IMAGEFS_NO_ENTRY},
		{bad_magic, "bad magic", UK_IMAGEFS_NO_ENTRY},
		{bad_version, "unknown version", UK_IMAGEFS_NO_ENTRY},
		{huge_count, "entries past the end", UK_IMAGEFS_NO_ENTRY},
		{names_wrap, "names or data area out of order or past the end", UK_IMAGEFS_NO_ENTRY},
		{data_past, "data outside the data area", 1},
		{data_wrap, "data outside the data area", 1},
		{data_in_names, "data outside the data area", 1},
		{name_past, "name not NUL-terminated inside the names area", 0},
		{no_nul, "name not NUL-terminated inside the names area", 0},
		{fifo, "file type not regular, directory or symlink", 1},
		{dir_data, "directory with data", 0},
	};
	for (unsigned i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *why = verdict(two, 2, edits[i].edit, &bad);
		if (!why || strcmp(why, edits[i].why) || bad != edits[i].entry) {
			printf("  edit %u: got '%s' entry %u\n", i, why ? why : "ok", bad);
			failures++;
		}
	}
	const struct {
		struct ent e[3];
		uint32_t n;
		const char *why;
		uint32_t entry;
	} sets[] = {
		{{{"/etc", 0040755, 0}}, 1, "path starts with '/'", 0},
		{{{"a", 0040755, 0}, {"a/../b", 0100644, ""}}, 2, "'.' or '..' in a path", 1},
		{{{"a", 0040755, 0}, {"a/./b", 0100644, ""}}, 2, "'.' or '..' in a path", 1},
		{{{"..", 0040755, 0}}, 1, "'.' or '..' in a path", 0},
		{{{"a", 0040755, 0}, {"a//b", 0100644, ""}}, 2, "empty path component", 1},
		{{{"a/", 0040755, 0}}, 1, "empty path component", 0},
		{{{"", 0100644, ""}}, 1, "empty path", 0},
		{{{"b", 0100644, ""}, {"a", 0100644, ""}}, 2, "paths not sorted or repeated", 1},
		{{{"a", 0100644, ""}, {"a", 0100644, ""}}, 2, "paths not sorted or repeated", 1},
		{{{"a/b", 0100644, ""}}, 1, "parent directory not listed before it", 0},
		{{{"a", 0100644, ""}, {"a/b", 0100644, ""}}, 2, "parent directory not listed before it", 1},
		{{{"a", 0040755, 0}, {"a/b", 0040755, 0}, {"a/c/d", 0100644, ""}}, 3,
		 "parent directory not listed before it", 2},
		{{{"l", 0120777, ""}}, 1, "symlink target empty or longer than 4095 bytes", 0},
		{{{"f", 0104644 | 010000, ""}}, 1, "file type not regular, directory or symlink", 0},
	};
	for (unsigned i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		const char *why = verdict(sets[i].e, sets[i].n, 0, &bad);
		if (!why || strcmp(why, sets[i].why) || bad != sets[i].entry) {
			printf("  set %u: got '%s' entry %u\n", i, why ? why : "ok", bad);
			failures++;
		}
	}
	char longname[300];
	memset(longname, 'n', 256);
	longname[256] = 0;
	CHECK(verdict((const struct ent[]){{longname, 0100644, ""}}, 1, 0, &bad) &&
	      !strcmp(verdict((const struct ent[]){{longname, 0100644, ""}}, 1, 0, &bad),
		      "path component longer than 255 bytes"));
	/* every truncation of a good blob is refused, also when its header
	 * claims the shorter size, and nothing past it is read (ASan) */
	static uint64_t buf[1024];
	uint64_t len = pack(buf, good, 7);
	for (uint64_t n = 0; n < len; n++) {
		uint64_t *copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		CHECK(uk_imagefs_check(copy, n, &bad) != 0);
		if (n >= sizeof(struct uk_imagefs_header)) {
			((struct uk_imagefs_header *)copy)->size = n;
			CHECK(uk_imagefs_check(copy, n, &bad) != 0);
		}
		free(copy);
	}
	/* random byte changes: refused or accepted, never a read outside */
	srand(7);
	for (int round = 0; round < 20000; round++) {
		uint64_t *copy = malloc(len);
		memcpy(copy, buf, len);
		for (int k = 1 + rand() % 4; k; k--)
			((unsigned char *)copy)[rand() % len] = (unsigned char)rand();
		uk_imagefs_check(copy, len, &bad);
		free(copy);
	}
	result("imagefs", before);
}

/* --- uk_wait and a pending signal -------------------------------------------
 * A fake clock that a halt moves 1 ms on, and the signal group's two hooks
 * over one pending, unblocked signal. */
static uint64_t clock_ns, halts, sig_blocked;
uint64_t uk_monotonic_ns(void)
{
	return clock_ns;
}
void uk_halt_until(uint64_t deadline)
{
	halts++;
	clock_ns = clock_ns + 1000000 < deadline ? clock_ns + 1000000 : deadline;
}
int uk_sig_interrupts(void)
{
	return !(sig_blocked & 1);
}
uint64_t uk_sig_swap_mask(uint64_t mask)
{
	uint64_t old = sig_blocked;
	sig_blocked = mask;
	return old;
}

static int after_3_halts(void *arg)
{
	(void)arg;
	return halts >= 3;
}

static void test_wait(void)
{
	int before = failures;
	/* a program's wait ends at once with EINTR, without halting */
	CHECK(uk_wait(after_3_halts, 0, UK_FOREVER) == -EINTR && halts == 0);
	/* the runtime's own (a device's request): halts until it is done */
	CHECK(uk_wait_nointr(after_3_halts, 0, UK_FOREVER) == 0 && halts == 3);
	CHECK(sig_blocked == 0); /* the program's mask is back */
	halts = 0;
	uint64_t t0 = clock_ns;
	CHECK(uk_wait_nointr(0, 0, t0 + 5000000) == -ETIMEDOUT && halts == 5 &&
	      clock_ns == t0 + 5000000 && sig_blocked == 0);
	result("wait-nointr", before);
}

int main(void)
{
	test_pmem();
	test_cmdline();
	test_symtab();
	test_imagefs();
	test_wait();
	return failures != 0;
}
