/* Signal timers interrupt program code that makes no system call: a
 * periodic ITIMER_REAL counted while spinning, a timer_create SIGEV_SIGNAL
 * timer, then alarm(1) whose handler prints and leaves with _exit. Every
 * spin is bounded; running out of it prints what was missed. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define SPIN_MAX 4000000000ull

static volatile int ticks, usr1;
static volatile unsigned long long counter;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	usr1 = sig + 100 * (si->si_code == SI_TIMER) + 1000 * (si->si_value.sival_int == 42);
}

static void on_alarm(int sig)
{
	printf("alarm: signal %d after spinning (counter moved: %d)\n", sig, counter > 0);
	fflush(stdout);
	_exit(7);
}

int main(void)
{
	/* periodic, 20 ms: five ticks while spinning */
	signal(SIGALRM, on_tick);
	struct itimerval it = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	for (counter = 0; ticks < 5 && counter < SPIN_MAX; counter++)
		;
	setitimer(ITIMER_REAL, &off, NULL);
	printf("setitimer: %s\n", ticks >= 5 ? "5 ticks while spinning" : "missed");

	/* timer_create, SIGEV_SIGNAL with a value, 30 ms */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 42;
	timer_t tm;
	timer_create(CLOCK_MONOTONIC, &ev, &tm);
	struct itimerspec ts = {{0, 0}, {0, 30000000}};
	timer_settime(tm, 0, &ts, NULL);
	for (counter = 0; !usr1 && counter < SPIN_MAX; counter++)
		;
	printf("timer_create: handler saw %d\n", usr1);
	timer_delete(tm);

	/* alarm: the handler ends the program */
	signal(SIGALRM, on_alarm);
	alarm(1);
	for (counter = 0; counter < SPIN_MAX; counter++)
		;
	printf("alarm: missed\n");
	return 1;
}
