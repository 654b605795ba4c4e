/* Memory system calls over the identity-mapped page allocator: anonymous
 * mappings are physical runs, zeroed on allocation; brk grows up from the
 * end of the image (the allocator hands out memory from the top down).
 * A file mapping is an anonymous one filled with the file's bytes
 * (mman_file.c, linked with the file systems). */
#include "file.h"
#include "syscall.h"

#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MADV_DONTNEED 4

static uint64_t brk_start, brk_cur;

/* mman_file.c, weak: without the file systems no descriptor can be
 * mapped (ENODEV). check: 0, 1 for a file that maps as anonymous memory
 * (/dev/zero), or -errno; fill: the bytes, once the memory is there. */
__attribute__((weak)) long uk_mmap_file_check(struct uk_file *f, long prot, long flags);
__attribute__((weak)) long uk_mmap_file_fill(struct uk_file *f, uint64_t addr, uint64_t len,
					     long prot, long flags, uint64_t off);
__attribute__((weak)) void uk_munmap_file(uint64_t addr, uint64_t len);

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
	uint64_t off = (uint64_t)a[5];
	struct uk_file *f = 0;
	if (!(flags & MAP_ANONYMOUS)) { /* in Linux's order of checks */
		if (off & (PAGE_SIZE - 1))
			return -EINVAL;
		if (!(f = uk_fd_get(a[4])) || (f->flags & UK_O_PATH))
			return -EBADF;
	}
	if (!a[1] || !len)
		return -EINVAL;
	if (f) {
		if (off + len < off)
			return -EOVERFLOW;
		long r = uk_mmap_file_check ? uk_mmap_file_check(f, a[2], flags) : -ENODEV;
		if (r < 0)
			return r;
		if (r == 1) /* /dev/zero */
			f = 0;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (bad_range(addr, len) || uk_pmem_claim(addr, len))
			return -ENOMEM;
	} else if (!(addr = uk_pmem_alloc(len, ~0ull))) {
		return -ENOMEM;
	}
	uk_memset((void *)addr, 0, len);
	if (f) {
		long r = uk_mmap_file_fill(f, addr, len, a[2], flags, off);
		if (r < 0) {
			uk_pmem_free(addr, len);
			return r;
		}
	}
	return (long)addr;
}

SYSCALL(munmap)
{
	uint64_t p = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	if (!len || bad_range(p, len))
		return -EINVAL;
	if (uk_munmap_file)
		uk_munmap_file(p, len); /* shared file mappings are written back */
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
	if (uk_munmap_file) /* written back: the new mapping is a private copy */
		uk_munmap_file(old, oldlen);
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
