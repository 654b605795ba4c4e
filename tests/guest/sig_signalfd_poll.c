/* A thread waits for its signalfd in poll, ppoll, epoll_wait or select
 * while the main thread sends it SIGUSR1 (pthread_kill) or sends it to
 * the process (kill): the waiter wakes and reads it. Readiness is the
 * waiting thread's: a SIGUSR2 pending for the main thread (in the
 * signalfd's mask too) does not make the waiter's signalfd readable
 * (timeout 0), nor does a SIGHUP sent to the main thread while the waiter
 * waits wake it. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

enum how { POLL, PPOLL, EPOLL, SELECT };
static int checked[2]; /* a pipe: the waiter has looked once */
static const char *const names[] = {"poll", "ppoll", "epoll_wait", "select"};

static void nap(void)
{
	struct timespec d = {0, 100000000};
	nanosleep(&d, 0);
}

/* 1 when fd is readable within ms, 0 if not, -1 for an error */
static int wait_readable(enum how how, int fd, int ms)
{
	switch (how) {
	case POLL: {
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, ms);
		return r > 0 ? (p.revents == POLLIN) : r;
	}
	case PPOLL: {
		struct pollfd p = {fd, POLLIN, 0};
		struct timespec t = {ms / 1000, ms % 1000 * 1000000L};
		int r = ppoll(&p, 1, &t, 0);
		return r > 0 ? (p.revents == POLLIN) : r;
	}
	case EPOLL: {
		int ep = epoll_create1(0);
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd}, out = {0, {0}};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		int r = epoll_wait(ep, &out, 1, ms);
		close(ep);
		return r > 0 ? (out.events == EPOLLIN && out.data.fd == fd) : r;
	}
	case SELECT: {
		fd_set in;
		FD_ZERO(&in);
		FD_SET(fd, &in);
		struct timeval t = {ms / 1000, ms % 1000 * 1000};
		int r = select(fd + 1, &in, 0, 0, &t);
		return r > 0 ? FD_ISSET(fd, &in) != 0 : r;
	}
	}
	return -1;
}

static const char *code_name(int code)
{
	return code == SI_TKILL ? "SI_TKILL" : code == SI_USER ? "SI_USER" : "other";
}

static void *waiter(void *arg)
{
	enum how how = *(const enum how *)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, 0);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK); /* a wake for nothing reads EAGAIN */
	printf("%s: readable at once: %d\n", names[how], wait_readable(how, fd, 0));
	if (write(checked[1], "", 1) != 1)
		perror("write");
	int r = wait_readable(how, fd, 5000);
	if (r == 0) {
		printf("%s: timed out\n", names[how]);
	} else {
		struct signalfd_siginfo si;
		ssize_t n = read(fd, &si, sizeof(si));
		printf("%s: woke %d, read %zd, signo %u, code %s, pid ok %d\n", names[how], r, n,
		       n == sizeof(si) ? si.ssi_signo : 0, n == sizeof(si) ? code_name(si.ssi_code) : "-",
		       n == sizeof(si) && si.ssi_pid == (unsigned)getpid());
	}
	close(fd);
	return 0;
}

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, 0); /* the threads inherit it: kill's SIGUSR1 waits */
	if (pipe(checked))
		return 1;
	sigset_t usr2, hup;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	for (int process = 0; process < 2; process++)
		for (enum how how = POLL; how <= SELECT; how++) {
			pthread_t t;
			pthread_kill(pthread_self(), SIGUSR2); /* pending for main only */
			pthread_create(&t, 0, waiter, &how);
			char c;
			if (read(checked[0], &c, 1) != 1)
				perror("read");
			nap(); /* the waiter is parked: main's signals must not wake it */
			pthread_kill(pthread_self(), SIGHUP);
			nap();
			if (process)
				kill(getpid(), SIGUSR1);
			else
				pthread_kill(t, SIGUSR1);
			pthread_join(t, 0);
			struct timespec zero = {0, 0};
			int u = sigtimedwait(&usr2, 0, &zero) == SIGUSR2;
			printf("  main's SIGUSR2 and SIGHUP still pending: %d %d\n", u,
			       sigtimedwait(&hup, 0, &zero) == SIGHUP);
		}
	return 0;
}
