/* 100 threads, each adding 10,000 times to one counter under a mutex,
 * and to one of its own without: preemption mid-section must lose
 * nothing (the slice timer interrupts threads that hold the lock). */
#include <pthread.h>
#include <stdio.h>

#define THREADS 100
#define ROUNDS  10000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long own[THREADS];

static void *add(void *arg)
{
	long *mine = arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&m);
		long v = counter; /* a read, then a write: a lost update shows */
		__asm__ volatile("" ::: "memory");
		counter = v + 1;
		pthread_mutex_unlock(&m);
		++*mine;
	}
	return mine;
}

int main(void)
{
	pthread_t t[THREADS];
	int made = 0;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], 0, add, &own[i]) == 0)
			made++;
	long sum = 0;
	for (int i = 0; i < made; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += *(long *)r;
	}
	printf("%d threads, counter %ld, own counts %ld\n", made, counter, sum);
	return counter == (long)THREADS * ROUNDS ? 0 : 1;
}
