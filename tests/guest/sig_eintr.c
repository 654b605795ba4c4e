/* A handler interrupting blocking calls: a pipe read gives EINTR, or with
 * SA_RESTART is restarted (and reads what the handler wrote); a write to
 * a full pipe, nanosleep (with the time left), poll, select and
 * epoll_wait end with EINTR even with SA_RESTART, as man 7 signal says. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int p[2];
static volatile int hits, write_in_handler;

static void on_alarm(int sig)
{
	(void)sig;
	hits++;
	if (write_in_handler)
		write(p[1], "x", 1);
}

static void arm(void)
{
	struct itimerval it = {{0, 0}, {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void handler(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

int main(void)
{
	char buf[16];
	pipe(p);
	handler(0);
	arm();
	errno = 0;
	long r = read(p[0], buf, sizeof(buf));
	printf("read: r=%ld errno=%d hits=%d\n", r, errno, hits);

	handler(SA_RESTART);
	write_in_handler = 1;
	arm();
	r = read(p[0], buf, sizeof(buf));
	printf("restarted read: r=%ld c=%c hits=%d\n", r, r > 0 ? buf[0] : '?', hits);
	write_in_handler = 0;

	struct timespec req = {5, 0}, rem = {0, 0};
	arm();
	r = nanosleep(&req, &rem);
	printf("nanosleep: r=%ld errno=%d rem_ok=%d hits=%d\n", r, errno,
	       rem.tv_sec >= 3 && rem.tv_sec <= 5, hits);

	struct pollfd pfd = {p[0], POLLIN, 0};
	arm();
	r = poll(&pfd, 1, -1);
	printf("poll: r=%ld errno=%d hits=%d\n", r, errno, hits);

	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	arm();
	r = select(p[0] + 1, &rd, 0, 0, 0);
	printf("select: r=%ld errno=%d hits=%d\n", r, errno, hits);

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	arm();
	r = epoll_wait(ep, &out, 1, -1);
	printf("epoll_wait: r=%ld errno=%d hits=%d\n", r, errno, hits);

	/* fill the pipe, then a blocking write waits until the signal */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	long total = 0;
	while ((r = write(p[1], buf, sizeof(buf))) > 0)
		total += r;
	fcntl(p[1], F_SETFL, 0);
	handler(0);
	arm();
	r = write(p[1], buf, 1);
	printf("full pipe write: r=%ld errno=%d filled=%ld hits=%d\n", r, errno, total, hits);

	/* pause and sigsuspend return after the handler, EINTR */
	arm();
	r = pause();
	printf("pause: r=%ld errno=%d hits=%d\n", r, errno, hits);
	return 0;
}
