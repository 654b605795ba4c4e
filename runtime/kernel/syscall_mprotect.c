/* mprotect and madvise (linked with uk_link_mman, link_mman.c) over the
 * program's pages (usermem.c) and their rights (paging.c). */
#include "mman.h"
#include "vmap.h"

#define PROT_SEM       8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP   0x02000000
#define MADV_DONTNEED  4

long uk_sys_mprotect(const long *a)
{
	uint64_t p = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	long prot = a[2], grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || (p & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (!a[1])
		return 0;
	if (p + len <= p)
		return -ENOMEM;
	if (prot & ~(long)(7 | PROT_SEM))
		return -EINVAL;
	if (uk_vmap_protect && uk_vmap_in(p, len) && !grows) /* shared file pages */
		return uk_vmap_protect(p, p + len, (unsigned)prot & 7);
	int owned = 0;
	if (!uk_mman_owned_all(p, p + len) || grows) { /* no mapping here grows */
		if (grows)
			for (uint64_t q = p; q < p + len && !owned; q = uk_umem_run(q, p + len, &owned))
				;
		return owned ? -EINVAL : -ENOMEM;
	}
	if (uk_mman_wx_refused(prot))
		return -EACCES;
	return uk_paging_protect(p, p + len, (unsigned)prot & 7) ? -ENOMEM : 0;
}

/* Zeros pages whatever their rights (MADV_DONTNEED: private memory reads
 * as zeros afterwards). */
static void zero_pages(uint64_t p, uint64_t end)
{
	for (; p < end; p += PAGE_SIZE) {
		unsigned prot = uk_paging_prot(p);
		uk_paging_protect(p, p + PAGE_SIZE, PROT_RW);
		uk_memset((void *)p, 0, PAGE_SIZE);
		uk_paging_protect(p, p + PAGE_SIZE, prot);
	}
}

long uk_sys_madvise(const long *a)
{
	uint64_t p = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	if ((p & (PAGE_SIZE - 1)) || (a[1] && !len) || p + len < p)
		return -EINVAL;
	if (uk_vmap_advise && len && uk_vmap_in(p, len))
		return uk_vmap_advise(p, p + len);
	long r = 0;
	for (uint64_t q, end = p + len; p < end; p = q) {
		int owned;
		q = uk_umem_run(p, end, &owned);
		if (!owned)
			r = -ENOMEM; /* Linux still advises the mapped parts */
		else if (a[2] == MADV_DONTNEED)
			zero_pages(p, q);
	}
	return r;
}
