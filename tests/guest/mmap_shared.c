/* MAP_SHARED mappings of tmpfs files and memfds are the file: a store is
 * seen at once by read(), pread on another descriptor and other mappings;
 * write() and ftruncate growth are seen in the mapping; msync, munmap,
 * mprotect, mremap and madvise on them; system calls given a buffer in a
 * shared mapping; MAP_PRIVATE copies that nobody else sees. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "/tmp/mmap_shared.test"
#define PG 4096

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void *map(const char *what, size_t len, int prot, int flags, int fd, off_t off)
{
	void *m = mmap(0, len, prot, flags, fd, off);
	printf("%s: %s\n", what, m == MAP_FAILED ? strerror(errno) : "mapped");
	return m == MAP_FAILED ? 0 : m;
}

/* n bytes at off through pread, printed */
static void peek(const char *what, int fd, off_t off, size_t n)
{
	char buf[64] = {0};
	long r = pread(fd, buf, n, off);
	printf("%s: %ld \"", what, r);
	for (long i = 0; i < r; i++)
		putchar(buf[i] ? buf[i] : '.');
	printf("\"\n");
}

static void mem(const char *what, const char *p, size_t n)
{
	printf("%s: \"", what);
	for (size_t i = 0; i < n; i++)
		putchar(p[i] ? p[i] : '.');
	printf("\"\n");
}

static long size_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) ? -1 : (long)st.st_size;
}

static void tmp_file(void)
{
	static char data[10000];
	for (int i = 0; i < (int)sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	int fd = open(DIR "/f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	show("write", write(fd, data, sizeof(data)));
	int fd2 = open(DIR "/f", O_RDWR);
	int ro = open(DIR "/f", O_RDONLY);

	char *s = map("shared", 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *t = map("second shared", 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	char *r = map("shared read-only", 2 * PG, PROT_READ, MAP_SHARED, ro, PG);
	if (!s || !t || !r)
		return;
	printf("same bytes: %d %d\n", !memcmp(s, data, sizeof(data)), !memcmp(t, data, sizeof(data)));
	printf("past the end zero: %d %d\n", s[10000], s[12287]);

	/* a store is the file's at once */
	memcpy(s, "HELLO", 5);
	peek("pread fd", fd, 0, 8);
	peek("pread other fd", fd2, 0, 8);
	mem("second mapping", t, 8);
	lseek(ro, 0, SEEK_SET);
	char buf[16] = {0};
	show("read", read(ro, buf, 5));
	printf("read says %.5s\n", buf);
	memcpy(t + PG + 10, "FROM-T", 6);
	mem("first mapping sees the second", s + PG + 10, 6);
	mem("offset mapping sees it", r + 10, 6);
	printf("size still %ld\n", size_of(fd));

	/* write() is seen in every mapping */
	show("pwrite", pwrite(fd2, "WORLD", 5, 100));
	mem("mapping after pwrite", s + 100, 5);
	show("pwrite page 2", pwrite(fd, "PAGE2", 5, 2 * PG));
	mem("offset mapping after pwrite", r + PG, 5);

	/* the private copy (of the bytes now: Linux would show later changes
	 * of a page until the program writes it): nobody sees its stores, and
	 * once written it does not see theirs */
	char *p = map("private", 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!p)
		return;
	mem("private has the bytes of the file", p, 5);
	memcpy(p + 200, "PRIVATE", 7);
	peek("file after private store", fd, 200, 7);
	mem("shared after private store", s + 200, 7);
	memcpy(s + 300, "LATE", 4);
	mem("private after a shared store", p + 300, 4);

	/* system calls with a buffer in a shared mapping */
	show("write from the mapping", pwrite(fd2, s, 5, 1000));
	mem("mapping at 1000", s + 1000, 5);
	show("read into the mapping", pread(fd2, s + 2000, 6, PG + 10));
	peek("file at 2000", fd, 2000, 6);
	int pfd[2];
	pipe(pfd);
	show("pipe write from mapping", write(pfd[1], t + 100, 5));
	show("pipe read into mapping", read(pfd[0], t + 3000, 5));
	mem("mapping at 3000", s + 3000, 5);
	close(pfd[0]);
	close(pfd[1]);

	/* msync: nothing to write back, arguments still checked */
	show("msync MS_SYNC", msync(s, 3 * PG, MS_SYNC));
	show("msync MS_ASYNC", msync(s, PG, MS_ASYNC));
	show("msync MS_INVALIDATE", msync(s + PG, PG, MS_INVALIDATE));
	show("msync unaligned", msync(s + 1, 10, MS_SYNC));
	show("msync ASYNC|SYNC", msync(s, PG, MS_ASYNC | MS_SYNC));
	show("msync bad flag", msync(s, PG, 8));
	show("msync length 0", msync(s, 0, MS_SYNC));

	/* growth: a mapping past the end sees the pages once the file has them */
	char *g = map("shared past the end", 5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("ftruncate 20000", ftruncate(fd, 20000));
	printf("size %ld\n", size_of(fd));
	mem("grown page reads zeros", g + 4 * PG, 4);
	memcpy(g + 4 * PG + 8, "GROWN", 5);
	peek("file at 16392", fd, 4 * PG + 8, 5);
	show("pwrite at 18000", pwrite(fd2, "TAIL", 4, 18000));
	mem("mapping at 18000", g + 18000, 4);
	show("write past the mapped size", pwrite(fd, "X", 1, 30000));
	mem("hole between reads zeros", g + 4 * PG + 100, 4);

	/* shrink and grow again: the cut bytes are zeros */
	show("ftruncate 5000", ftruncate(fd, 5000));
	show("ftruncate 12288", ftruncate(fd, 12288));
	mem("mapping at 4990", s + 4990, 20);
	mem("mapping at 8192", s + 2 * PG, 5);

	/* mprotect */
	show("mprotect read-only", mprotect(s, PG, PROT_READ));
	mem("still readable", s, 5);
	show("mprotect read-write", mprotect(s, PG, PROT_READ | PROT_WRITE));
	s[0] = 'J';
	peek("file after store", fd, 0, 5);
	show("mprotect none", mprotect(s + PG, PG, PROT_NONE));
	show("mprotect back", mprotect(s + PG, PG, PROT_READ | PROT_WRITE));
	mem("back after none", s + PG + 10, 6);
	show("mprotect write of an O_RDONLY mapping", mprotect(r, PG, PROT_READ | PROT_WRITE));

	/* madvise leaves a shared mapping the file */
	show("madvise DONTNEED", madvise(s, PG, MADV_DONTNEED));
	mem("after DONTNEED", s, 5);

	/* mremap: grown, moved, a second view of the same pages */
	char *m = mremap(t, 3 * PG, 4 * PG, MREMAP_MAYMOVE);
	printf("mremap grow: %s\n", m == MAP_FAILED ? strerror(errno) : "mapped");
	if (m != MAP_FAILED) {
		t = m;
		mem("grown mapping", t, 5);
		t[1] = 'A';
		peek("file after store in grown", fd, 0, 5);
	}
	m = mremap(t, 0, PG, MREMAP_MAYMOVE);
	printf("mremap duplicate: %s\n", m == MAP_FAILED ? strerror(errno) : "mapped");
	if (m != MAP_FAILED) {
		m[2] = 'M';
		mem("original sees the duplicate", t, 5);
		munmap(m, PG);
	}
	m = mremap(t, 4 * PG, PG, 0);
	printf("mremap shrink: %s\n", m == MAP_FAILED ? strerror(errno) : (m == t ? "same" : "moved"));

	/* MAP_FIXED over a shared mapping replaces that part */
	char *x = map("two pages", 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
	if (x) {
		char *y = mmap(x + PG, PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd2, 0);
		printf("MAP_FIXED over it: %s\n",
		       y == MAP_FAILED ? strerror(errno) : y == x + PG ? "there" : "elsewhere");
		mem("second page shows the file's first", x + PG, 5);
		mem("first page unchanged", x + 10, 6);
		y = mmap(x, PG, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd2, 0);
		printf("MAP_FIXED_NOREPLACE over it: %s\n", y == MAP_FAILED ? strerror(errno) : "mapped");
		show("munmap both", munmap(x, 2 * PG));
	}

	/* munmap of a middle page, then of everything: the file keeps it all */
	show("munmap middle", munmap(s + PG, PG));
	s[2 * PG] = 'Q';
	peek("file after store past the hole", fd, 2 * PG, 5);
	show("msync over the hole", msync(s, 3 * PG, MS_SYNC));
	show("munmap", munmap(s, 3 * PG));
	show("msync unmapped", msync(s, PG, MS_SYNC));
	show("munmap again", munmap(s, 3 * PG));
	munmap(t, PG);
	munmap(g, 5 * PG);
	munmap(r, 2 * PG);
	munmap(p, 3 * PG);
	peek("file after munmap", fd, 0, 8);
	s = map("mapped again", PG, PROT_READ, MAP_SHARED, fd, 0);
	if (s)
		mem("mapped again says", s, 8);

	/* unlinked while mapped: the mapping keeps the file */
	show("unlink", unlink(DIR "/f"));
	close(fd);
	close(fd2);
	close(ro);
	if (s) {
		mem("after unlink and close", s, 5);
		munmap(s, PG);
	}
}

static void memfd(void)
{
	int fd = memfd_create("mmap_shared", 0);
	show("memfd ftruncate", ftruncate(fd, 2 * PG));
	char *a = map("memfd shared", 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = map("memfd shared again", 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *c = map("memfd second page", PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
	char *p = map("memfd private", 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!a || !b || !c || !p)
		return;
	strcpy(a, "ring");
	mem("second mapping", b, 4);
	strcpy(c, "page two");
	mem("first mapping page two", a + PG, 8);
	peek("pread", fd, PG, 8);
	show("pwrite", pwrite(fd, "WRITTEN", 7, 10));
	mem("mapping after pwrite", b + 10, 7);
	strcpy(p, "mine");
	mem("shared after private store", a, 4);
	peek("memfd file after private store", fd, 0, 4);
	char buf[8] = {0};
	lseek(fd, 0, SEEK_SET);
	show("read", read(fd, buf, 4));
	printf("read says %.4s\n", buf);
	show("msync", msync(a, 2 * PG, MS_SYNC));
	munmap(a, 2 * PG);
	munmap(c, PG);
	munmap(p, 2 * PG);
	mem("left mapping", b, 4);
	close(fd);
	mem("after close", b, 4);
	munmap(b, 2 * PG);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	unlink(DIR "/f");
	rmdir(DIR);
	show("mkdir", mkdir(DIR, 0755));
	tmp_file();
	memfd();
	show("rmdir", rmdir(DIR));
	return 0;
}
