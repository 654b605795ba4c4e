/* Signals and threads: pthread_kill reaches the thread named (its handler
 * runs there, a thread blocking the signal keeps it pending), a signal to
 * the process goes to a thread that does not block it, sigwait in a
 * thread dedicated to it while every other thread blocks the signals,
 * SIGEV_THREAD timers (musl runs the function in a thread of its own),
 * sigtimedwait's EAGAIN, and the mask a new thread inherits. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_t target;
static atomic_int in_target, elsewhere, stop;
static _Thread_local int mine; /* which thread the handler ran in */

static void on_usr1(int sig)
{
	(void)sig;
	if (pthread_equal(pthread_self(), target))
		atomic_fetch_add(&in_target, 1);
	else
		atomic_fetch_add(&elsewhere, 1);
	mine++;
}

static void *waits_for_stop(void *arg)
{
	while (!atomic_load(&stop)) {
		struct timespec d = {0, 1000 * 1000};
		nanosleep(&d, 0);
	}
	return (void *)(long)mine;
}

static void *blocks_usr1(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, 0);
	atomic_store((atomic_int *)arg, 1);
	while (!atomic_load(&stop))
		sched_yield();
	sigset_t p;
	sigpending(&p);
	int was = sigismember(&p, SIGUSR1);
	int sig = 0;
	if (was)
		sigwait(&s, &sig);
	return (void *)(long)(was ? sig : -1);
}

static void part_kill(void)
{
	signal(SIGUSR1, on_usr1);
	atomic_store(&stop, 0);
	pthread_t other;
	pthread_create(&target, 0, waits_for_stop, 0);
	pthread_create(&other, 0, waits_for_stop, 0);
	for (int i = 0; i < 5; i++) {
		pthread_kill(target, SIGUSR1);
		/* handled before the next is sent (a second one pending would merge) */
		for (int w = 0; w < 5000 && atomic_load(&in_target) + atomic_load(&elsewhere) <= i; w++)
			usleep(1000);
	}
	atomic_store(&stop, 1);
	void *a, *b;
	pthread_join(target, &a);
	pthread_join(other, &b);
	printf("pthread_kill x5: target ran %d (its own count %ld), others %d (%ld)\n",
	       atomic_load(&in_target), (long)a, atomic_load(&elsewhere), (long)b);
	printf("pthread_kill signal 0: %d\n", pthread_kill(pthread_self(), 0));
}

static void part_blocked(void)
{
	atomic_int ready = 0;
	atomic_store(&stop, 0);
	pthread_t t;
	pthread_create(&t, 0, blocks_usr1, &ready);
	while (!atomic_load(&ready))
		sched_yield();
	pthread_kill(t, SIGUSR1);
	usleep(5000);
	atomic_store(&stop, 1);
	void *r;
	pthread_join(t, &r);
	printf("blocked thread: pending then sigwait gave %ld (SIGUSR1 %d)\n", (long)r, SIGUSR1);
}

/* kill() to the process: main blocks SIGUSR2, one thread does not */
static atomic_int usr2_in_target;
static void on_usr2(int sig)
{
	(void)sig;
	if (pthread_equal(pthread_self(), target))
		atomic_fetch_add(&usr2_in_target, 1);
}

static void *unblocked_sleeper(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &s, 0);
	atomic_store((atomic_int *)arg, 1);
	struct timespec d = {5, 0};
	int r = nanosleep(&d, 0);
	return (void *)(long)(r == -1 ? errno : 0);
}

static void part_process(void)
{
	signal(SIGUSR2, on_usr2);
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	atomic_int ready = 0;
	pthread_create(&target, 0, unblocked_sleeper, &ready);
	while (!atomic_load(&ready))
		sched_yield();
	usleep(10000);
	kill(getpid(), SIGUSR2);
	void *r;
	pthread_join(target, &r);
	printf("kill to the process: handled in the unblocked thread %d, its nanosleep %s\n",
	       atomic_load(&usr2_in_target), (long)r == EINTR ? "EINTR" : "not interrupted");
	pthread_sigmask(SIG_SETMASK, &old, 0);
}

/* the one thread that takes SIGUSR2 spins in program code: the handler
 * runs there when the thread is next interrupted (no system call) */
static atomic_int spin_seen;
static void on_usr2_spin(int sig)
{
	(void)sig;
	if (pthread_equal(pthread_self(), target))
		atomic_store(&spin_seen, 1);
}

static void *unblocked_spinner(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &s, 0);
	atomic_store((atomic_int *)arg, 1);
	for (long i = 0; !atomic_load(&spin_seen) && i < 4000000000l; i++)
		;
	return 0;
}

static void part_spinner(void)
{
	signal(SIGUSR2, on_usr2_spin);
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	atomic_int ready = 0;
	pthread_create(&target, 0, unblocked_spinner, &ready);
	while (!atomic_load(&ready))
		sched_yield();
	kill(getpid(), SIGUSR2);
	pthread_join(target, 0);
	printf("kill to the process, the taker spinning: handled there %d\n", atomic_load(&spin_seen));
	pthread_sigmask(SIG_SETMASK, &old, 0);
}

/* sigwait in a dedicated thread */
static atomic_int waited;

static void *sigwaiter(void *arg)
{
	sigset_t *s = arg;
	int got[3], sig;
	for (int i = 0; i < 3; i++) {
		if (sigwait(s, &sig))
			return (void *)-1l;
		got[i] = sig;
		atomic_fetch_add(&waited, 1);
	}
	printf("sigwait thread got %d %d %d\n", got[0], got[1], got[2]);
	return 0;
}

static void part_sigwait(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, &old); /* before the thread: it inherits the mask */
	pthread_t t;
	pthread_create(&t, 0, sigwaiter, &s);
	/* one at a time: sigwait takes the lowest of several pending */
	kill(getpid(), SIGHUP);
	for (int w = 0; w < 5000 && atomic_load(&waited) < 1; w++)
		usleep(1000);
	kill(getpid(), SIGTERM);
	for (int w = 0; w < 5000 && atomic_load(&waited) < 2; w++)
		usleep(1000);
	pthread_kill(t, SIGUSR1);
	void *r;
	pthread_join(t, &r);
	printf("sigwait thread returned %ld\n", (long)r);
	struct timespec z = {0, 1000 * 1000};
	siginfo_t si;
	int e = sigtimedwait(&s, &si, &z);
	printf("sigtimedwait with none pending: %d %s\n", e, e < 0 ? strerror(errno) : "");
	pthread_sigmask(SIG_SETMASK, &old, 0);
}

/* SIGEV_THREAD */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int fired;
static pthread_t main_thread;
static int not_main;

static void tick(union sigval v)
{
	pthread_mutex_lock(&m);
	fired += v.sival_int;
	if (!pthread_equal(pthread_self(), main_thread))
		not_main++;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
}

static void part_sigev_thread(void)
{
	main_thread = pthread_self();
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = tick;
	ev.sigev_value.sival_int = 1;
	timer_t id;
	if (timer_create(CLOCK_MONOTONIC, &ev, &id)) {
		perror("timer_create");
		return;
	}
	struct itimerspec it = {{0, 10 * 1000 * 1000}, {0, 10 * 1000 * 1000}};
	timer_settime(id, 0, &it, 0);
	pthread_mutex_lock(&m);
	while (fired < 5)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	timer_delete(id);
	printf("SIGEV_THREAD periodic: fired >= 5, in a thread not main: %s\n",
	       not_main == fired ? "each time" : "no");

	/* one-shot, then deleted */
	int before = fired;
	ev.sigev_value.sival_int = 100;
	timer_create(CLOCK_REALTIME, &ev, &id);
	struct itimerspec once = {{0, 0}, {0, 20 * 1000 * 1000}};
	timer_settime(id, 0, &once, 0);
	pthread_mutex_lock(&m);
	while (fired == before)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	printf("SIGEV_THREAD one-shot: +%d\n", fired - before);
	timer_delete(id);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	part_kill();
	part_blocked();
	part_process();
	part_spinner();
	part_sigwait();
	part_sigev_thread();
	return 0;
}
