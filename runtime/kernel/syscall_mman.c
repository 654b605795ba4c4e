/* Memory system calls over the identity-mapped page allocator: anonymous
 * mappings are physical runs, zeroed on allocation (brk, which grows up
 * from the end of the image, is the brk group's: syscall_brk.c).
 * usermem.c says which pages are the program's, and only those are ever
 * freed, replaced or given other rights than read-write (paging.c), so a
 * call on memory the program never mapped does what Linux does with an
 * unmapped range and nothing else. A file mapping is an anonymous one
 * filled with the file's bytes (mman_file.c, linked with the file
 * systems), but for a MAP_SHARED one of a tmpfs file, which shows the
 * file's pages in a window above RAM (vmap.c). */
#include "file.h"
#include "mman.h"
#include "vmap.h"

#define MAP_TYPE      0x0f
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000

/* mman_file.c, weak: without the file systems no descriptor can be
 * mapped (ENODEV). check: 0, 1 for a file that maps as anonymous memory
 * (/dev/zero), 2 for one that maps in the window (uk_mmap_window), or
 * -errno; fill: the bytes, once the memory is there. */
__attribute__((weak)) long uk_mmap_file_check(struct uk_file *f, long prot, long flags);
__attribute__((weak)) long uk_mmap_file_fill(struct uk_file *f, uint64_t addr, uint64_t len,
					     long prot, long flags, uint64_t off);
/* 2: the mapping in the window, or 0 when MAP_FIXED puts it in RAM */
__attribute__((weak)) long uk_mmap_window(struct uk_file *f, const long *a, uint64_t len);
/* link_wx.c, linked when the manifest allows writable-and-executable memory */
extern const char uk_link_wx[] __attribute__((weak));

int uk_mman_wx_refused(long prot)
{
	return (prot & PROT_WX) == PROT_WX && !uk_link_wx;
}

/* Gives back the program's pages in [p, end): rights back to read-write
 * (what free memory has), shared file mappings written back first. */
void uk_mman_unmap(uint64_t p, uint64_t end)
{
	for (uint64_t q; p < end; p = q) {
		int owned;
		q = uk_umem_run(p, end, &owned);
		if (!owned)
			continue;
		uk_paging_protect(p, q, PROT_RW); /* never needs a table */
		if (uk_munmap_file)
			uk_munmap_file(p, q - p);
		uk_umem_mark(p, q, 0);
		uk_pmem_free(p, q - p);
	}
}

int uk_mman_owned_all(uint64_t p, uint64_t end)
{
	int owned;
	return p == end || (uk_umem_run(p, end, &owned) == end && owned);
}

/* New pages of the program: its own, zeroed, then given their rights. */
int uk_mman_take(uint64_t p, uint64_t end, unsigned prot)
{
	uk_umem_mark(p, end, 1);
	uk_memset((void *)p, 0, end - p);
	if (prot != PROT_RW && uk_paging_protect(p, end, prot)) {
		uk_mman_unmap(p, end);
		return -ENOMEM;
	}
	return 0;
}

/* MAP_FIXED: what the program has there is replaced, the rest must be
 * free memory (an identity-mapped address space has nothing else to give). */
__uk_cold static long place_fixed(uint64_t p, uint64_t end, int noreplace)
{
	for (uint64_t q, s = p; s < end; s = q) {
		int owned;
		q = uk_umem_run(s, end, &owned);
		if (owned && noreplace)
			return -EEXIST;
		if (!owned && !uk_pmem_is_free(s, q))
			return -ENOMEM;
	}
	uk_mman_unmap(p, end);
	return uk_pmem_claim(p, end - p) ? -ENOMEM : 0;
}

/* The file's bytes in new pages of the program, then their rights. */
__uk_cold static long map_file(struct uk_file *f, uint64_t addr, uint64_t len, long prot,
			       long flags, uint64_t off)
{
	long r = uk_mman_take(addr, addr + len, PROT_RW);
	if (!r && (r = uk_mmap_file_fill(f, addr, len, prot, flags, off)) >= 0 &&
	    prot != PROT_RW && uk_paging_protect(addr, addr + len, (unsigned)prot))
		r = -ENOMEM;
	if (r < 0) {
		uk_mman_unmap(addr, addr + len);
		return r;
	}
	return (long)addr;
}

SYSCALL(mmap)
{
	uint64_t addr = (uint64_t)a[0], len = ALIGN_UP((uint64_t)a[1], PAGE_SIZE);
	long prot = a[2] & 7, flags = a[3]; /* other bits mean nothing to mmap */
	uint64_t off = (uint64_t)a[5];
	struct uk_file *f = 0;
	if (off & (PAGE_SIZE - 1)) /* in Linux's order of checks */
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && (!(f = uk_fd_get(a[4])) || (f->flags & UK_O_PATH)))
		return -EBADF;
	if (uk_mman_wx_refused(prot))
		return -EACCES;
	if (!a[1])
		return -EINVAL;
	if (!len)
		return -ENOMEM;
	if (f) {
		if (off + len < off)
			return -EOVERFLOW;
		long r = uk_mmap_file_check ? uk_mmap_file_check(f, prot, flags) : -ENODEV;
		if (r < 0)
			return r;
		if (r == 1) /* /dev/zero */
			f = 0;
		if (r == 2 && (r = uk_mmap_window(f, a, len)))
			return r;
	} else if ((flags & MAP_TYPE) != 1 && (flags & MAP_TYPE) != 2) {
		return -EINVAL; /* neither MAP_SHARED nor MAP_PRIVATE */
	}
	if (uk_umem_init())
		return -ENOMEM;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (len > TASK_SIZE || addr > TASK_SIZE - len)
			return -ENOMEM;
		long r = place_fixed(addr, addr + len, !!(flags & MAP_FIXED_NOREPLACE));
		if (r < 0)
			return r;
	} else if (!(addr = uk_pmem_alloc(len, ~0ull))) {
		return -ENOMEM;
	}
	if (f)
		return map_file(f, addr, len, prot, flags, off);
	return uk_mman_take(addr, addr + len, (unsigned)prot) ?: (long)addr;
}

SYSCALL(munmap)
{
	uint64_t p = (uint64_t)a[0], len = (uint64_t)a[1];
	if ((p & (PAGE_SIZE - 1)) || !len || p > TASK_SIZE || len > TASK_SIZE - p)
		return -EINVAL;
	uk_mman_unmap(p, p + ALIGN_UP(len, PAGE_SIZE));
	if (uk_vmap_unmap)
		uk_vmap_unmap(p, p + ALIGN_UP(len, PAGE_SIZE));
	return 0;
}

/* The rest, linked with uk_link_mman (link_mman.c) when the program has
 * musl's mprotect, mremap or madvise (runtime/link-if/mman): hello has
 * none of them. */
__attribute__((weak)) long uk_sys_mprotect(const long *a);
__attribute__((weak)) long uk_sys_mremap(const long *a);
__attribute__((weak)) long uk_sys_madvise(const long *a);

SYSCALL(mprotect)
{
	return uk_sys_mprotect ? uk_sys_mprotect(a) : -ENOSYS;
}

SYSCALL(mremap)
{
	return uk_sys_mremap ? uk_sys_mremap(a) : -ENOSYS;
}

SYSCALL(madvise)
{
	return uk_sys_madvise ? uk_sys_madvise(a) : -ENOSYS;
}
