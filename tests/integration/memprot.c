/* What memory rights do when they are broken, for memprot.sh: each mode
 * prints what it does, then either finishes (status 0) or faults. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096L

/* mov eax, 42; ret */
static const unsigned char code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};

static char *map(int prot)
{
	char *p = mmap(0, 4 * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 0;
	}
	return p;
}

static int call(void *p)
{
	return ((int (*)(void))p)();
}

/* a function of the program's own text, to write to */
__attribute__((noinline)) int memprot_text(void)
{
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	const char *m = argc > 1 ? argv[1] : "";
	char *p;
	if (!strcmp(m, "write-ro") && (p = map(PROT_READ))) {
		printf("read %d, writing\n", p[PG]);
		p[PG] = 1;
	} else if (!strcmp(m, "read-none") && (p = map(PROT_NONE))) {
		printf("reading\n");
		printf("read %d\n", *(volatile char *)(p + PG));
	} else if (!strcmp(m, "write-mprotect") && (p = map(PROT_READ | PROT_WRITE))) {
		p[2 * PG] = 1;
		printf("mprotect %d, writing\n", mprotect(p + 2 * PG, PG, PROT_READ));
		p[2 * PG + 8] = 1;
	} else if (!strcmp(m, "write-mremap") && (p = map(PROT_READ))) {
		p = mremap(p, 4 * PG, 64 * PG, MREMAP_MAYMOVE);
		printf("mremap %s, writing\n", p == MAP_FAILED ? strerror(errno) : "ok");
		p[63 * PG] = 1;
	} else if (!strcmp(m, "exec-rw") && (p = map(PROT_READ | PROT_WRITE))) {
		memcpy(p, code, sizeof(code));
		printf("calling\n");
		printf("returned %d\n", call(p));
	} else if (!strcmp(m, "exec-after-mprotect") && (p = map(PROT_READ | PROT_WRITE))) {
		memcpy(p, code, sizeof(code));
		mprotect(p, PG, PROT_READ | PROT_EXEC);
		printf("returned %d\n", call(p));
		mprotect(p, PG, PROT_READ);
		printf("calling again\n");
		printf("returned %d\n", call(p));
	} else if (!strcmp(m, "write-text")) {
		printf("writing\n");
		char *volatile t = (char *)(void *)memprot_text;
		*t = 0;
	} else if (!strcmp(m, "jit") && (p = map(PROT_READ | PROT_WRITE))) {
		memcpy(p, code, sizeof(code));
		printf("mprotect %d\n", mprotect(p, PG, PROT_READ | PROT_EXEC));
		printf("returned %d\n", call(p));
	} else if (!strcmp(m, "wx")) {
		p = mmap(0, PG, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("mmap rwx: %s\n", p == MAP_FAILED ? strerror(errno) : "ok");
		if (p != MAP_FAILED) {
			memcpy(p, code, sizeof(code));
			printf("returned %d\n", call(p));
		}
		if (!(p = map(PROT_READ | PROT_WRITE)))
			return 1;
		int r = mprotect(p, PG, PROT_WRITE | PROT_EXEC);
		printf("mprotect wx: %s\n", r ? strerror(errno) : "ok");
		r = mprotect(p, PG, PROT_READ | PROT_EXEC);
		printf("mprotect rx: %s\n", r ? strerror(errno) : "ok");
	} else if (!strcmp(m, "malloc")) {
		/* free linked: musl's real malloc, not its bump allocator */
		void *x = malloc(100);
		printf("malloc %s\n", x ? "ok" : "null");
		free(x);
	} else if (!strcmp(m, "munmap-all")) {
		/* memory the program never mapped: the image, the runtime's */
		printf("munmap %d\n", munmap((void *)0x100000, 1ul << 30));
		int r = mprotect((void *)0x100000, PG, PROT_READ);
		printf("mprotect %d %s\n", r, strerror(errno));
		printf("still here\n");
	} else {
		printf("unknown mode '%s'\n", m);
		return 2;
	}
	return 0;
}
