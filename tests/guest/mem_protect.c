/* mprotect and mmap rights against Linux: every error of mprotect, rights
 * changed on parts of a mapping and back, bytes kept through changes, and
 * code written into memory run after mprotect(PROT_READ | PROT_EXEC), as a
 * JIT does. (What a fault does is in tests/integration/memprot.sh.) */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096L
#define PROT_SEM 0x8 /* Linux's, not in musl's headers */

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* musl's mprotect rounds the range to pages: the raw call does not */
static long mprot(void *p, long len, long prot)
{
	return syscall(SYS_mprotect, p, len, prot);
}

static void errors(void)
{
	char *p = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	show("unaligned", mprot(p + 1, PG, PROT_READ));
	show("unaligned, length 0", mprot(p + 1, 0, PROT_READ));
	show("length 0", mprot(p, 0, PROT_READ));
	show("length 0, unmapped", mprot((void *)0x10000, 0, PROT_READ));
	show("odd length", mprot(p, 1, PROT_READ | PROT_WRITE));
	show("wraps", mprot(p, -PG, PROT_READ));
	show("unknown bit", mprot(p, PG, PROT_READ | 0x10));
	show("PROT_SEM", mprot(p, PG, PROT_READ | PROT_WRITE | PROT_SEM));
	show("growsdown and growsup", mprot(p, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
	show("growsdown", mprot(p, PG, PROT_READ | PROT_GROWSDOWN));
	show("growsup", mprot(p, PG, PROT_READ | PROT_GROWSUP));
	show("unmapped", mprot((void *)0x10000, PG, PROT_READ));
	show("growsdown, unmapped", mprot((void *)0x10000, PG, PROT_READ | PROT_GROWSDOWN));
	munmap(p + 2 * PG, PG);
	show("over a hole", mprot(p, 4 * PG, PROT_READ));
	show("up to the hole", mprot(p, 2 * PG, PROT_READ));
	show("after the hole", mprot(p + 3 * PG, PG, PROT_NONE));
	munmap(p, 4 * PG);
}

/* rights of parts of one mapping, and the bytes through every change */
static void parts(void)
{
	char *p = mmap(0, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < 8; i++)
		p[i * PG] = (char)('a' + i);
	show("pages 1-2 read-only", mprotect(p + PG, 2 * PG, PROT_READ));
	show("page 4 no access", mprotect(p + 4 * PG, PG, PROT_NONE));
	show("page 6 write only", mprotect(p + 6 * PG, PG, PROT_WRITE));
	printf("read-only page 1: %c\n", p[PG]);
	p[6 * PG + 1] = 'w';
	show("all read-write", mprotect(p, 8 * PG, PROT_READ | PROT_WRITE));
	printf("bytes:");
	for (int i = 0; i < 8; i++)
		printf(" %c", p[i * PG]);
	printf(" %c\n", p[6 * PG + 1]);
	p[PG] = p[4 * PG] = 'z';
	show("readable again", p[PG] == 'z' && p[4 * PG] == 'z');
	show("unmap the middle of a protected range",
	     mprotect(p, 8 * PG, PROT_READ) || munmap(p + 3 * PG, 2 * PG));
	/* a new mapping over a read-only one is writable */
	char *q = mmap(p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);
	show("fixed over read-only", q == p);
	if (q == p) {
		p[0] = 'n';
		printf("new page: %c, next: %d\n", p[0], p[PG]);
	}
	/* grow a read-only mapping: the new pages are read-only too */
	char *r = mremap(p + 5 * PG, 3 * PG, 16 * PG, MREMAP_MAYMOVE);
	show("mremap read-only", r == MAP_FAILED ? -1 : 0);
	if (r != MAP_FAILED) {
		printf("moved bytes: %c %c, zero tail: %d\n", r[0], r[2 * PG], r[15 * PG]);
		show("still read-only: mprotect to what it is", mprotect(r, 16 * PG, PROT_READ));
		munmap(r, 16 * PG);
	}
	munmap(p, 8 * PG);
}

/* mov eax, 42; ret */
static const unsigned char code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};

static void jit(void)
{
	unsigned char *p =
		mmap(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	memcpy(p, code, sizeof(code));
	show("mprotect read-exec", mprotect(p, PG, PROT_READ | PROT_EXEC));
	int (*fn)(void) = (int (*)(void))(void *)p;
	printf("jit returned %d\n", fn());
	/* and again: writable, patched, executable */
	show("mprotect read-write", mprotect(p, PG, PROT_READ | PROT_WRITE));
	p[1] = 7;
	show("mprotect exec only", mprotect(p, PG, PROT_EXEC));
	printf("jit returned %d\n", fn());
	munmap(p, PG);
	p = mmap(0, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show("mmap read-exec", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		printf("zeros in it: %d\n", p[0] + p[PG - 1]);
		munmap(p, PG);
	}
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	errors();
	parts();
	jit();
	return 0;
}
