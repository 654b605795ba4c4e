/* Descriptors: dup, dup2, dup3, fcntl flags, close, EBADF and EMFILE, the
 * console's stat and isatty with stdin from /dev/null on both sides. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void)
{
	char buf[16];
	setvbuf(stdout, 0, _IONBF, 0); /* the same order of output whatever stdout is */
	show("write(99)", write(99, "x", 1));
	show("read(-1)", read(-1, buf, 1));
	show("close(42)", close(42));
	show("dup(1)", dup(1));
	show("dup2(1, 10)", dup2(1, 10));
	show("write(10)", write(10, "ten\n", 4));
	show("dup2(10, 10)", dup2(10, 10));
	show("dup3(10, 10, 0)", dup3(10, 10, 0));
	show("dup3(1, 11, O_CLOEXEC)", dup3(1, 11, O_CLOEXEC));
	show("F_GETFD 11", fcntl(11, F_GETFD));
	show("F_SETFD 11 0", fcntl(11, F_SETFD, 0));
	show("F_GETFD 11", fcntl(11, F_GETFD));
	show("F_DUPFD 1 20", fcntl(1, F_DUPFD, 20));
	show("F_DUPFD_CLOEXEC 1 20", fcntl(1, F_DUPFD_CLOEXEC, 20));
	show("F_GETFD 21", fcntl(21, F_GETFD));
	show("F_DUPFD -1", fcntl(1, F_DUPFD, -1));
	show("close(10)", close(10));
	show("close(10) again", close(10));
	show("dup2(99, 5)", dup2(99, 5));
	/* positioned calls: a stream is ESPIPE, a negative position EINVAL */
	int p[2] = {-1, -1};
	show("pipe", pipe(p));
	show("pread(pipe)", pread(p[0], buf, 1, 0));
	show("pwrite(pipe)", pwrite(p[1], "x", 1, 0));
	struct iovec v = {buf, 1};
	show("preadv(pipe)", preadv(p[0], &v, 1, 0));
	char name[] = "/tmp/uk-guest-fd_basic-XXXXXX";
	int f = mkstemp(name);
	show("pwrite(file, 3)", pwrite(f, "abc", 3, 3));
	show("pread(file, -1)", pread(f, buf, 1, -1));
	show("pread(file, 4)", pread(f, buf, 2, 4));
	printf("read [%.2s]\n", buf);
	show("lseek after pread", lseek(f, 0, SEEK_CUR));
	unlink(name);
	/* close_range: closes what is open in the range, flags checked */
	show("dup2(1, 30)", dup2(1, 30));
	show("dup2(1, 31)", dup2(1, 31));
	show("close_range(30, 40, 0)", syscall(SYS_close_range, 30, 40, 0));
	show("write(30)", write(30, "x", 1));
	show("close_range(40, 30, 0)", syscall(SYS_close_range, 40, 30, 0));
	show("close_range(0, 1, 99)", syscall(SYS_close_range, 0, 1, 99));
	struct rlimit rl;
	show("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = 32;
	show("setrlimit 32", setrlimit(RLIMIT_NOFILE, &rl));
	show("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
	printf("soft %lu\n", (unsigned long)rl.rlim_cur);
	struct rlimit bad = {64, 32};
	show("setrlimit soft > hard", setrlimit(RLIMIT_NOFILE, &bad));
	int n = 0, last = 0, fd;
	while ((fd = dup(1)) >= 0) {
		last = fd;
		n++;
	}
	printf("dup until %s: %d more, last %d\n", strerror(errno), n, last);
	show("F_DUPFD 1 40 past the limit", fcntl(1, F_DUPFD, 40));
	show("dup2(1, 40) past the limit", dup2(1, 40));
	return 0;
}
