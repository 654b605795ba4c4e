/* A thread that spins forever, never making a system call, does not
 * starve the others: the slice timer preempts it. Also FPU/SSE state
 * survives preemption: two threads computing in doubles while the spinner
 * spins get the same results as alone. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long spins;

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		spins++;
	return 0;
}

static double result[3];

static void *compute(void *arg)
{
	double x = (double)(long)arg, s = 0;
	for (long i = 1; i <= 3000000; i++)
		s += x / (double)i;
	result[(long)arg] = s;
	return 0;
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	pthread_t t;
	pthread_create(&t, 0, spin, 0);
	pthread_create(&t, 0, spin, 0);
	struct timespec d = {0, 20000000};
	nanosleep(&d, 0); /* the spinners have the CPU; this sleep still ends */
	printf("slept while two threads spin\n");
	pthread_t c[2];
	for (long i = 0; i < 2; i++)
		pthread_create(&c[i], 0, compute, (void *)(i + 1));
	pthread_join(c[0], 0);
	pthread_join(c[1], 0);
	printf("computed %.6f %.6f\n", result[1], result[2]);
	unsigned long before = spins;
	nanosleep(&d, 0);
	printf("the spinners ran meanwhile: %s\n", spins != before ? "yes" : "no");
	exit(0); /* ends the spinning threads too */
}
