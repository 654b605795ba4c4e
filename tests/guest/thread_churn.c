/* Threads made and ended many times over while others run: each must
 * start with its own argument (their kernel stacks go back to the page
 * allocator and are soon reused, by the next threads' stacks among
 * others), joinable and detached ones, with a thread that spins so the
 * slice timer preempts everything in between. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS  30
#define PER     40

struct job {
	int round, index;
	char fill[200]; /* a start argument bigger than a register */
	long sum;
};

static atomic_int detached_done, bad, stop;

static long check(struct job *j)
{
	long s = 0;
	for (size_t i = 0; i < sizeof(j->fill); i++) {
		if (j->fill[i] != (char)(j->round * 31 + j->index + (int)i))
			atomic_fetch_add(&bad, 1);
		s += j->fill[i];
	}
	return s;
}

static void *joinable(void *arg)
{
	struct job *j = arg;
	j->sum = check(j);
	return j;
}

static void *detached(void *arg)
{
	struct job *j = arg;
	check(j);
	free(j);
	atomic_fetch_add(&detached_done, 1);
	return 0;
}

static void *spinner(void *arg)
{
	volatile unsigned long n = 0;
	while (!atomic_load(&stop))
		n++;
	return arg;
}

static struct job *job(int round, int index)
{
	struct job *j = malloc(sizeof(*j));
	j->round = round;
	j->index = index;
	for (size_t i = 0; i < sizeof(j->fill); i++)
		j->fill[i] = (char)(round * 31 + index + (int)i);
	return j;
}

int main(void)
{
	pthread_t spin, t[PER];
	pthread_attr_t det;
	pthread_attr_init(&det);
	pthread_attr_setdetachstate(&det, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&spin, 0, spinner, 0))
		return 2;
	long total = 0, want = 0;
	int joined = 0, made_detached = 0;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < PER; i++) {
			struct job *j = job(r, i);
			want += check(j);
			if (pthread_create(&t[i], 0, joinable, j))
				return 3;
			pthread_t d;
			if (pthread_create(&d, &det, detached, job(r, i)) == 0)
				made_detached++;
		}
		for (int i = 0; i < PER; i++) {
			void *res;
			pthread_join(t[i], &res);
			struct job *j = res;
			if (j->round != r || j->index != i)
				atomic_fetch_add(&bad, 1);
			total += j->sum;
			free(j);
			joined++;
		}
	}
	while (atomic_load(&detached_done) < made_detached)
		sched_yield();
	atomic_store(&stop, 1);
	pthread_join(spin, 0);
	printf("%d joined, %d detached, sums %s, %d bad\n", joined, atomic_load(&detached_done),
	       total == want ? "equal" : "differ", atomic_load(&bad));
	return bad != 0;
}
