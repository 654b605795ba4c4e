/* Host-side tests of the runtime's pure-C parts, compiled with the
 * sanitizers by tests/integration/runtime.sh: the page allocator against a
 * shadow map under random operations, the command-line parser on quoting
 * cases, and the symbol-table reader on broken tables. Each prints a
 * PASS/FAIL line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uk/symtab.h>

#include "kernel.h"

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
/* header claiming count entries, then nent entries and the strings */
static void put_table(uint32_t count, const uint32_t (*ent)[2], uint32_t nent, const char *strs,
		      size_t slen)
{
	memset(__start_uk_symtab, 0, 4096);
	struct uk_symtab_header h = {UK_SYMTAB_MAGIC, UK_SYMTAB_VERSION, count, 0};
	memcpy(__start_uk_symtab, &h, sizeof h);
	memcpy(__start_uk_symtab + 16, ent, 8 * nent);
	memcpy(__start_uk_symtab + 16 + 8 * nent, strs, slen);
}

static void test_symtab(void)
{
	int before = failures;
	uint64_t off;
	const uint32_t ent[4][2] = {{0x1000, 1}, {0x1010, 7}, {0x1040, 0}, {0x2000, 12}};
	const char strs[] = "\0alpha\0beta\0gamma";
	put_table(4, ent, 4, strs, sizeof strs);
	const char *s = uk_symbolize(0x1002, &off);
	CHECK(s && !strcmp(s, "alpha") && off == 2);
	s = uk_symbolize(0x1010, &off);
	CHECK(s && !strcmp(s, "beta") && off == 0);
	CHECK(!uk_symbolize(0x1040, &off)); /* a gap (empty name) */
	CHECK(!uk_symbolize(0xfff, &off));  /* before the first entry */
	s = uk_symbolize(0x2345, &off);
	CHECK(s && !strcmp(s, "gamma") && off == 0x345);

	put_table(1000000, ent, 4, strs, sizeof strs); /* count beyond the section */
	CHECK(!uk_symbolize(0x1012, &off));
	const uint32_t bad[1][2] = {{0x1000, 5000}}; /* name outside the strings */
	put_table(1, bad, 1, strs, sizeof strs);
	CHECK(!uk_symbolize(0x1000, &off));
	const uint32_t last[1][2] = {{0x1000, 4096 - 16 - 8 - 3}}; /* name runs off the end */
	put_table(1, last, 1, "", 0);
	memset(__start_uk_symtab + 4096 - 3, 'x', 3);
	CHECK(!uk_symbolize(0x1000, &off));
	put_table(4, ent, 4, strs, sizeof strs);
	__start_uk_symtab[0] ^= 1; /* wrong magic */
	CHECK(!uk_symbolize(0x1012, &off));
	result("symtab", before);
}

int main(void)
{
	test_pmem();
	test_cmdline();
	test_symtab();
	return failures != 0;
}
