/* eventfd: counter and semaphore modes, EAGAIN at 0 and at the maximum,
 * EINVAL for short buffers and bad flags, readiness through poll. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void rd(int fd)
{
	uint64_t v = 0;
	long r = read(fd, &v, 8);
	printf("read = %ld%s%s value %llu\n", r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "",
	       (unsigned long long)v);
}

static void wr(int fd, uint64_t v)
{
	long r = write(fd, &v, 8);
	printf("write %llu = %ld%s%s\n", (unsigned long long)v, r, r < 0 ? " " : "",
	       r < 0 ? strerror(errno) : "");
}

static void readiness(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	int r = poll(&p, 1, 0);
	printf("poll = %d revents %#x\n", r, p.revents);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	int fd = eventfd(3, EFD_NONBLOCK);
	printf("eventfd %d F_GETFL %#o\n", fd, fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	readiness(fd);
	rd(fd);
	rd(fd);
	readiness(fd);
	wr(fd, 5);
	wr(fd, 7);
	rd(fd);
	show("read 4 bytes", read(fd, &(uint64_t){0}, 4));
	show("write 4 bytes", write(fd, &(uint64_t){1}, 4));
	wr(fd, UINT64_MAX);
	wr(fd, UINT64_MAX - 1);
	readiness(fd);
	wr(fd, 1);
	wr(fd, 0);
	rd(fd);
	wr(fd, 0);
	rd(fd);
	show("read 16 bytes", read(fd, (uint64_t[2]){0}, 16));
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	printf("semaphore FD_CLOEXEC %d\n", fcntl(fd, F_GETFD));
	rd(fd);
	wr(fd, 3);
	for (int i = 0; i < 5; i++)
		rd(fd);
	close(fd);

	/* blocking: a read waits only while the count is 0 */
	fd = eventfd(1, 0);
	rd(fd);
	wr(fd, 9);
	rd(fd);
	close(fd);

	show("eventfd bad flags", eventfd(0, 0100));
	show("eventfd O_APPEND", eventfd(0, O_APPEND));
	uint64_t v;
	show("eventfd_write", eventfd_write((fd = eventfd(0, 0)), 41));
	show("eventfd_read", eventfd_read(fd, &v));
	printf("value %llu\n", (unsigned long long)v);
	return 0;
}
