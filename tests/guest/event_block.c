/* A blocking read waits until another thread writes: a pipe, an eventfd
 * and the terminal-less timerfd and signalfd kinds, each through the file
 * kind's wait (file.h's .wait; without it the read answers EAGAIN). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int wfd;
static pthread_t main_thread;

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void nap(void)
{
	struct timespec d = {0, 50000000};
	nanosleep(&d, 0);
}

static void *write_later(void *arg)
{
	(void)arg;
	nap();
	uint64_t one = 1;
	if (write(wfd, &one, sizeof(one)) != sizeof(one))
		perror("write");
	return 0;
}

static void *signal_later(void *arg)
{
	(void)arg;
	nap();
	pthread_kill(main_thread, SIGUSR1);
	return 0;
}

static void check(const char *what, int fd, size_t size, void *(*later)(void *))
{
	char buf[128];
	pthread_t t;
	long start = now_ms();
	pthread_create(&t, 0, later, 0);
	long r = read(fd, buf, size);
	int e = errno;
	pthread_join(t, 0);
	printf("%s: read %ld%s, waited: %d\n", what, r, r < 0 ? (e == EAGAIN ? " EAGAIN" : " error") : "",
	       now_ms() - start >= 40);
}

int main(void)
{
	int p[2];
	pipe(p);
	wfd = p[1];
	check("pipe", p[0], 8, write_later);

	int efd = eventfd(0, 0);
	wfd = efd;
	check("eventfd", efd, 8, write_later);

	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = {{0, 0}, {0, 50000000}};
	timerfd_settime(tfd, 0, &its, 0);
	long start = now_ms();
	uint64_t n = 0;
	long r = read(tfd, &n, sizeof(n));
	printf("timerfd: read %ld, expirations %llu, waited: %d\n", r, (unsigned long long)n, now_ms() - start >= 40);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, 0);
	main_thread = pthread_self();
	int sfd = signalfd(-1, &set, 0);
	check("signalfd", sfd, sizeof(struct signalfd_siginfo), signal_later);
	return 0;
}
