#include <stdio.h>

static int order[8], n;
__attribute__((constructor(200))) static void c200(void) { order[n++] = 200; }
__attribute__((constructor(101))) static void c101(void) { order[n++] = 101; }
__attribute__((constructor)) static void cdef(void) { order[n++] = 65535; }
__attribute__((destructor)) static void dtor(void) { puts("destructor ran"); }

int main(void)
{
	for (int i = 0; i < n; i++)
		printf("ctor %d\n", order[i]);
	return n == 3 ? 0 : 1;
}
