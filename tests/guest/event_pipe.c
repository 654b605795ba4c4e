/* Pipes: end of file, EPIPE, EAGAIN, the 64 KiB capacity and how writes
 * fill it, atomic writes of PIPE_BUF, dup'd ends, FIONREAD, fstat,
 * F_GETPIPE_SZ/F_SETPIPE_SZ, packet mode, and the errors of pipe2. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static char big[200000];
static int *volatile bad = (int *)8; /* an address no program owns */

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static long fill(int fd, size_t chunk)
{
	long total = 0, r;
	while ((r = write(fd, big, chunk)) > 0)
		total += r;
	printf("filled with %zu-byte writes: %ld (then %s)\n", chunk, total, strerror(errno));
	return total;
}

static long drain(int fd)
{
	long total = 0, r;
	while ((r = read(fd, big, sizeof(big))) > 0)
		total += r;
	return total;
}

static int nread(int fd)
{
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

int main(void)
{
	int p[2], q[2];
	char buf[64];
	setvbuf(stdout, 0, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN); /* Linux would end the program at EPIPE */

	show("pipe", pipe(p));
	printf("fds %d %d\n", p[0], p[1]);
	show("write 5", write(p[1], "hello", 5));
	printf("FIONREAD %d\n", nread(p[0]));
	show("read 3", read(p[0], buf, 3));
	show("read rest", read(p[0], buf, sizeof(buf)));
	show("read 0 bytes", read(p[0], buf, 0));
	show("write 0 bytes", write(p[1], buf, 0));
	show("read on the write end", read(p[1], buf, 1));
	show("write on the read end", write(p[0], "x", 1));
	show("lseek", lseek(p[0], 0, SEEK_SET));
	struct stat st;
	show("fstat", fstat(p[0], &st));
	printf("fifo %d mode %o size %ld nlink %ld\n", S_ISFIFO(st.st_mode), st.st_mode & 07777,
	       (long)st.st_size, (long)st.st_nlink);
	struct stat st1;
	fstat(p[1], &st1);
	printf("same inode %d\n", st.st_ino == st1.st_ino);
	printf("F_GETFL %o %o\n", fcntl(p[0], F_GETFL), fcntl(p[1], F_GETFL));

	/* a second write end keeps the pipe open */
	int w2 = dup(p[1]);
	show("close first write end", close(p[1]));
	show("write through the dup", write(w2, "ab", 2));
	show("read", read(p[0], buf, sizeof(buf)));
	show("close the dup", close(w2));
	show("read at EOF", read(p[0], buf, sizeof(buf)));
	show("read at EOF again", read(p[0], buf, sizeof(buf)));
	close(p[0]);

	/* no reader: EPIPE */
	pipe(p);
	close(p[0]);
	show("write without reader", write(p[1], "x", 1));
	show("write 0 without reader", write(p[1], "x", 0));
	close(p[1]);

	/* non-blocking: EAGAIN when empty, capacity when full */
	show("pipe2 O_NONBLOCK", pipe2(p, O_NONBLOCK));
	printf("F_GETFL %o\n", fcntl(p[0], F_GETFL) & ~O_LARGEFILE);
	show("read empty", read(p[0], buf, 1));
	show("one write of 200000", write(p[1], big, sizeof(big)));
	show("write 1 when full", write(p[1], "x", 1));
	printf("FIONREAD %d\n", nread(p[0]));
	show("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	printf("drained %ld\n", drain(p[0]));
	fill(p[1], 1);
	printf("drained %ld\n", drain(p[0]));
	fill(p[1], 4096);
	/* reading part of a buffer frees no buffer: still full */
	show("read 1", read(p[0], buf, 1));
	show("write 1 after reading 1", write(p[1], "x", 1));
	show("read 4095", read(p[0], big, 4095));
	show("write 4096 after a buffer is free", write(p[1], big, 4096));
	printf("drained %ld\n", drain(p[0]));
	/* writes that do not fill pages leave room unused */
	fill(p[1], 1000);
	printf("drained %ld\n", drain(p[0]));
	fill(p[1], 3000);
	printf("drained %ld\n", drain(p[0]));
	/* atomic: a write of PIPE_BUF bytes or less goes whole or not at all */
	fill(p[1], 4096);
	read(p[0], big, 100);
	show("write 100 (PIPE_BUF or less, no buffer free)", write(p[1], big, 100));
	read(p[0], big, 3996);
	show("write PIPE_BUF", write(p[1], big, PIPE_BUF));
	show("write PIPE_BUF when full", write(p[1], big, PIPE_BUF));
	printf("drained %ld\n", drain(p[0]));
	/* a write of more than PIPE_BUF takes what fits */
	fill(p[1], 4096);
	read(p[0], big, 4096);
	read(p[0], big, 4096);
	show("write 10000 with 2 buffers free", write(p[1], big, 10000));
	printf("drained %ld\n", drain(p[0]));
	/* a small write tops up the last buffer */
	show("write 10", write(p[1], big, 10));
	show("write 5000", write(p[1], big, 5000));
	printf("FIONREAD %d\n", nread(p[0]));
	printf("drained %ld\n", drain(p[0]));

	/* pipe sizes */
	show("F_SETPIPE_SZ 100", fcntl(p[1], F_SETPIPE_SZ, 100));
	show("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	fill(p[1], 1);
	show("F_SETPIPE_SZ 0 when holding 4096", fcntl(p[1], F_SETPIPE_SZ, 0));
	show("F_SETPIPE_SZ 20000", fcntl(p[1], F_SETPIPE_SZ, 20000));
	show("read 10", read(p[0], buf, 10));
	printf("FIONREAD %d\n", nread(p[0]));
	printf("drained %ld\n", drain(p[0]));
	fill(p[1], 4096);
	show("F_SETPIPE_SZ 4096 when holding 8 buffers", fcntl(p[1], F_SETPIPE_SZ, 4096));
	printf("drained %ld\n", drain(p[0]));
	show("F_GETPIPE_SZ on stdout", fcntl(1, F_GETPIPE_SZ));
	show("close write end", close(p[1]));
	show("read at EOF (non-blocking)", read(p[0], buf, 1));
	close(p[0]);

	/* packet mode */
	show("pipe2 O_DIRECT|O_NONBLOCK", pipe2(p, O_DIRECT | O_NONBLOCK));
	write(p[1], "first", 5);
	write(p[1], "second", 6);
	show("read 3 of a packet", read(p[0], buf, 3));
	printf("got %.3s\n", buf);
	show("read next packet", read(p[0], buf, sizeof(buf)));
	printf("got %.6s\n", buf);
	fill(p[1], 1);
	printf("drained %ld\n", drain(p[0]));
	close(p[0]);
	close(p[1]);

	/* errors */
	show("pipe2 bad flags", pipe2(p, O_APPEND));
	show("pipe2 O_CLOEXEC", pipe2(q, O_CLOEXEC));
	printf("FD_CLOEXEC %d %d\n", fcntl(q[0], F_GETFD), fcntl(q[1], F_GETFD));
	show("pipe bad pointer", pipe(bad));
	show("FIONBIO", ioctl(q[0], FIONBIO, &(int){1}));
	show("read empty after FIONBIO", read(q[0], buf, 1));
	show("bad ioctl", ioctl(q[0], TCGETS, buf));
	return 0;
}
