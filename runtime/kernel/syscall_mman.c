/* Memory system calls over the identity-mapped page allocator: anonymous
 * mappings are physical runs, zeroed on allocation; brk grows up from the
 * end of the image (the allocator hands out memory from the top down). */
#include "syscall.h"

#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MADV_DONTNEED 4

static uint64_t brk_start, brk_cur;

/* Memory that never belongs to the program's mappings. */
static int bad_range(uint64_t p, uint64_t len)
{
	return (p & (PAGE_SIZE - 1)) || p < 0x100000 || p + len < p ||
	       (p < uk_image_end() && p + len > 0x100000);
}

SYSCALL(mmap)
{
	uint64_t addr = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	long flags = a[3];
	if (!a[1] || !len)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (bad_range(addr, len) || uk_pmem_claim(addr, len))
			return -ENOMEM;
	} else if (!(addr = uk_pmem_alloc(len, ~0ull))) {
		return -ENOMEM;
	}
	uk_memset((void *)addr, 0, len);
	return (long)addr;
}

SYSCALL(munmap)
{
	uint64_t p = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	if (!len || bad_range(p, len))
		return -EINVAL;
	uk_pmem_reserve(p, p + len); /* parts already free are not freed twice */
	uk_pmem_free(p, len);
	return 0;
}

SYSCALL(mremap)
{
	uint64_t old = (uint64_t)a[0];
	uint64_t oldlen = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	uint64_t newlen = ALIGN_UP((uint64_t)a[2], PAGE_SIZE);
	if (!newlen || bad_range(old, oldlen))
		return -EINVAL;
	if (newlen <= oldlen) {
		if (newlen < oldlen)
			uk_pmem_free(old + newlen, oldlen - newlen);
		return (long)old;
	}
	uint64_t lo, hi;
	uk_pmem_neighbours(old, old + oldlen, &lo, &hi);
	if (old + newlen <= hi) { /* grows in place */
		uk_pmem_claim(old + oldlen, newlen - oldlen);
		uk_memset((void *)(old + oldlen), 0, newlen - oldlen);
		return (long)old;
	}
	if ((a[3] & MREMAP_MAYMOVE) && hi - lo >= newlen) {
		/* slides down over the free run below: big blocks that keep
		 * growing stay at one end of memory instead of cutting it up */
		uint64_t p = hi - newlen;
		uk_pmem_claim(p, old - p);
		if (hi > old + oldlen)
			uk_pmem_claim(old + oldlen, hi - (old + oldlen));
		uk_memcpy((void *)p, (void *)old, oldlen); /* forward copy, p < old */
		uk_memset((void *)(p + oldlen), 0, newlen - oldlen);
		return (long)p;
	}
	if (!(a[3] & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t p = uk_pmem_alloc(newlen, ~0ull);
	if (!p)
		return -ENOMEM;
	uk_memcpy((void *)p, (void *)old, oldlen);
	uk_memset((void *)(p + oldlen), 0, newlen - oldlen);
	uk_pmem_free(old, oldlen);
	return (long)p;
}

SYSCALL(mprotect)
{
	(void)a; /* accepted: every mapping stays read-write */
	return 0;
}

SYSCALL(madvise)
{
	if (a[2] == MADV_DONTNEED && !bad_range((uint64_t)a[0], (uint64_t)a[1]))
		uk_memset((void *)a[0], 0, ALIGN_UP((uint64_t)a[1], PAGE_SIZE));
	return 0;
}

SYSCALL(brk)
{
	if (!brk_start)
		brk_start = brk_cur = uk_image_end();
	uint64_t want = (uint64_t)a[0];
	if (want < brk_start)
		return (long)brk_cur;
	uint64_t have_end = ALIGN_UP(brk_cur, PAGE_SIZE), want_end = ALIGN_UP(want, PAGE_SIZE);
	if (want_end > have_end) {
		if (uk_pmem_claim(have_end, want_end - have_end))
			return (long)brk_cur;
		uk_memset((void *)have_end, 0, want_end - have_end);
	} else if (want_end < have_end) {
		uk_pmem_free(want_end, have_end - want_end);
	}
	brk_cur = want;
	return (long)brk_cur;
}
