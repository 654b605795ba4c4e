/* Waiting on standard input fed by a pipe: epoll (edge-triggered, the
 * descriptor non-blocking and drained at each event) and poll, until
 * argv[1] bytes have come. Needs no end of file. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long want = argc > 1 ? atol(argv[1]) : 1, total = 0, lines = 0;
	char buf[256];
	setvbuf(stdout, 0, _IONBF, 0);
	struct pollfd p = {0, POLLIN, 0};
	int n = poll(&p, 1, 10000);
	printf("poll = %d revents %#x\n", n, p.revents);
	fcntl(0, F_SETFL, O_NONBLOCK);
	int ep = epoll_create1(0);
	struct epoll_event ev = {EPOLLIN | EPOLLET, {.u64 = 42}};
	printf("epoll_ctl = %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev));
	while (total < want) {
		n = epoll_wait(ep, &ev, 1, 10000);
		if (n != 1) {
			printf("epoll_wait = %d %s after %ld bytes\n", n, n < 0 ? strerror(errno) : "", total);
			return 1;
		}
		long r;
		while ((r = read(0, buf, sizeof(buf))) > 0) {
			total += r;
			for (long i = 0; i < r; i++)
				lines += buf[i] == '\n';
		}
		if (r == 0 || errno != EAGAIN)
			break;
	}
	printf("data %llu: %ld bytes, %ld lines\n", (unsigned long long)ev.data.u64, total, lines);
	return 0;
}
