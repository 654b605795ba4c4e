/* select and poll on standard input from a file, reading to the end:
 * the totals only (a terminal's line discipline may split reads
 * differently than a file does; at the end a file polls readable, a
 * pipe hung up). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

int main(void)
{
	char buf[1000];
	long bytes = 0, lines = 0, r;
	int rounds = 0;
	setvbuf(stdout, 0, _IONBF, 0);
	for (;;) {
		fd_set rd;
		FD_ZERO(&rd);
		FD_SET(0, &rd);
		struct timeval tv = {10, 0};
		int n = select(1, &rd, 0, 0, &tv);
		if (n != 1 || !FD_ISSET(0, &rd)) {
			printf("select = %d %s\n", n, n < 0 ? strerror(errno) : "");
			return 1;
		}
		if ((r = read(0, buf, sizeof(buf))) <= 0)
			break;
		bytes += r;
		for (long i = 0; i < r; i++)
			lines += buf[i] == '\n';
		rounds++;
	}
	printf("read = %ld after %s rounds: %ld bytes, %ld lines\n", r, rounds > 1 ? "several" : "few",
	       bytes, lines);
	struct pollfd p = {0, POLLIN, 0};
	int n = poll(&p, 1, 1000);
	printf("poll at end of file = %d, readable or hung up %d\n", n, !!(p.revents & (POLLIN | POLLHUP)));
	printf("read again = %ld\n", (long)read(0, buf, sizeof(buf)));
	return 0;
}
