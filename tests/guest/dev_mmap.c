/* mmap of files: private copies, shared writable mappings written back by
 * msync and munmap, the bytes past the end as zeros, and every error
 * Linux gives (EBADF, EACCES, ENODEV, EINVAL), in its order. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "/tmp/dev_mmap.test"

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void map_error(const char *what, size_t len, int prot, int flags, int fd, off_t off)
{
	void *m = mmap(0, len, prot, flags, fd, off);
	printf("%s: %s\n", what, m == MAP_FAILED ? strerror(errno) : "mapped");
	if (m != MAP_FAILED)
		munmap(m, len);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	char buf[64];
	unlink(DIR "/f");
	rmdir(DIR);
	show("mkdir", mkdir(DIR, 0755));
	int fd = open(DIR "/f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	static char data[10000];
	for (int i = 0; i < (int)sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	show("write", write(fd, data, sizeof(data)));

	/* private: a copy of the file; stores stay in memory */
	char *p = mmap(0, 12288, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("private: %s\n", p == MAP_FAILED ? strerror(errno) : "mapped");
	printf("same bytes: %d\n", !memcmp(p, data, sizeof(data)));
	printf("past the end zero: %d %d\n", p[10000], p[12287]);
	p[0] = 'Z';
	show("pread 1", pread(fd, buf, 1, 0));
	printf("file still says %c\n", buf[0]);
	show("munmap private", munmap(p, 12288));

	/* an offset of one page */
	p = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	printf("offset 4096: %.5s\n", p == MAP_FAILED ? "fail" : p);
	munmap(p, 4096);

	/* shared: msync writes back, munmap too */
	char *s = mmap(0, 10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("shared: %s\n", s == MAP_FAILED ? strerror(errno) : "mapped");
	memcpy(s, "SHARED", 6);
	show("msync MS_SYNC", msync(s, 10000, MS_SYNC));
	show("pread 6", pread(fd, buf, 6, 0));
	printf("file says %.6s\n", buf);
	memcpy(s + 8192, "LATER", 5);
	s[9999] = '!';
	show("munmap shared", munmap(s, 10000));
	show("pread at 8192", pread(fd, buf, 5, 8192));
	printf("file says %.5s\n", buf);
	show("pread last", pread(fd, buf, 4, 9999));
	printf("last byte %c\n", buf[0]);
	struct stat st;
	fstat(fd, &st);
	printf("size still %ld\n", (long)st.st_size);

	/* msync's own errors */
	s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("msync unaligned", msync(s + 1, 10, MS_SYNC));
	show("msync ASYNC|SYNC", msync(s, 4096, MS_ASYNC | MS_SYNC));
	show("msync bad flag", msync(s, 4096, 8));
	show("msync MS_ASYNC", msync(s, 4096, MS_ASYNC));
	show("msync MS_INVALIDATE", msync(s, 4096, MS_INVALIDATE));
	munmap(s, 4096);

	/* errors as Linux */
	map_error("bad fd", 4096, PROT_READ, MAP_PRIVATE, 99, 0);
	map_error("closed fd -1", 4096, PROT_READ, MAP_SHARED, -1, 0);
	map_error("length 0", 0, PROT_READ, MAP_PRIVATE, fd, 0);
	map_error("offset not aligned", 4096, PROT_READ, MAP_PRIVATE, fd, 100);
	map_error("neither shared nor private", 4096, PROT_READ, 0, fd, 0);
	int ro = open(DIR "/f", O_RDONLY);
	map_error("shared writable, O_RDONLY", 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	map_error("shared read-only, O_RDONLY", 4096, PROT_READ, MAP_SHARED, ro, 0);
	map_error("private writable, O_RDONLY", 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	int wo = open(DIR "/f", O_WRONLY);
	map_error("private, O_WRONLY", 4096, PROT_READ, MAP_PRIVATE, wo, 0);
	int ap = open(DIR "/f", O_RDWR | O_APPEND);
	map_error("shared writable, O_APPEND", 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	map_error("private writable, O_APPEND", 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ap, 0);
	int dir = open(DIR, O_RDONLY | O_DIRECTORY);
	map_error("directory", 4096, PROT_READ, MAP_PRIVATE, dir, 0);
	int pfd[2];
	pipe(pfd);
	map_error("pipe", 4096, PROT_READ, MAP_PRIVATE, pfd[0], 0);
	map_error("pipe write end", 4096, PROT_READ, MAP_PRIVATE, pfd[1], 0);
	map_error("bad fd, length 0", 0, PROT_READ, MAP_PRIVATE, 99, 0);
	int path = open(DIR "/f", O_PATH);
	map_error("O_PATH", 4096, PROT_READ, MAP_PRIVATE, path, 0);
	map_error("anonymous ignores fd", 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 99, 0);

	close(fd);
	unlink(DIR "/f");
	show("rmdir", rmdir(DIR));
	return 0;
}
