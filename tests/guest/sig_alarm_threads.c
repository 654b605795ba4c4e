/* Signal timers interrupting spinning program code once threads exist:
 * a periodic ITIMER_REAL counted while two threads spin (the scheduler's
 * slice timer and the signal timer share the CPU's timer), then, with the
 * second thread joined, alarm(1) interrupting the spinning main thread. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

#define SPIN_MAX 4000000000ull

static volatile int ticks, stop;
static volatile unsigned long long counter, other;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static void on_alarm(int sig)
{
	printf("alarm: signal %d in the spinning main thread\n", sig);
	fflush(stdout);
	_exit(5);
}

static void *spin(void *arg)
{
	(void)arg;
	while (!stop && other < SPIN_MAX)
		other++;
	return NULL;
}

int main(void)
{
	signal(SIGALRM, on_tick);
	pthread_t t;
	pthread_create(&t, NULL, spin, NULL);
	struct itimerval it = {{0, 15000}, {0, 15000}}, off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	for (counter = 0; ticks < 8 && counter < SPIN_MAX; counter++)
		;
	setitimer(ITIMER_REAL, &off, NULL);
	stop = 1;
	pthread_join(t, NULL);
	printf("setitimer: %s, the other thread ran: %d\n", ticks >= 8 ? "8 ticks" : "missed",
	       other > 0);

	signal(SIGALRM, on_alarm);
	alarm(1);
	for (counter = 0; counter < SPIN_MAX; counter++)
		;
	printf("alarm: missed\n");
	return 1;
}
