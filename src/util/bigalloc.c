#include "util/bigalloc.h"

#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)

void *uk_big_alloc(size_t n)
{
	void *p;

	if (n < 4 * HUGE_PAGE)
		return malloc(n);
	if (posix_memalign(&p, HUGE_PAGE, n) != 0)
		return NULL;
	/* advice only: without huge pages it is plain memory */
	madvise(p, n & ~(size_t)(HUGE_PAGE - 1), MADV_HUGEPAGE);
	return p;
}
