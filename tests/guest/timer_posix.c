/* timer_create on CLOCK_MONOTONIC and CLOCK_REALTIME (absolute), with
 * SIGEV_SIGNAL, SIGEV_THREAD_ID and SIGEV_NONE; the siginfo of a timer's
 * signal (SI_TIMER, si_timerid, si_value); overruns counted while the
 * signal stays pending; timer_gettime, timer_delete and errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long sys0(long nr)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

static sigset_t usr1;

static void wait_one(const char *what, timer_t t)
{
	siginfo_t si;
	int sig = sigwaitinfo(&usr1, &si);
	printf("%s: sig=%d code_timer=%d id_ok=%d value=%d overrun=%d\n", what, sig,
	       si.si_code == SI_TIMER, si.si_timerid == (int)(intptr_t)t, si.si_value.sival_int,
	       si.si_overrun);
}

int main(void)
{
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 7;
	timer_t t;
	printf("create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
	struct itimerspec its = {{0, 0}, {0, 10000000}}, cur, far = {{0, 0}, {2, 0}};
	timer_settime(t, 0, &far, NULL); /* 2 s: still armed under any load */
	timer_gettime(t, &cur);
	printf("gettime: armed=%d\n", (cur.it_value.tv_sec == 1 && cur.it_value.tv_nsec > 0) ||
					  (cur.it_value.tv_sec == 2 && !cur.it_value.tv_nsec));
	timer_settime(t, 0, &its, NULL);
	wait_one("monotonic", t);
	timer_gettime(t, &cur);
	printf("after: %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_nsec);

	/* realtime, absolute: 20 ms from now */
	timer_t rt;
	ev.sigev_value.sival_int = 8;
	timer_create(CLOCK_REALTIME, &ev, &rt);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_nsec += 20000000;
	if (now.tv_nsec >= 1000000000) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000;
	}
	struct itimerspec abs = {{0, 0}, now};
	timer_settime(rt, TIMER_ABSTIME, &abs, NULL);
	wait_one("realtime abstime", rt);

	/* to this thread by id */
	timer_t th;
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_notify_thread_id = (pid_t)sys0(SYS_gettid);
	ev.sigev_value.sival_int = 9;
	printf("create thread_id: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &th));
	timer_settime(th, 0, &its, NULL);
	wait_one("thread_id", th);

	/* periodic, the signal left pending: overruns */
	struct itimerspec per = {{0, 1000000}, {0, 1000000}};
	timer_settime(t, 0, &per, NULL);
	struct timespec d = {0, 60000000};
	nanosleep(&d, NULL);
	siginfo_t si;
	sigwaitinfo(&usr1, &si);
	int ov = si.si_overrun, gov = timer_getoverrun(t);
	printf("overrun: many=%d same=%d\n", ov > 20, gov == ov);
	struct itimerspec off = {{0, 0}, {0, 0}};
	timer_settime(t, 0, &off, NULL);

	/* SIGEV_NONE: counts down, no signal */
	timer_t none;
	ev.sigev_notify = SIGEV_NONE;
	timer_create(CLOCK_MONOTONIC, &ev, &none);
	struct itimerspec sec = {{0, 0}, {10, 0}};
	timer_settime(none, 0, &sec, NULL);
	timer_gettime(none, &cur);
	sigset_t pend;
	sigpending(&pend);
	printf("none: counting=%d pending=%d\n", cur.it_value.tv_sec < 10 && cur.it_value.tv_nsec > 0,
	       sigismember(&pend, SIGUSR1));

	printf("delete: %d\n", timer_delete(t));
	errno = 0;
	int r = timer_settime(t, 0, &its, NULL);
	printf("settime deleted: %d errno=%d\n", r, errno);
	errno = 0;
	r = timer_gettime(t, &cur);
	printf("gettime deleted: %d errno=%d\n", r, errno);
	timer_t bad;
	errno = 0;
	r = timer_create(99, NULL, &bad);
	printf("bad clock: %d errno=%d\n", r, errno);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 99;
	errno = 0;
	r = timer_create(CLOCK_MONOTONIC, &ev, &bad);
	printf("bad signo: %d errno=%d\n", r, errno);
	ev.sigev_signo = SIGUSR1;
	struct itimerspec badns = {{0, 0}, {0, 1000000000}};
	timer_create(CLOCK_MONOTONIC, &ev, &bad);
	errno = 0;
	r = timer_settime(bad, 0, &badns, NULL);
	printf("bad nsec: %d errno=%d\n", r, errno);
	return 0;
}
