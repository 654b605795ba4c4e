/* mremap (linked with uk_link_mman, link_mman.c): a mapping shrinks in
 * place, grows in place over free memory after it, slides down over free
 * memory before it, or moves; it keeps its rights. */
#include "mman.h"
#include "vmap.h"

#define MREMAP_MAYMOVE   1
#define MREMAP_FIXED     2
#define MREMAP_DONTUNMAP 4

/* mremap's move: the bytes of [old, old + oldlen) at [p, p + newlen),
 * pages already the program's, zeros after them, old's rights. */
static long moved(uint64_t p, uint64_t old, uint64_t oldlen, uint64_t newlen, unsigned prot,
		  int keep_old)
{
	uk_paging_protect(old, old + oldlen, PROT_RW); /* readable */
	uk_memcpy((void *)p, (void *)old, oldlen);     /* upwards: fine when p < old */
	uk_memset((void *)(p + oldlen), 0, newlen - oldlen);
	if (keep_old) { /* MREMAP_DONTUNMAP: old stays, empty */
		uk_memset((void *)old, 0, oldlen);
		uk_paging_protect(old, old + oldlen, prot);
	} else if (old + oldlen <= p || p + newlen <= old) {
		uk_mman_unmap(old, old + oldlen);
	}
	if (prot != PROT_RW && uk_paging_protect(p, p + newlen, prot)) {
		uk_mman_unmap(p, p + newlen);
		return -ENOMEM;
	}
	return (long)p;
}

long uk_sys_mremap(const long *a)
{
	uint64_t old = (uint64_t)a[0], flags = (uint64_t)a[3], dst = (uint64_t)a[4];
	uint64_t oldlen = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	uint64_t newlen = ALIGN_UP((uint64_t)a[2], PAGE_SIZE);
	int moving = !!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)), owned;
	if ((flags & ~7ull) || (moving && !(flags & MREMAP_MAYMOVE)) ||
	    ((flags & MREMAP_DONTUNMAP) && a[1] != a[2]) || (old & (PAGE_SIZE - 1)) || !newlen)
		return -EINVAL;
	if (uk_vmap_remap && uk_vmap_in(old, PAGE_SIZE)) /* shared file pages */
		return uk_vmap_remap(old, oldlen, newlen, (unsigned)flags, dst);
	if (uk_umem_init())
		return -ENOMEM;
	uk_umem_run(old, old + PAGE_SIZE, &owned);
	if (!owned)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if ((dst & (PAGE_SIZE - 1)) || newlen > TASK_SIZE || dst > TASK_SIZE - newlen ||
		    (old + oldlen > dst && dst + newlen > old))
			return -EINVAL;
		uk_mman_unmap(dst, dst + newlen);
		if (oldlen > newlen) {
			uk_mman_unmap(old + newlen, old + oldlen);
			oldlen = newlen;
		}
	} else if (!moving && newlen <= oldlen) {
		uk_mman_unmap(old + newlen, old + oldlen);
		return (long)old;
	}
	if (!oldlen) /* Linux's duplicate of a shared mapping */
		return -EINVAL;
	if (old + oldlen < old || !uk_mman_owned_all(old, old + oldlen))
		return -EFAULT; /* more than one mapping */
	if (uk_munmap_file) /* written back: the new mapping is a private copy */
		uk_munmap_file(old, oldlen);
	unsigned prot = uk_paging_prot(old);
	if (flags & MREMAP_FIXED) {
		if (uk_pmem_claim(dst, newlen))
			return -ENOMEM;
		uk_umem_mark(dst, dst + newlen, 1);
		return moved(dst, old, oldlen, newlen, prot, flags & MREMAP_DONTUNMAP);
	}
	uint64_t lo, hi;
	uk_pmem_neighbours(old, old + oldlen, &lo, &hi);
	if (!moving && old + newlen <= hi) { /* grows in place */
		uk_pmem_claim(old + oldlen, newlen - oldlen);
		return uk_mman_take(old + oldlen, old + newlen, prot) ?: (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if (!moving && hi - lo >= newlen) {
		/* slides down over the free run below: big blocks that keep
		 * growing stay at one end of memory instead of cutting it up */
		uint64_t p = hi - newlen;
		uk_pmem_claim(p, old - p);
		if (hi > old + oldlen)
			uk_pmem_claim(old + oldlen, hi - (old + oldlen));
		uk_umem_mark(p, hi, 1);
		return moved(p, old, oldlen, newlen, prot, 0);
	}
	uint64_t p = uk_pmem_alloc(newlen, ~0ull);
	if (!p)
		return -ENOMEM;
	uk_umem_mark(p, p + newlen, 1);
	return moved(p, old, oldlen, newlen, prot, flags & MREMAP_DONTUNMAP);
}
