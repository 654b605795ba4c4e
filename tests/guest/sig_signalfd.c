/* signalfd: reads take pending signals of its mask as signalfd_siginfo
 * (several per read), poll and epoll see it readable, a blocking read
 * waits for a timer's signal, the mask can be changed; its errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static long sys4(long nr, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

static void show(const struct signalfd_siginfo *s)
{
	printf("  signo=%u code=%d pid_ok=%d int=%d\n", s->ssi_signo, s->ssi_code,
	       s->ssi_pid == (unsigned)getpid(), s->ssi_int);
}

int main(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGALRM);
	sigprocmask(SIG_BLOCK, &m, NULL);
	sigdelset(&m, SIGALRM);
	int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
	struct signalfd_siginfo si[4];
	ssize_t n = read(fd, si, sizeof(si));
	printf("empty read: %zd errno=%d\n", n, errno);
	raise(SIGUSR1);
	sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 5});
	struct pollfd p = {fd, POLLIN, 0};
	int r = poll(&p, 1, 0);
	printf("poll: %d revents=%d\n", r, p.revents);
	n = read(fd, si, sizeof(si));
	printf("read: %zd\n", n);
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
		show(&si[i]);
	n = read(fd, si, sizeof(si));
	printf("drained: %zd errno=%d\n", n, errno);

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = fd}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	printf("epoll idle: %d\n", epoll_wait(ep, &out, 1, 0));
	kill(getpid(), SIGUSR1);
	printf("epoll: %d\n", epoll_wait(ep, &out, 1, 0));
	n = read(fd, si, sizeof(si));
	printf("read: %zd\n", n);
	show(&si[0]);

	/* the mask changed to SIGALRM; a blocking read waits for the timer */
	sigaddset(&m, SIGALRM);
	printf("update: %d\n", signalfd(fd, &m, 0) == fd);
	fcntl(fd, F_SETFL, 0);
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(fd, si, sizeof(si));
	printf("timer read: %zd signo=%u code=%d\n", n, si[0].ssi_signo, si[0].ssi_code);

	n = read(fd, si, 64);
	printf("short buffer: %zd errno=%d\n", n, errno);
	unsigned long k = 1ul << (SIGUSR1 - 1);
	printf("size 4: %ld\n", sys4(SYS_signalfd4, -1, (long)&k, 4, 0));
	printf("bad flags: %ld\n", sys4(SYS_signalfd4, -1, (long)&k, 8, 1));
	printf("bad mask: %ld\n", sys4(SYS_signalfd4, -1, 16, 8, 0));
	printf("not a signalfd: %ld\n", sys4(SYS_signalfd4, ep, (long)&k, 8, 0));
	printf("no such fd: %ld\n", sys4(SYS_signalfd4, 99, (long)&k, 8, 0));
	return 0;
}
