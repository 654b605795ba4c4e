/* Threads, timed from inside the program with CLOCK_MONOTONIC so the same
 * code measures a uk guest and a Linux process alike:
 *   create-join-2k  2,000 times pthread_create of a thread that returns
 *                   at once, then pthread_join
 *   pingpong-20k    two threads hand a turn back and forth 20,000 times
 *                   through one futex word (FUTEX_WAIT/FUTEX_WAKE): a
 *                   wake and a switch each way
 *   yield-100k      two threads each calling sched_yield 50,000 times
 * Prints "NAME MS" lines and exits 0, or says what went wrong. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define CREATES 2000
#define ROUNDS  20000
#define YIELDS  50000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *nothing(void *arg)
{
	return arg;
}

static atomic_int turn; /* 0: main's, 1: the other's */

static void futex_wait(atomic_int *w, int val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, 0, 0, 0);
}

static void futex_wake(atomic_int *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

/* waits until the turn is `me`, plays, hands it to the other side */
static void play(int me)
{
	for (int i = 0; i < ROUNDS; i++) {
		while (atomic_load(&turn) != me)
			futex_wait(&turn, !me);
		atomic_store(&turn, !me);
		futex_wake(&turn);
	}
}

static void *pong(void *arg)
{
	play(1);
	return arg;
}

static void *yielder(void *arg)
{
	for (int i = 0; i < YIELDS; i++)
		sched_yield();
	return arg;
}

int main(void)
{
	pthread_t t;
	double t0 = now_ms();
	for (long i = 0; i < CREATES; i++) {
		void *r;
		if (pthread_create(&t, 0, nothing, (void *)i) || pthread_join(t, &r) || r != (void *)i) {
			fprintf(stderr, "create-join: failed at %ld\n", i);
			return 1;
		}
	}
	printf("create-join-2k %.3f\n", now_ms() - t0);

	t0 = now_ms();
	if (pthread_create(&t, 0, pong, 0))
		return 1;
	play(0);
	pthread_join(t, 0);
	printf("pingpong-20k %.3f\n", now_ms() - t0);

	t0 = now_ms();
	if (pthread_create(&t, 0, yielder, 0))
		return 1;
	yielder(0);
	pthread_join(t, 0);
	printf("yield-100k %.3f\n", now_ms() - t0);
	return 0;
}
