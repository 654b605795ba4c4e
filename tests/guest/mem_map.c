/* mmap, munmap, mremap, madvise and brk against Linux: ranges never
 * mapped, partial unmaps, unmaps across mappings, re-mapping holes,
 * MAP_FIXED over a mapping, growing and moving, and every error. Only
 * offsets between our own mappings are printed, never addresses. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096L

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* raw system calls, so that musl's wrappers do not check first */
static long sys(long nr, long a, long b, long c, long d, long e)
{
	return syscall(nr, a, b, c, d, e, 0);
}

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	return syscall(nr, a, b, c, d, e, f);
}

static char *map(long pages, int prot)
{
	char *p = mmap(0, pages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap %ld pages: %s\n", pages, strerror(errno));
		return 0;
	}
	return p;
}

/* 1 when the page at p is mapped (mprotect to what it has fails otherwise) */
static int mapped(char *p)
{
	return mprotect(p, PG, PROT_READ | PROT_WRITE) == 0;
}

static void fill(char *p, long pages)
{
	for (long i = 0; i < pages; i++)
		memset(p + i * PG, 'a' + (int)i, PG);
}

/* which of n pages are mapped, and what their first byte holds */
static void layout(const char *what, char *p, long n)
{
	printf("%s:", what);
	for (long i = 0; i < n; i++) {
		if (!mapped(p + i * PG))
			printf(" -");
		else
			printf(" %c", p[i * PG] ? p[i * PG] : '0');
	}
	printf("\n");
}

static void never_mapped(void)
{
	char *p = map(4, PROT_READ | PROT_WRITE);
	if (!p)
		return;
	show("munmap all", munmap(p, 4 * PG));
	show("munmap it again", munmap(p, 4 * PG));
	show("munmap a hole and more", munmap(p + PG, 16 * PG));
	show("munmap 64 KiB", munmap((void *)0x10000, PG));
	show("munmap unaligned", sys(SYS_munmap, (long)p + 1, PG, 0, 0, 0));
	show("munmap length 0", sys(SYS_munmap, (long)p, 0, 0, 0, 0));
	show("munmap too long", sys(SYS_munmap, (long)p, -PG, 0, 0, 0));
	show("munmap past user space", sys(SYS_munmap, 0x7ffffffff000L, 2 * PG, 0, 0, 0));
	show("munmap odd length", sys(SYS_munmap, (long)p, 1, 0, 0, 0));
	show("mprotect unmapped", mprotect(p, PG, PROT_READ));
	show("madvise unmapped", madvise(p, PG, MADV_DONTNEED));
}

static void partial(void)
{
	char *p = map(8, PROT_READ | PROT_WRITE);
	if (!p)
		return;
	fill(p, 8);
	/* the runtime takes page tables from free memory, so that a split
	 * later would take a page this test gives back: split first */
	mprotect(p, 8 * PG, PROT_READ);
	mprotect(p, 8 * PG, PROT_READ | PROT_WRITE);
	show("munmap pages 2-3", munmap(p + 2 * PG, 2 * PG));
	layout("after", p, 8);
	show("munmap last page", munmap(p + 7 * PG, PG));
	show("munmap first page", munmap(p, PG));
	layout("after", p, 8);
	/* the holes again, with MAP_FIXED_NOREPLACE: zeros */
	char *q = mmap(p + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	show("remap the hole at its place", q == MAP_FAILED ? -1 : (q - p) / PG);
	layout("after", p, 8);
	q = mmap(p + 3 * PG, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	show("noreplace over a mapping", q == MAP_FAILED ? -1 : (q - p) / PG);
	/* MAP_FIXED over pages 4-5: a new mapping of zeros in the middle */
	q = mmap(p + 4 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	show("fixed over pages 4-5", q == MAP_FAILED ? -1 : (q - p) / PG);
	layout("after", p, 8);
	/* across three mappings and two holes */
	show("munmap pages 0-7", munmap(p, 8 * PG));
	layout("after", p, 8);
	q = mmap(p, 8 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	show("remap all", q == MAP_FAILED ? -1 : (q - p) / PG);
	layout("after", p, 8);
	munmap(p, 8 * PG);
}

static void mmap_errors(void)
{
	char *p = map(2, PROT_READ | PROT_WRITE);
	if (!p)
		return;
	show("length 0", sys(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1));
	show("length wraps", sys(SYS_mmap, 0, -1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1));
	show("no type", sys(SYS_mmap, 0, PG, PROT_READ, MAP_ANONYMOUS, -1));
	show("shared_validate anonymous",
	     sys(SYS_mmap, 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1));
	show("fixed unaligned", sys(SYS_mmap, (long)p + 1, PG, PROT_READ,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
	show("fixed past user space", sys(SYS_mmap, 0x7ffffffff000L, 2 * PG, PROT_READ,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
	show("offset unaligned",
	     sys6(SYS_mmap, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100));
	long r = sys(SYS_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	show("shared anonymous", r < 0 ? r : 0);
	if (r > 0) {
		*(char *)r = 1;
		munmap((void *)r, PG);
	}
	r = sys(SYS_mmap, 0, PG, PROT_READ | PROT_WRITE | 0x10, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	show("unknown prot bit", r < 0 ? r : 0);
	if (r > 0)
		munmap((void *)r, PG);
	show("bad descriptor", sys(SYS_mmap, 0, PG, PROT_READ, MAP_PRIVATE, 99));
	munmap(p, 2 * PG);
}

static void remap(void)
{
	char *p = map(4, PROT_READ | PROT_WRITE);
	if (!p)
		return;
	fill(p, 4);
	char *q = mremap(p, 4 * PG, 2 * PG, 0);
	show("shrink", q == MAP_FAILED ? -1 : (q - p) / PG);
	layout("after", p, 4);
	q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
	show("grow", q == MAP_FAILED ? -1 : 0);
	if (q != MAP_FAILED) {
		layout("grown", q, 4);
		printf("grown end: %d\n", q[64 * PG - 1]);
		p = q;
	}
	show("grow more than the mapping", (long)mremap(p, 65 * PG, 70 * PG, MREMAP_MAYMOVE));
	show("grow unmapped", (long)mremap(p + 64 * PG, PG, 2 * PG, MREMAP_MAYMOVE));
	show("bad flags", (long)mremap(p, PG, PG, 8));
	show("fixed without maymove", sys(SYS_mremap, (long)p, PG, PG, MREMAP_FIXED, (long)p));
	show("unaligned", (long)mremap(p + 1, PG, PG, 0));
	show("new length 0", (long)mremap(p, PG, 0, MREMAP_MAYMOVE));
	show("old length 0, private", (long)mremap(p, 0, PG, MREMAP_MAYMOVE));
	show("dontunmap, other length", sys(SYS_mremap, (long)p, PG, 2 * PG,
					    MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0));

	/* MREMAP_FIXED into a hole we own the address of */
	char *dst = map(8, PROT_READ);
	if (dst) {
		q = mremap(p, 64 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 2 * PG);
		show("fixed, smaller, over a mapping", q == MAP_FAILED ? -1 : (q - dst) / PG);
		layout("destination", dst, 8);
		show("old is gone", mapped(p));
		show("fixed overlapping", sys(SYS_mremap, (long)dst, 4 * PG, 4 * PG,
					      MREMAP_MAYMOVE | MREMAP_FIXED, (long)dst + 2 * PG));
		show("fixed unaligned", sys(SYS_mremap, (long)dst + 2 * PG, PG, PG,
					    MREMAP_MAYMOVE | MREMAP_FIXED, (long)dst + 1));
		/* DONTUNMAP: the bytes move, the old range stays, empty */
		q = mremap(dst + 2 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
		if (q == MAP_FAILED) {
			show("dontunmap", -1);
		} else {
			printf("dontunmap: moved %c, left %d\n", q[0], dst[2 * PG]);
			munmap(q, PG);
		}
		munmap(dst, 8 * PG);
	}
}

static void advise(void)
{
	char *p = map(4, PROT_READ | PROT_WRITE);
	if (!p)
		return;
	fill(p, 4);
	show("dontneed pages 1-2", madvise(p + PG, 2 * PG, MADV_DONTNEED));
	layout("after", p, 4);
	mprotect(p + 3 * PG, PG, PROT_READ);
	show("dontneed read-only page", madvise(p + 3 * PG, PG, MADV_DONTNEED));
	mprotect(p + 3 * PG, PG, PROT_NONE);
	show("dontneed no-access page", madvise(p + 3 * PG, PG, MADV_DONTNEED));
	layout("after", p, 4);
	show("unaligned", madvise(p + 1, PG, MADV_DONTNEED));
	show("length 0", madvise(p, 0, MADV_DONTNEED));
	show("wraps", sys(SYS_madvise, (long)p, -PG, MADV_DONTNEED, 0, 0));
	munmap(p + 2 * PG, PG);
	show("over a hole", madvise(p, 4 * PG, MADV_DONTNEED));
	show("normal", madvise(p, PG, MADV_NORMAL));
	munmap(p, 4 * PG);
}

static void program_break(void)
{
	long cur = sys(SYS_brk, 0, 0, 0, 0, 0);
	long start = (cur + PG - 1) & -PG;
	long got = sys(SYS_brk, start + 3 * PG, 0, 0, 0, 0);
	show("brk grows", got == start + 3 * PG);
	char *b = (char *)start;
	b[0] = b[3 * PG - 1] = 1;
	show("mprotect brk page", mprotect(b + PG, PG, PROT_READ));
	char *g = mmap(b, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	show("guard over brk page", g == b);
	show("brk below start", sys(SYS_brk, 1, 0, 0, 0, 0) == got);
	show("brk shrinks", sys(SYS_brk, start + PG, 0, 0, 0, 0) == start + PG);
	show("shrunk page gone", mapped(b + PG));
	show("brk back", sys(SYS_brk, cur, 0, 0, 0, 0) == cur);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	never_mapped();
	partial();
	mmap_errors();
	remap();
	advise();
	program_break();
	return 0;
}
