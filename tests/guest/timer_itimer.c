/* alarm + pause, alarm's seconds left, setitimer's periodic ITIMER_REAL
 * counted over N ticks, getitimer, an alarm while the program only makes
 * calls, and their errors. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(1);
	int r = pause();
	printf("alarm+pause: r=%d errno=%d ticks=%d\n", r, errno, ticks);
	printf("alarm(0) with none: %u\n", alarm(0));
	alarm(5);
	printf("alarm(0) after alarm(5): %u\n", alarm(0));

	/* periodic: 20 ms, five ticks */
	ticks = 0;
	struct itimerval it = {{0, 20000}, {0, 20000}}, got, far = {{0, 20000}, {10, 0}};
	setitimer(ITIMER_REAL, &far, NULL); /* 10 s: still armed under any load */
	getitimer(ITIMER_REAL, &got);
	printf("armed: interval=%ld.%06ld value_ok=%d\n", (long)got.it_interval.tv_sec,
	       (long)got.it_interval.tv_usec, got.it_value.tv_sec < 10 && got.it_value.tv_usec > 0);
	setitimer(ITIMER_REAL, &it, NULL);
	sigset_t none;
	sigemptyset(&none);
	while (ticks < 5)
		sigsuspend(&none);
	struct itimerval off = {{0, 0}, {0, 0}}, old;
	setitimer(ITIMER_REAL, &off, &old);
	printf("ticks=%d old_interval=%ld\n", ticks, (long)old.it_interval.tv_usec);
	getitimer(ITIMER_REAL, &got);
	printf("disarmed: %ld %ld %ld %ld\n", (long)got.it_interval.tv_sec,
	       (long)got.it_interval.tv_usec, (long)got.it_value.tv_sec, (long)got.it_value.tv_usec);

	/* a program that makes calls but never waits still gets its alarm */
	ticks = 0;
	struct itimerval once = {{0, 0}, {0, 30000}};
	setitimer(ITIMER_REAL, &once, NULL);
	for (long loops = 0; !ticks && loops < 200000000; loops++)
		getppid();
	printf("busy with calls: ticks=%d\n", ticks);

	/* errors */
	errno = 0;
	r = setitimer(7, &it, NULL);
	printf("bad which: %d errno=%d\n", r, errno);
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	errno = 0;
	r = setitimer(ITIMER_REAL, &bad, NULL);
	printf("usec 1000000: %d errno=%d\n", r, errno);
	errno = 0;
	r = getitimer(ITIMER_REAL, (struct itimerval *)16);
	printf("bad pointer: %d errno=%d\n", r, errno);
	return 0;
}
