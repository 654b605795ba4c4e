/* SIGPIPE from a write to a pipe without a reader: ignored, the write
 * fails with EPIPE; with a handler, it runs once and the write fails with
 * EPIPE; blocked, it stays pending. The same from a send on a socket
 * whose peer is gone, none with MSG_NOSIGNAL. (The default action, ending
 * the program with status 141, is tests/integration/signals.sh's.) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile int hits;
static void on_pipe(int sig)
{
	(void)sig;
	hits++;
}

int main(void)
{
	int p[2];
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	long r = write(p[1], "x", 1);
	printf("ignored: r=%ld errno=%d\n", r, errno);
	signal(SIGPIPE, on_pipe);
	errno = 0;
	r = write(p[1], "x", 1);
	printf("handler: r=%ld errno=%d hits=%d\n", r, errno, hits);
	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	r = write(p[1], "x", 1);
	sigpending(&pend);
	printf("blocked: r=%ld pending=%d hits=%d\n", r, sigismember(&pend, SIGPIPE), hits);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("unblocked: hits=%d\n", hits);

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	errno = 0;
	r = send(sv[0], "x", 1, MSG_NOSIGNAL);
	printf("socket nosignal: r=%ld errno=%d hits=%d\n", r, errno, hits);
	errno = 0;
	r = send(sv[0], "x", 1, 0);
	printf("socket send: r=%ld errno=%d hits=%d\n", r, errno, hits);
	errno = 0;
	r = write(sv[0], "x", 1);
	printf("socket write: r=%ld errno=%d hits=%d\n", r, errno, hits);
	return 0;
}
