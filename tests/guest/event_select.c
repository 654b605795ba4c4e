/* select and pselect on pipes: readable, writable, EOF and a gone reader
 * count as ready, the sets rewritten, EBADF, EINVAL, timeouts and how
 * the system call updates its timeout (musl's select passes a copy, so
 * that part calls the system call itself). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void sets(const char *what, int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	int k = select(n, r, w, e, tv);
	printf("%s = %d%s%s: read", what, k, k < 0 ? " " : "", k < 0 ? strerror(errno) : "");
	for (int fd = 0; fd < n; fd++)
		if (r && FD_ISSET(fd, r))
			printf(" %d", fd);
	printf(" write");
	for (int fd = 0; fd < n; fd++)
		if (w && FD_ISSET(fd, w))
			printf(" %d", fd);
	printf(" except");
	for (int fd = 0; fd < n; fd++)
		if (e && FD_ISSET(fd, e))
			printf(" %d", fd);
	printf("\n");
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void reset(int *a, int *b, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	FD_ZERO(r);
	FD_ZERO(w);
	FD_ZERO(e);
	FD_SET(a[0], r);
	FD_SET(b[0], r);
	FD_SET(a[1], w);
	FD_SET(b[1], w);
	FD_SET(a[0], e);
	FD_SET(a[1], e);
	*tv = (struct timeval){0, 0};
}

int main(void)
{
	int a[2], b[2];
	fd_set r, w, e;
	struct timeval tv;
	struct timespec t0;
	setvbuf(stdout, 0, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	pipe(a); /* 3 4 */
	pipe(b); /* 5 6 */

	reset(a, b, &r, &w, &e, &tv);
	sets("empty pipes", 7, &r, &w, &e, &tv);
	write(a[1], "x", 1);
	reset(a, b, &r, &w, &e, &tv);
	sets("a has data", 7, &r, &w, &e, &tv);
	reset(a, b, &r, &w, &e, &tv);
	sets("nfds 4 ignores 5 and 6", 4, &r, &w, &e, &tv);
	reset(a, b, &r, &w, &e, &tv);
	sets("read set only", 7, &r, 0, 0, &tv);
	close(b[1]);
	FD_ZERO(&r);
	FD_SET(b[0], &r);
	sets("b at EOF", 7, &r, 0, 0, &tv);
	close(a[0]);
	FD_ZERO(&w);
	FD_SET(a[1], &w);
	FD_SET(a[1], &r);
	sets("a's reader gone", 7, &r, &w, 0, &tv);

	/* errors */
	FD_ZERO(&r);
	FD_SET(a[0], &r);
	tv = (struct timeval){0, 0};
	show("closed fd in the set", select(7, &r, 0, 0, &tv));
	FD_ZERO(&r);
	FD_SET(20, &r);
	show("closed fd 20 with nfds 21", select(21, &r, 0, 0, &tv));
	show("closed fd 20 with nfds 20", select(20, &r, 0, 0, &tv));
	show("nfds -1", select(-1, 0, 0, 0, &tv));
	tv = (struct timeval){-1, 0};
	show("tv_sec -1", select(0, 0, 0, 0, &tv));
	tv = (struct timeval){0, -1};
	show("tv_usec -1", select(0, 0, 0, 0, &tv));
	show("bad set", select(7, (fd_set *)8, 0, 0, &(struct timeval){0, 0}));

	/* timeouts, and the timeout written back by the system call */
	pipe(a);
	FD_ZERO(&r);
	FD_SET(a[0], &r);
	tv = (struct timeval){0, 30000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("select 30 ms", syscall(SYS_select, a[0] + 1, &r, NULL, NULL, &tv));
	printf("waited at least 30 ms: %d; left %ld.%06ld; set now %d\n", ms_since(&t0) >= 30,
	       (long)tv.tv_sec, (long)tv.tv_usec, FD_ISSET(a[0], &r));
	write(a[1], "x", 1);
	FD_SET(a[0], &r);
	tv = (struct timeval){5, 2500000}; /* whole seconds of usec carry over */
	show("select 7.5 s, ready", syscall(SYS_select, a[0] + 1, &r, NULL, NULL, &tv));
	printf("left between 6.5 and 7.5 s: %d\n",
	       tv.tv_usec < 1000000 && tv.tv_sec * 1000000 + tv.tv_usec > 6500000 &&
		       tv.tv_sec * 1000000 + tv.tv_usec <= 7500000);
	tv = (struct timeval){0, 0};
	show("select 0, ready", syscall(SYS_select, a[0] + 1, &r, NULL, NULL, &tv));
	printf("left %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("select nothing for 20 ms", select(0, 0, 0, 0, &(struct timeval){0, 20000}));
	printf("waited at least 20 ms: %d\n", ms_since(&t0) >= 20);

	struct timespec ts = {0, 20000000};
	sigset_t mask;
	sigemptyset(&mask);
	read(a[0], (char[1]){0}, 1);
	FD_SET(a[0], &r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("pselect 20 ms", pselect(a[0] + 1, &r, 0, 0, &ts, &mask));
	printf("waited at least 20 ms: %d\n", ms_since(&t0) >= 20);
	FD_SET(a[1], &w);
	show("pselect, no timeout, writable", pselect(a[1] + 1, 0, &w, 0, 0, 0));
	ts = (struct timespec){0, 1000000000};
	show("pselect nsec 1e9", pselect(1, 0, 0, 0, &ts, 0));
	long sig[2] = {(long)&mask, 4};
	ts = (struct timespec){0, 0};
	show("pselect6 sigset size 4", syscall(SYS_pselect6, 1, NULL, NULL, NULL, &ts, sig));
	ts = (struct timespec){1, 0};
	show("pselect6, ready", syscall(SYS_pselect6, a[1] + 1, NULL, &w, NULL, &ts, NULL));
	printf("left between 0.5 and 1 s: %d\n",
	       ts.tv_sec * 1000000000 + ts.tv_nsec > 500000000 && ts.tv_sec * 1000000000 + ts.tv_nsec <= 1000000000);
	return 0;
}
