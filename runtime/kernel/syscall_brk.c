/* brk: the heap grows up from the end of the image (the page allocator
 * hands out memory from the top down, leaving that to it). The brk group
 * (sys_brk.h, link_brk.c): linked with musl's malloc and sbrk, the only
 * members making the call (runtime/link-if/brk). */
#include "mman.h"

static uint64_t brk_start, brk_cur;

SYSCALL(brk)
{
	if (!brk_start)
		brk_start = brk_cur = uk_image_end();
	uint64_t want = (uint64_t)a[0];
	if (want < brk_start)
		return (long)brk_cur;
	uint64_t have_end = ALIGN_UP(brk_cur, PAGE_SIZE), want_end = ALIGN_UP(want, PAGE_SIZE);
	if (want_end > have_end) {
		if (uk_umem_init() || uk_pmem_claim(have_end, want_end - have_end) ||
		    uk_mman_take(have_end, want_end, PROT_RW))
			return (long)brk_cur;
	} else if (want_end < have_end) {
		uk_mman_unmap(want_end, have_end);
	}
	brk_cur = want;
	return (long)brk_cur;
}
