/* Signals and threads: pthread_kill interrupts a worker's blocking read
 * (EINTR, the handler on the worker); a signal to the process goes to the
 * thread that does not block it; sigwait in a worker takes a signal that
 * every thread blocks; masks are per thread. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_t main_id, worker_id;
static volatile int on_worker, on_main, hits;
static sem_t ready;
static int p[2];

static void handler(int sig)
{
	(void)sig;
	hits++;
	on_worker += pthread_equal(pthread_self(), worker_id);
	on_main += pthread_equal(pthread_self(), main_id);
}

static void *reader(void *arg)
{
	(void)arg;
	char c;
	sem_post(&ready);
	errno = 0;
	long r = read(p[0], &c, 1);
	return (void *)(long)(r < 0 ? -errno : r);
}

static void *usr2_taker(void *arg)
{
	(void)arg;
	sigset_t none;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL); /* this thread takes SIGUSR2 */
	sem_post(&ready);
	while (!hits)
		usleep(1000);
	return 0;
}

static void *waiter(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sem_post(&ready);
	int sig = 0;
	sigwait(&set, &sig);
	return (void *)(long)sig;
}

int main(void)
{
	main_id = pthread_self();
	sem_init(&ready, 0, 0);
	pipe(p);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	pthread_create(&worker_id, 0, reader, 0);
	sem_wait(&ready);
	usleep(20000); /* in its read */
	pthread_kill(worker_id, SIGUSR1);
	void *ret;
	pthread_join(worker_id, &ret);
	printf("read interrupted: %ld hits=%d on_worker=%d on_main=%d\n", (long)ret, hits, on_worker,
	       on_main);

	hits = on_worker = on_main = 0;
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	pthread_create(&worker_id, 0, usr2_taker, 0);
	sem_wait(&ready);
	kill(getpid(), SIGUSR2);
	pthread_join(worker_id, 0);
	sigset_t pend;
	sigpending(&pend);
	printf("process signal: hits=%d on_worker=%d on_main=%d pending=%d\n", hits, on_worker,
	       on_main, sigismember(&pend, SIGUSR2));

	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &rt, NULL); /* inherited by the waiter */
	pthread_create(&worker_id, 0, waiter, 0);
	sem_wait(&ready);
	usleep(20000);
	kill(getpid(), SIGRTMIN);
	pthread_join(worker_id, &ret);
	printf("sigwait in a thread: %d\n", (int)(long)ret - SIGRTMIN);
	return 0;
}
