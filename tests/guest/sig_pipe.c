/* SIGPIPE from a write to a pipe without a reader: ignored, the write
 * fails with EPIPE; with a handler, it runs once and the write fails with
 * EPIPE; blocked, it stays pending. (The default action, ending the
 * program with status 141, is tests/integration/signals.sh's.) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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
	return 0;
}
