/* timer_create with SIGEV_THREAD: musl runs the notify function on a
 * thread of its own, which the runtime's timer signals (SIGEV_THREAD_ID);
 * a one-shot and a periodic timer, and a signal to another thread with
 * pthread_kill. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static sem_t fired;
static volatile int last_value, calls;

static void notify(union sigval v)
{
	last_value = v.sival_int;
	calls++;
	sem_post(&fired);
}

static volatile int usr1_thread_ok;
static pthread_t worker_id;
static sem_t worker_ready, worker_done;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_thread_ok = pthread_equal(pthread_self(), worker_id);
}

static void *worker(void *arg)
{
	(void)arg;
	sem_post(&worker_ready);
	while (!usr1_thread_ok)
		usleep(1000);
	sem_post(&worker_done);
	return 0;
}

int main(void)
{
	sem_init(&fired, 0, 0);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = notify;
	ev.sigev_value.sival_int = 77;
	timer_t t;
	printf("create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
	struct itimerspec once = {{0, 0}, {0, 20000000}};
	timer_settime(t, 0, &once, NULL);
	sem_wait(&fired);
	printf("one-shot: calls=%d value=%d\n", calls, last_value);
	struct itimerspec per = {{0, 10000000}, {0, 10000000}};
	timer_settime(t, 0, &per, NULL);
	for (int i = 0; i < 3; i++)
		sem_wait(&fired);
	struct itimerspec off = {{0, 0}, {0, 0}};
	timer_settime(t, 0, &off, NULL);
	printf("periodic: calls>=4 %d\n", calls >= 4);
	timer_delete(t);

	signal(SIGUSR1, on_usr1);
	sem_init(&worker_ready, 0, 0);
	sem_init(&worker_done, 0, 0);
	pthread_create(&worker_id, 0, worker, 0);
	sem_wait(&worker_ready);
	pthread_kill(worker_id, SIGUSR1);
	sem_wait(&worker_done);
	pthread_join(worker_id, 0);
	printf("pthread_kill: ran on the worker=%d\n", usr1_thread_ok);
	return 0;
}
