/* epoll on pipes and eventfds: level- and edge-triggered, one-shot,
 * EPOLLRDHUP, the order of the ready list, registrations that outlive a
 * closed descriptor (per open file) and go with the file, nested epolls
 * (in poll too), ELOOP, timeouts, and every errno of the calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct epoll_event *volatile bad = (struct epoll_event *)8;

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static int ctl(int ep, int op, int fd, unsigned events, unsigned long long data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, op, fd, &ev);
}

static void wait_for(const char *what, int ep, int max, int timeout)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, timeout);
	printf("%s = %d%s%s:", what, n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
	for (int i = 0; i < n; i++)
		printf(" %llx/%#x", (unsigned long long)ev[i].data.u64, ev[i].events);
	printf("\n");
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
	int p[2], q[2], r[2];
	char buf[16];
	setvbuf(stdout, 0, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);

	show("epoll_create(0)", epoll_create(0));
	show("epoll_create(-1)", epoll_create(-1));
	show("epoll_create1(bad flags)", epoll_create1(1));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	printf("epoll fd %d FD_CLOEXEC %d F_GETFL %#o\n", ep, fcntl(ep, F_GETFD),
	       fcntl(ep, F_GETFL) & ~O_LARGEFILE);
	show("read on epoll", read(ep, buf, 1));
	show("write on epoll", write(ep, buf, 1));
	pipe(p);

	/* errors of epoll_ctl and epoll_wait */
	show("ctl bad epfd", ctl(99, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
	show("ctl bad fd", ctl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 1));
	show("ctl epfd not epoll", ctl(p[1], EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
	show("ctl add itself", ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 1));
	show("ctl bad op", ctl(ep, 7, p[0], EPOLLIN, 1));
	show("ctl bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], bad));
	show("ctl mod unknown", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 1));
	show("ctl del unknown", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], 0));
	show("ctl add EPOLLEXCLUSIVE|EPOLLONESHOT", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1));
	show("ctl add", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x1122334455667788ull));
	show("ctl add again", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
	show("ctl mod EPOLLEXCLUSIVE", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
	show("wait maxevents 0", epoll_wait(ep, (struct epoll_event[1]){0}, 0, 0));
	show("wait maxevents -1", epoll_wait(ep, (struct epoll_event[1]){0}, -1, 0));
	show("wait bad epfd", epoll_wait(99, (struct epoll_event[1]){0}, 1, 0));
	show("wait on a pipe", epoll_wait(p[0], (struct epoll_event[1]){0}, 1, 0));
	show("wait bad events, none ready", epoll_wait(ep, bad, 1, 0));
	write(p[1], "q", 1);
	show("wait bad events, one ready", epoll_wait(ep, bad, 1, 0));
	read(p[0], buf, 1);
	show("pwait sigset size 4",
	     syscall(SYS_epoll_pwait, ep, (struct epoll_event[1]){0}, 1, 0, &(sigset_t){0}, 4));

	/* level-triggered */
	wait_for("LT empty", ep, 8, 0);
	write(p[1], "ab", 2);
	wait_for("LT data", ep, 8, 0);
	wait_for("LT data again", ep, 8, 0);
	read(p[0], buf, 1);
	wait_for("LT after reading 1", ep, 8, 0);
	read(p[0], buf, 1);
	wait_for("LT after reading all", ep, 8, 0);
	show("del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], 0));
	write(p[1], "c", 1);
	wait_for("after del", ep, 8, 0);

	/* edge-triggered */
	show("add ET", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLET, 0xe7));
	wait_for("ET already readable", ep, 8, 0);
	wait_for("ET again", ep, 8, 0);
	write(p[1], "d", 1);
	wait_for("ET after a write", ep, 8, 0);
	wait_for("ET again", ep, 8, 0);
	read(p[0], buf, sizeof(buf));
	wait_for("ET after reading", ep, 8, 0);
	show("mod ET to LT|OUT (read end: never writable)", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLOUT, 0x17));
	wait_for("LT empty", ep, 8, 0);
	show("del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], 0));

	/* one-shot */
	show("add ONESHOT", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLONESHOT, 0x1));
	write(p[1], "e", 1);
	wait_for("ONESHOT", ep, 8, 0);
	wait_for("ONESHOT disabled", ep, 8, 0);
	write(p[1], "f", 1);
	wait_for("ONESHOT disabled after a write", ep, 8, 0);
	show("mod re-arms", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 0x2));
	wait_for("ONESHOT re-armed", ep, 8, 0);
	wait_for("ONESHOT disabled", ep, 8, 0);
	show("add again while disabled", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x3));
	show("del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], 0));
	read(p[0], buf, sizeof(buf));

	/* hang-ups, errors and RDHUP */
	show("add read end IN|RDHUP", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLRDHUP, 0xa));
	show("add write end OUT", ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0xb));
	wait_for("writable", ep, 8, 0);
	close(p[1]);
	wait_for("writer gone (and its registration)", ep, 8, 0);
	close(p[0]);
	wait_for("both closed", ep, 8, 0);
	show("del of a closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], 0));
	pipe(p);
	show("add write end ET OUT", ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLET, 0xc));
	wait_for("writable", ep, 8, 0);
	close(p[0]);
	wait_for("reader gone", ep, 8, 0);
	close(p[1]);

	/* a registration belongs to the open file: a dup keeps it alive */
	pipe(p);
	show("add", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0xd));
	int d = dup(p[0]);
	close(p[0]);
	write(p[1], "g", 1);
	wait_for("after closing the registered fd", ep, 8, 0);
	show("del through the dup (other fd number)", epoll_ctl(ep, EPOLL_CTL_DEL, d, 0));
	show("add the dup", ctl(ep, EPOLL_CTL_ADD, d, EPOLLIN, 0xdd));
	wait_for("two registrations of one file", ep, 8, 0);
	close(d);
	wait_for("file gone", ep, 8, 0);
	close(p[1]);

	/* ready-list order: reported ones go to the back */
	pipe(p), pipe(q), pipe(r);
	ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1);
	ctl(ep, EPOLL_CTL_ADD, q[0], EPOLLIN, 2);
	ctl(ep, EPOLL_CTL_ADD, r[0], EPOLLIN, 3);
	write(r[1], "x", 1);
	write(p[1], "x", 1);
	write(q[1], "x", 1);
	wait_for("max 2", ep, 2, 0);
	wait_for("max 2", ep, 2, 0);
	wait_for("max 2", ep, 2, 0);
	wait_for("max 8", ep, 8, 0);

	/* eventfd: LT and ET */
	int e = eventfd(0, EFD_NONBLOCK);
	ctl(ep, EPOLL_CTL_ADD, e, EPOLLIN | EPOLLET, 0xef);
	read(p[0], buf, 1), read(q[0], buf, 1), read(r[0], buf, 1);
	wait_for("eventfd at 0", ep, 8, 0);
	eventfd_write(e, 1);
	wait_for("eventfd written", ep, 8, 0);
	wait_for("ET again", ep, 8, 0);
	eventfd_write(e, 1);
	wait_for("eventfd written again", ep, 8, 0);
	show("mod to ET OUT", ctl(ep, EPOLL_CTL_MOD, e, EPOLLOUT | EPOLLET, 0xe0));
	wait_for("eventfd writable", ep, 8, 0);
	eventfd_write(e, 1);
	wait_for("ET OUT after a write (no new POLLOUT)", ep, 8, 0);
	eventfd_t v;
	eventfd_read(e, &v);
	wait_for("ET OUT after a read", ep, 8, 0);
	close(e);

	/* nested: an epoll in an epoll, and in poll */
	int outer = epoll_create1(0);
	show("add epoll to epoll", ctl(outer, EPOLL_CTL_ADD, ep, EPOLLIN, 0x0e));
	show("add back: a loop", ctl(ep, EPOLL_CTL_ADD, outer, EPOLLIN, 0));
	wait_for("outer, inner empty", outer, 8, 0);
	struct pollfd pf = {outer, POLLIN, 0};
	show("poll outer", poll(&pf, 1, 0));
	write(q[1], "y", 1);
	wait_for("outer, inner ready", outer, 8, 0);
	pf.revents = 0;
	show("poll outer", poll(&pf, 1, 0));
	printf("revents %#x\n", pf.revents);
	wait_for("inner", ep, 8, 0);
	read(q[0], buf, 1);
	wait_for("outer after the read", outer, 8, 0);
	close(outer);

	/* chains of at most 5 epolls */
	int chain[7];
	chain[0] = epoll_create1(0);
	for (int i = 1; i < 7; i++) {
		chain[i] = epoll_create1(0);
		printf("chain of %d: ", i + 1);
		show("add", ctl(chain[i], EPOLL_CTL_ADD, chain[i - 1], EPOLLIN, i));
	}
	for (int i = 0; i < 7; i++)
		close(chain[i]);

	/* timeouts */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wait_for("wait 30 ms", ep, 8, 30);
	printf("waited at least 30 ms: %d\n", ms_since(&t0) >= 30);
	write(p[1], "z", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wait_for("wait forever, ready", ep, 8, -1);
	printf("at once: %d\n", ms_since(&t0) < 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct epoll_event one;
	read(p[0], buf, 1);
	show("pwait 20 ms", epoll_pwait(ep, &one, 1, 20, &(sigset_t){0}));
	printf("waited at least 20 ms: %d\n", ms_since(&t0) >= 20);
	close(ep);
	return 0;
}
