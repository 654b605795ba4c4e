/* pthread_cancel (musl: SIGCANCEL to the thread, whose handler sends it
 * out of a blocking call at a cancellation point): threads blocked in a
 * condition wait, a pipe read, nanosleep, sem_wait, pthread_join and poll,
 * cleanup handlers in order, the disabled state keeping a request for
 * later, pthread_testcancel, asynchronous cancellation of a thread that
 * spins, a deferred one that spins and tests, a thread cancelling itself, and a thread cancelled before it
 * first runs. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static int fds[2];
static atomic_int started;
static char log_[512];

static void note(const char *s)
{
	strncat(log_, s, sizeof(log_) - strlen(log_) - 1);
}

static void cleanup(void *arg)
{
	note((const char *)arg);
}

static void unlock(void *arg)
{
	note("unlock ");
	pthread_mutex_unlock(arg);
}

static void wait_started(void)
{
	while (!atomic_load(&started))
		sched_yield();
	atomic_store(&started, 0);
	struct timespec d = {0, 20 * 1000 * 1000}; /* into its blocking call */
	nanosleep(&d, 0);
}

static void *in_cond(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock, &m);
	pthread_cleanup_push(cleanup, "second ");
	atomic_store(&started, 1);
	for (;;)
		pthread_cond_wait(&c, &m);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return arg;
}

static void *in_read(void *arg)
{
	char b;
	pthread_cleanup_push(cleanup, "read ");
	atomic_store(&started, 1);
	read(fds[0], &b, 1);
	note("read returned ");
	pthread_cleanup_pop(0);
	return arg;
}

static void *in_sleep(void *arg)
{
	pthread_cleanup_push(cleanup, "sleep ");
	atomic_store(&started, 1);
	struct timespec d = {30, 0};
	nanosleep(&d, 0);
	note("sleep returned ");
	pthread_cleanup_pop(0);
	return arg;
}

static void *in_sem(void *arg)
{
	pthread_cleanup_push(cleanup, "sem ");
	atomic_store(&started, 1);
	sem_wait(&sem);
	pthread_cleanup_pop(0);
	return arg;
}

static void *forever(void *arg)
{
	pause();
	return arg;
}

static void *in_join(void *arg)
{
	pthread_cleanup_push(cleanup, "join ");
	atomic_store(&started, 1);
	pthread_join(*(pthread_t *)arg, 0);
	pthread_cleanup_pop(0);
	return arg;
}

static void *in_poll(void *arg)
{
	pthread_cleanup_push(cleanup, "poll ");
	atomic_store(&started, 1);
	struct pollfd p = {fds[0], POLLIN, 0};
	poll(&p, 1, 30000);
	pthread_cleanup_pop(0);
	return arg;
}

static void *disabled(void *arg)
{
	int old;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	atomic_store(&started, 1);
	/* not a cancellation point now, but SIGCANCEL still interrupts the
	 * sleep (its handler returns): until it has come (at most 10 s) */
	struct timespec d = {0, 100 * 1000 * 1000};
	int r = 0;
	for (int i = 0; i < 100 && r == 0; i++)
		r = nanosleep(&d, 0);
	note(r == 0 ? "slept through " : "sleep interrupted ");
	pthread_cleanup_push(cleanup, "enabled ");
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();
	note("after testcancel ");
	pthread_cleanup_pop(0);
	return arg;
}

static atomic_long spins;

static void *spin_async(void *arg)
{
	int old;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	atomic_store(&started, 1);
	for (;;)
		atomic_fetch_add(&spins, 1);
	return arg;
}

/* deferred: the signal lands in program code (preempted, not at a
 * cancellation point); the request waits for the next pthread_testcancel */
static void *spin_deferred(void *arg)
{
	pthread_cleanup_push(cleanup, "deferred ");
	atomic_store(&started, 1);
	for (long i = 0;; i++) {
		atomic_fetch_add(&spins, 1);
		if (i % 1000000 == 0)
			pthread_testcancel();
	}
	pthread_cleanup_pop(0);
	return arg;
}

static void *self_cancel(void *arg)
{
	pthread_cleanup_push(cleanup, "self ");
	pthread_cancel(pthread_self());
	note("still running ");
	pthread_testcancel();
	note("not cancelled ");
	pthread_cleanup_pop(0);
	return arg;
}

static void *late(void *arg)
{
	pthread_cleanup_push(cleanup, "late ");
	usleep(1000); /* the first cancellation point it reaches */
	note("late went on ");
	pthread_cleanup_pop(0);
	return arg;
}

static void run(const char *name, void *(*fn)(void *), void *arg, int wait_first)
{
	pthread_t t;
	void *res = 0;
	log_[0] = 0;
	if (pthread_create(&t, 0, fn, arg)) {
		printf("%s: pthread_create failed\n", name);
		return;
	}
	if (wait_first)
		wait_started();
	int e = pthread_cancel(t);
	int j = pthread_join(t, &res);
	printf("%-8s cancel %d join %d %s, cleanup: %s\n", name, e, j,
	       res == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "a value", log_);
}

int main(void)
{
	pipe(fds);
	sem_init(&sem, 0, 0);
	run("cond", in_cond, 0, 1);
	/* the mutex came back through the cleanup handler */
	printf("mutex after cond: %s\n", pthread_mutex_trylock(&m) == 0 ? "free" : "held");
	pthread_mutex_unlock(&m);
	run("read", in_read, 0, 1);
	run("sleep", in_sleep, 0, 1);
	run("sem", in_sem, 0, 1);
	pthread_t f;
	pthread_create(&f, 0, forever, 0);
	run("join", in_join, &f, 1);
	pthread_cancel(f);
	pthread_join(f, 0);
	run("poll", in_poll, 0, 1);
	run("disabled", disabled, 0, 1);
	run("async", spin_async, 0, 1);
	printf("async spun: %s\n", atomic_load(&spins) > 0 ? "yes" : "no");
	run("deferred", spin_deferred, 0, 1);
	run("self", self_cancel, 0, 0);
	run("late", late, 0, 0);
	/* a pipe read that gets its byte is not cancelled afterwards */
	pthread_t r;
	log_[0] = 0;
	pthread_create(&r, 0, in_read, 0);
	wait_started();
	write(fds[1], "x", 1);
	void *res;
	pthread_join(r, &res);
	printf("read done: %s, %s\n", res == PTHREAD_CANCELED ? "cancelled" : "returned", log_);
	return 0;
}
