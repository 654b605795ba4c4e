/* The few string routines the runtime needs, under its own names so that
 * libc's versions (which may use SIMD registers) never run in the kernel. */
#include "kernel.h"

/* Quadwords first, then the tail: emulators (TCG) run rep stosq/movsq
 * far faster than byte strings. Both copy upwards, so uk_memcpy may be
 * used for overlapping moves to a lower address. */
void *uk_memset(void *d, int c, size_t n)
{
	void *r = d;
	uint64_t v = 0x0101010101010101ull * (uint8_t)c;
	size_t q = n / 8, b = n % 8;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(b) : "a"(v) : "memory");
	return r;
}

void *uk_memcpy(void *d, const void *s, size_t n)
{
	void *r = d;
	size_t q = n / 8, b = n % 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(b) : : "memory");
	return r;
}

size_t uk_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int uk_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}
