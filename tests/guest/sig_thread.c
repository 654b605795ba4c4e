/* Signals and threads: pthread_kill interrupts a worker's blocking read
 * (EINTR, the handler on the worker); a signal to the process goes to the
 * thread that does not block it; sigwait in a worker takes a signal that
 * every thread blocks; masks are per thread; handlers keep each thread's
 * FPU state its own (the scheduler switches it lazily). */
#include <errno.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
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

/* each thread's FPU state is its own across handlers and switches: a
 * handler starts with the initial rounding mode, its change is undone */
static volatile int fpu_bad;

static void round_handler(int sig)
{
	(void)sig;
	if (fegetround() != FE_TONEAREST)
		fpu_bad = 1;
	fesetround(FE_TOWARDZERO);
}

static void *fpu_worker(void *arg)
{
	int mode = (int)(long)arg, ok = 1;
	fesetround(mode);
	for (int i = 0; i < 50; i++) {
		sched_yield();
		raise(SIGWINCH);
		ok &= fegetround() == mode;
	}
	return (void *)(long)ok;
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

	signal(SIGWINCH, round_handler);
	pthread_t up, down;
	void *up_ok, *down_ok;
	pthread_create(&up, 0, fpu_worker, (void *)(long)FE_UPWARD);
	pthread_create(&down, 0, fpu_worker, (void *)(long)FE_DOWNWARD);
	pthread_join(up, &up_ok);
	pthread_join(down, &down_ok);
	printf("fpu per thread: up=%d down=%d handlers_initial=%d\n", (int)(long)up_ok,
	       (int)(long)down_ok, !fpu_bad);
	return 0;
}
