/* Files that cannot wait: poll and select call a regular file, a folder
 * and /dev/null always ready; epoll refuses them (EPERM). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#define SCRATCH "/tmp/event_files.scratch"

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	unlink(SCRATCH);
	int f = open(SCRATCH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	int n = open("/dev/null", O_RDWR);
	int ep = epoll_create1(0);
	struct epoll_event ev = {EPOLLIN, {0}};
	show("epoll_ctl regular file", epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev));
	show("epoll_ctl folder", epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev));
	show("epoll_ctl /dev/null", epoll_ctl(ep, EPOLL_CTL_ADD, n, &ev));
	struct pollfd p[3] = {{f, POLLIN | POLLOUT | POLLPRI, 0}, {d, POLLIN, 0}, {n, POLLOUT, 0}};
	int k = poll(p, 3, -1);
	printf("poll = %d: %#x %#x %#x\n", k, p[0].revents, p[1].revents, p[2].revents);
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(f, &r);
	FD_SET(f, &w);
	FD_SET(n, &r);
	k = select(n + 1, &r, &w, 0, 0);
	printf("select = %d: %d %d %d\n", k, FD_ISSET(f, &r), FD_ISSET(f, &w), FD_ISSET(n, &r));
	close(f);
	unlink(SCRATCH);
	return 0;
}
