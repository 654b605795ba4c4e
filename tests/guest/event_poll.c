/* poll and ppoll on pipes: POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL,
 * negative descriptors, timeouts (0, short, none), and their errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static struct pollfd *volatile bad = (struct pollfd *)8;

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void list(const char *what, struct pollfd *p, int n, int timeout)
{
	int r = poll(p, n, timeout);
	printf("%s = %d%s%s:", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
	for (int i = 0; i < n; i++)
		printf(" %#x", p[i].revents);
	printf("\n");
}

int main(void)
{
	int a[2], b[2];
	char buf[8];
	struct timespec t0;
	setvbuf(stdout, 0, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	pipe(a);
	pipe(b);

	struct pollfd p[6] = {
		{a[0], POLLIN, 0x55},  {a[1], POLLOUT, 0}, {b[0], POLLIN | POLLPRI, 0},
		{-1, POLLIN, 0x77},    {99, POLLIN, 0},    {a[1], POLLIN, 0},
	};
	list("empty pipes", p, 6, 0);
	write(a[1], "x", 1);
	list("a has data", p, 6, 0);
	p[0].events = POLLRDNORM;
	p[1].events = POLLWRNORM;
	list("RDNORM, WRNORM", p, 2, 0);
	p[0].events = 0;
	p[1].events = 0;
	list("no events asked", p, 2, 0);
	p[0].events = POLLIN;
	p[1].events = POLLOUT;
	read(a[0], buf, 1);
	close(b[1]);
	list("b's writer closed", p, 3, 0);
	p[2].events = POLLIN | POLLRDHUP;
	list("RDHUP asked on a pipe", p + 2, 1, 0);
	p[2].events = 0;
	list("HUP without asking", p + 2, 1, 0);
	close(a[0]);
	list("a's reader closed", p + 1, 1, 0);

	/* timeouts */
	pipe(a);
	struct pollfd q = {a[0], POLLIN, 0};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("poll 30 ms on an empty pipe", poll(&q, 1, 30));
	printf("waited at least 30 ms: %d\n", ms_since(&t0) >= 30);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("poll nothing for 20 ms", poll(0, 0, 20));
	printf("waited at least 20 ms: %d\n", ms_since(&t0) >= 20);
	write(a[1], "y", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("poll forever on a ready pipe", poll(&q, 1, -1));
	printf("at once: %d\n", ms_since(&t0) < 1000);

	struct timespec ts = {0, 20000000};
	q.revents = 0;
	read(a[0], buf, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("ppoll 20 ms", ppoll(&q, 1, &ts, 0));
	printf("waited at least 20 ms: %d\n", ms_since(&t0) >= 20);
	ts = (struct timespec){0, 0};
	show("ppoll 0", ppoll(&q, 1, &ts, 0));
	write(a[1], "z", 1);
	sigset_t set;
	sigemptyset(&set);
	show("ppoll with a sigmask, no timeout", ppoll(&q, 1, 0, &set));
	printf("revents %#x\n", q.revents);

	/* errors */
	ts = (struct timespec){0, 1000000000};
	show("ppoll nsec 1e9", ppoll(&q, 1, &ts, 0));
	ts = (struct timespec){-1, 0};
	show("ppoll sec -1", ppoll(&q, 1, &ts, 0));
	show("poll bad pointer", poll(bad, 1, 0));
	show("poll 0 fds at a bad pointer", poll(bad, 0, 0));
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 1024; /* the host's may be larger */
	setrlimit(RLIMIT_NOFILE, &rl);
	static struct pollfd many[2048];
	for (int i = 0; i < 2048; i++)
		many[i].fd = -1;
	show("poll RLIMIT_NOFILE fds", poll(many, rl.rlim_cur, 0));
	show("poll RLIMIT_NOFILE + 1 fds", poll(many, rl.rlim_cur + 1, 0));
	return 0;
}
