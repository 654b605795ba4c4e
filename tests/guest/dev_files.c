/* /dev: the devices' types, modes and numbers, the stream links, what
 * reading and writing each does (ENOSPC on /dev/full), /dev/shm, and a
 * private mapping of /dev/zero. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void device(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		printf("%s: %s\n", path, strerror(errno));
		return;
	}
	printf("%s: %s %o %u,%u\n", path, S_ISCHR(st.st_mode) ? "char" : "other",
	       (unsigned)(st.st_mode & 07777), major(st.st_rdev), minor(st.st_rdev));
}

static void link_(const char *path)
{
	struct stat st;
	char buf[64];
	long n = readlink(path, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("%s: %s -> %s\n", path, !lstat(path, &st) && S_ISLNK(st.st_mode) ? "link" : "not a link",
	       n < 0 ? strerror(errno) : buf);
}

static int zeros(const char *b, int n)
{
	for (int i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	const char *devs[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
			      "/dev/urandom", "/dev/tty", "/dev/console"};
	for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		device(devs[i]);
	link_("/dev/stdin");
	link_("/dev/stdout");
	link_("/dev/stderr");
	link_("/dev/fd");
	device("/dev/nothing");

	char buf[64];
	memset(buf, 'x', sizeof(buf));
	int fd = open("/dev/zero", O_RDWR);
	show("read /dev/zero 64", read(fd, buf, 64));
	printf("all zero: %d\n", zeros(buf, 64));
	show("write /dev/zero", write(fd, "abc", 3));
	show("lseek /dev/zero", lseek(fd, 0, SEEK_SET));
	close(fd);

	fd = open("/dev/null", O_RDWR | O_TRUNC);
	show("read /dev/null", read(fd, buf, 64));
	show("write /dev/null", write(fd, "hello", 5));
	close(fd);

	fd = open("/dev/full", O_RDWR);
	show("write /dev/full", write(fd, "x", 1));
	memset(buf, 'x', sizeof(buf));
	show("read /dev/full 8", read(fd, buf, 8));
	printf("all zero: %d\n", zeros(buf, 8));
	close(fd);

	char a[32], b[32];
	fd = open("/dev/urandom", O_RDONLY);
	show("read /dev/urandom 32", read(fd, a, 32));
	show("again", read(fd, b, 32));
	printf("the two differ: %d\n", memcmp(a, b, 32) != 0);
	show("write /dev/urandom O_RDONLY", write(fd, "x", 1));
	close(fd);
	fd = open("/dev/random", O_RDONLY);
	show("read /dev/random 16", read(fd, a, 16));
	close(fd);

	struct stat st;
	show("stat /dev/shm", stat("/dev/shm", &st));
	printf("/dev/shm: %s %o\n", S_ISDIR(st.st_mode) ? "dir" : "other", (unsigned)(st.st_mode & 07777));
	unlink("/dev/shm/dev_files.shm");
	fd = open("/dev/shm/dev_files.shm", O_RDWR | O_CREAT | O_EXCL, 0600);
	show("write in /dev/shm", write(fd, "shared", 6));
	show("pread it", pread(fd, buf, 6, 0));
	close(fd);
	show("unlink it", unlink("/dev/shm/dev_files.shm"));

	fd = open("/dev/zero", O_RDONLY);
	char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("mmap /dev/zero: %s, zero %d\n", m == MAP_FAILED ? strerror(errno) : "ok",
	       m != MAP_FAILED && zeros(m, 8192));
	if (m != MAP_FAILED) {
		m[100] = 1;
		show("munmap", munmap(m, 8192));
	}
	close(fd);
	return 0;
}
