/* pthreads on one CPU against Linux: join values, __thread data,
 * pthread_once, detached threads, mutex kinds (normal, recursive,
 * error-checking, robust), condition variables with and without
 * timeouts, rwlocks, barriers and semaphores. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static __thread int tls = 7;
static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void once_fn(void) { once_runs++; }

static void *tls_thread(void *arg)
{
	pthread_once(&once, once_fn);
	tls += (int)(long)arg; /* each thread its own copy, starting at 7 */
	return (void *)(long)tls;
}

static void join_and_tls(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], 0, tls_thread, (void *)i);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		printf("join %d: %ld\n", i, (long)r);
	}
	printf("main tls %d, once ran %d time(s)\n", tls, once_runs);
}

static sem_t detached_done;
static volatile int detached_ran;

static void *detached(void *arg)
{
	(void)arg;
	detached_ran = 1;
	sem_post(&detached_done);
	return 0;
}

static void detach(void)
{
	pthread_attr_t a;
	pthread_t t;
	sem_init(&detached_done, 0, 0);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 3; i++)
		pthread_create(&t, &a, detached, 0);
	for (int i = 0; i < 3; i++)
		sem_wait(&detached_done);
	printf("detached threads ran: %d\n", detached_ran);
}

static void mutex_kinds(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &a);
	int r1 = pthread_mutex_lock(&m), r2 = pthread_mutex_lock(&m), r3 = pthread_mutex_trylock(&m);
	int u = pthread_mutex_unlock(&m) | pthread_mutex_unlock(&m) | pthread_mutex_unlock(&m);
	printf("recursive: %d %d %d unlock %d, once more %s\n", r1, r2, r3, u,
	       strerror(pthread_mutex_unlock(&m)));
	pthread_mutex_destroy(&m);

	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	pthread_mutex_lock(&m);
	printf("errorcheck: relock %s", strerror(pthread_mutex_lock(&m)));
	pthread_mutex_unlock(&m);
	printf(", unlock unlocked %s\n", strerror(pthread_mutex_unlock(&m)));
	pthread_mutex_destroy(&m);

	pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&n);
	printf("normal: trylock of a locked one %s\n", strerror(pthread_mutex_trylock(&n)));
	pthread_mutex_unlock(&n);
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return 0; /* exits with it locked */
}

static void robust_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, 0, die_holding, 0);
	pthread_join(t, 0);
	int r = pthread_mutex_lock(&robust);
	printf("robust: lock after the owner died: %s", strerror(r));
	if (r == EOWNERDEAD)
		printf(", consistent %d", pthread_mutex_consistent(&robust));
	int u = pthread_mutex_unlock(&robust);
	printf(", unlock %d", u);
	printf(", lock again %d\n", pthread_mutex_lock(&robust));
	pthread_mutex_unlock(&robust);
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stage;

static void *signaller(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 5; i++) {
		pthread_mutex_lock(&cm);
		while (stage != 2 * i - 1)
			pthread_cond_wait(&cv, &cm);
		stage++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&cm);
	}
	return 0;
}

static void condvars(void)
{
	pthread_t t;
	pthread_create(&t, 0, signaller, 0);
	pthread_mutex_lock(&cm);
	for (int i = 1; i <= 5; i++) {
		stage++;
		pthread_cond_broadcast(&cv);
		while (stage != 2 * i)
			pthread_cond_wait(&cv, &cm);
	}
	pthread_mutex_unlock(&cm);
	pthread_join(t, 0);
	printf("condvar ping-pong: stage %d\n", stage);

	struct timespec t0, t1, at;
	clock_gettime(CLOCK_REALTIME, &t0);
	at = t0;
	at.tv_nsec += 50000000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&cm);
	int r = pthread_cond_timedwait(&cv, &cm, &at);
	pthread_mutex_unlock(&cm);
	clock_gettime(CLOCK_REALTIME, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("timedwait: %s after >= 50 ms: %s\n", strerror(r), ms >= 49 ? "yes" : "no");

	pthread_condattr_t ca;
	pthread_cond_t mc;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mc, &ca);
	clock_gettime(CLOCK_MONOTONIC, &at);
	at.tv_sec -= 1; /* already past */
	pthread_mutex_lock(&cm);
	printf("monotonic timedwait in the past: %s\n", strerror(pthread_cond_timedwait(&mc, &cm, &at)));
	pthread_mutex_unlock(&cm);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, max_readers, shared_value;
static pthread_barrier_t bar;

static void *reader(void *arg)
{
	(void)arg;
	pthread_rwlock_rdlock(&rw);
	__atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&bar); /* all readers hold it at once */
	if (readers_in > max_readers)
		max_readers = readers_in;
	int v = shared_value;
	__atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
	pthread_rwlock_unlock(&rw);
	return (void *)(long)v;
}

static void rwlocks_and_barriers(void)
{
	pthread_t t[3];
	pthread_barrier_init(&bar, 0, 3);
	shared_value = 42;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], 0, reader, 0);
	long sum = 0;
	for (int i = 0; i < 3; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("rwlock: %d readers at once, read %ld\n", max_readers, sum);
	pthread_rwlock_wrlock(&rw);
	printf("rwlock: tryrdlock under a writer %s, trywrlock %s\n",
	       strerror(pthread_rwlock_tryrdlock(&rw)), strerror(pthread_rwlock_trywrlock(&rw)));
	pthread_rwlock_unlock(&rw);
	pthread_barrier_destroy(&bar);
}

static sem_t items, room;
static int ring[4], head, tail_;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 20; i++) {
		sem_wait(&room);
		ring[head++ % 4] = i;
		sem_post(&items);
	}
	return 0;
}

static void semaphores(void)
{
	pthread_t t;
	sem_init(&items, 0, 0);
	sem_init(&room, 0, 4);
	pthread_create(&t, 0, producer, 0);
	int sum = 0;
	for (int i = 0; i < 20; i++) {
		sem_wait(&items);
		sum += ring[tail_++ % 4];
		sem_post(&room);
	}
	pthread_join(t, 0);
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 20000000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	int r = sem_timedwait(&items, &at), e = errno;
	printf("semaphores: sum %d, timedwait %d (%s)", sum, r, strerror(e));
	r = sem_trywait(&items);
	printf(", trywait %d (%s)\n", r, strerror(errno));
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	join_and_tls();
	detach();
	mutex_kinds();
	robust_mutex();
	condvars();
	rwlocks_and_barriers();
	semaphores();
	return 0;
}
