/* malloc/free and mmap/munmap in a tight loop: the paths memory
 * protection must not slow down. Prints "NAME MILLISECONDS" per workload. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void report(const char *name, uint64_t t0)
{
	uint64_t us = now_us() - t0;
	printf("%s %lu.%03lu\n", name, (unsigned long)(us / 1000), (unsigned long)(us % 1000));
}

int main(void)
{
	/* sizes from 16 B to 256 KiB, a few live at once so that groups
	 * are made and given back, big ones through mmap */
	static const size_t sizes[] = {16, 24, 48, 100, 200, 512, 1000, 4000,
				       9000, 20000, 70000, 140000, 262144};
	enum { LIVE = 64, N = 1000000 };
	void *live[LIVE] = {0};
	uint64_t t0 = now_us();
	unsigned seed = 1;
	for (unsigned i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned slot = (seed >> 8) % LIVE;
		free(live[slot]);
		size_t n = sizes[(seed >> 16) % (sizeof(sizes) / sizeof(sizes[0]))];
		if (!(live[slot] = malloc(n)))
			return 1;
		*(volatile char *)live[slot] = 1;
	}
	for (unsigned i = 0; i < LIVE; i++)
		free(live[i]);
	report("malloc1m", t0);

	t0 = now_us();
	for (unsigned i = 0; i < 10000; i++) {
		char *p = mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 2;
		p[0] = p[65535] = 1;
		munmap(p, 65536);
	}
	report("mmap10k", t0);

	t0 = now_us();
	for (unsigned i = 0; i < 10000; i++) {
		char *p = mmap(0, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || mprotect(p, 65536, PROT_READ | PROT_WRITE))
			return 3;
		p[0] = p[65535] = 1;
		munmap(p, 65536);
	}
	report("mprotect10k", t0);
	return 0;
}
