/* getrandom: RDRAND when the CPU has it, otherwise a
 * SplitMix64 stream seeded from the TSC (not for cryptography). */
#include "cpu.h"
#include "syscall.h"

static int hw; /* 0 unknown, 1 rdrand, 2 none */
static uint64_t mix;

static int rdrand(uint64_t *v)
{
	for (int i = 0; i < 16; i++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 1;
	}
	return 0;
}

static uint64_t next(void)
{
	uint64_t v;
	if (!hw) {
		uint32_t r[4];
		cpuid(1, 0, r);
		hw = (r[2] >> 30) & 1 ? 1 : 2;
		mix = rdtsc();
	}
	if (hw == 1 && rdrand(&v))
		return v;
	mix += 0x9e3779b97f4a7c15ull + rdtsc();
	v = mix;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}

void uk_random_fill(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		uint64_t v = next();
		size_t k = n < 8 ? n : 8;
		uk_memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

SYSCALL(getrandom)
{
	uk_random_fill((void *)a[0], (size_t)a[1]);
	return a[1];
}
