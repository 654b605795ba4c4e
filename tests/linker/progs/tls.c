#include <pthread.h>
#include <stdio.h>

__thread int counter = 40;
__thread char buf[64];
static __thread long local_tls = 7;
extern __thread int counter;

static void *worker(void *arg)
{
	counter += (int)(long)arg;
	local_tls *= 3;
	snprintf(buf, sizeof(buf), "worker %d %ld", counter, local_tls);
	puts(buf);
	return NULL;
}

int main(void)
{
	pthread_t t;

	counter += 2;
	pthread_create(&t, NULL, worker, (void *)5L);
	pthread_join(t, NULL);
	snprintf(buf, sizeof(buf), "main %d %ld", counter, local_tls);
	puts(buf);
	return counter == 42 ? 0 : 1;
}
