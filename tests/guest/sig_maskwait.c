/* The signal masks of ppoll, pselect and epoll_pwait hold while they wait:
 * a blocked pending signal that the call's mask lets through ends it with
 * EINTR after its handler ran, and the mask before the call is back after;
 * a call that returns ready descriptors runs no handler. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

static volatile int hits;
static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

static void after(const char *what, long r)
{
	sigset_t now, pend;
	sigprocmask(SIG_BLOCK, NULL, &now);
	sigpending(&pend);
	printf("%s: r=%ld errno=%d hits=%d blocked_after=%d pending=%d\n", what, r, errno, hits,
	       sigismember(&now, SIGUSR1), sigismember(&pend, SIGUSR1));
	errno = 0;
}

int main(void)
{
	int p[2];
	pipe(p);
	signal(SIGUSR1, on_usr1);
	sigset_t usr1, empty;
	sigemptyset(&usr1);
	sigemptyset(&empty);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	struct pollfd pfd = {p[0], POLLIN, 0};
	raise(SIGUSR1);
	after("ppoll", ppoll(&pfd, 1, NULL, &empty));

	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	raise(SIGUSR1);
	after("pselect", pselect(p[0] + 1, &rd, NULL, NULL, NULL, &empty));

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	raise(SIGUSR1);
	after("epoll_pwait", epoll_pwait(ep, &out, 1, -1, &empty));

	/* ready: returns the descriptor, the signal stays pending */
	write(p[1], "x", 1);
	raise(SIGUSR1);
	after("ppoll ready", ppoll(&pfd, 1, NULL, &empty));
	/* a timeout with the signal still blocked by the call's mask */
	char c;
	read(p[0], &c, 1);
	struct timespec ts = {0, 10000000};
	after("ppoll masked", ppoll(&pfd, 1, &ts, &usr1));
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	after("unblocked", 0);
	return 0;
}
