/* MAP_SHARED mappings of tmpfs files (and memfds): the file's own pages
 * shown contiguously in a window of virtual addresses above RAM
 * (vmap.h), 4 KiB page-table entries each, so a store is in the file at
 * once and every mapping, read() and write() see the same bytes; msync
 * has nothing to do. Linked with the file systems (mman_file.c and
 * tmpfs_pages.c refer to it).
 *
 * Every page inside the file's size that a mapping covers exists (holes
 * are filled at mmap time, as if touched) and is in the page tables;
 * pages past the end are not present, so touching them faults (Linux's
 * SIGBUS) until the file grows over them: tmpfs tells us (uk_vmap_sync)
 * when pages come inside or go outside the size, and removes pages from
 * the mappings before it frees them. A mapping holds a reference to the
 * open file, so the node and its pages live until the last munmap. */
#define UK_VMAP_IMPL
#include "file.h"
#include "syscall.h"
#include "tmpfs.h"
#include "vmap.h"

#define PROT_WRITE 2
#define PROT_WX    6
#define MREMAP_MAYMOVE   1
#define MREMAP_FIXED     2
#define MREMAP_DONTUNMAP 4

int uk_mman_wx_refused(long prot); /* syscall_mman.c */

static struct uk_vmap *maps; /* by address */

/* The entries of [lo, hi), a part of m, as the file is now: -ENOMEM when a
 * page inside the size or a page table cannot be had. */
static long show(struct uk_vmap *m, uint64_t lo, uint64_t hi)
{
	long r = 0;
	for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
		uint64_t idx = (m->off + (va - m->start)) / PAGE_SIZE;
		void *pg = m->prot ? uk_tmpfs_map_page(m->tf, idx) : 0;
		if (m->prot && !pg && idx * PAGE_SIZE < m->tf->size)
			r = -ENOMEM;
		if (uk_paging_map_page(va, (uint64_t)pg, m->prot))
			r = -ENOMEM;
	}
	return r;
}

static void hide(uint64_t lo, uint64_t hi)
{
	for (uint64_t va = lo; va < hi; va += PAGE_SIZE)
		if (uk_paging_present(va))
			uk_paging_map_page(va, 0, 0);
}

void uk_vmap_sync(struct tfile *tf, uint64_t lo, uint64_t hi)
{
	for (struct uk_vmap *m = tf->maps; m; m = m->fnext) {
		uint64_t first = m->off / PAGE_SIZE, n = (m->end - m->start) / PAGE_SIZE;
		uint64_t a = lo > first ? lo : first, b = hi < first + n ? hi : first + n;
		if (a < b) /* a page that cannot be had stays absent: it faults */
			show(m, m->start + (a - first) * PAGE_SIZE, m->start + (b - first) * PAGE_SIZE);
	}
}

/* Where len bytes fit in the window: the first gap, or 0. */
static uint64_t find_free(uint64_t len)
{
	uint64_t at = UK_VMAP_BASE;
	for (struct uk_vmap *m = maps; m; m = m->next) {
		if (m->start - at >= len)
			return at;
		at = m->end;
	}
	return UK_VMAP_END - at >= len ? at : 0;
}

/* [lo, hi) meets no mapping. */
static int is_free(uint64_t lo, uint64_t hi)
{
	for (struct uk_vmap *m = maps; m && m->start < hi; m = m->next)
		if (m->end > lo)
			return 0;
	return 1;
}

static void insert(struct uk_vmap *n)
{
	struct uk_vmap **pp = &maps;
	while (*pp && (*pp)->start < n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
	n->fnext = n->tf->maps;
	n->tf->maps = n;
}

static void drop(struct uk_vmap *m)
{
	struct uk_vmap **pp = &maps;
	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
	for (pp = &m->tf->maps; *pp != m; pp = &(*pp)->fnext)
		;
	*pp = m->fnext;
	hide(m->start, m->end);
	uk_file_put(m->f);
	uk_free(m);
}

static struct uk_vmap *new_map(struct uk_file *f, struct tfile *tf, uint64_t start,
			       uint64_t end, uint64_t off, unsigned prot, unsigned maywrite)
{
	struct uk_vmap *m = uk_malloc(sizeof(*m));
	if (!m)
		return 0;
	*m = (struct uk_vmap){start, end, off, prot, maywrite, uk_file_get(f), tf, 0, 0};
	insert(m);
	return m;
}

/* m becomes [m->start, at) and a new mapping [at, m->end): 0 or -ENOMEM. */
static long split(struct uk_vmap *m, uint64_t at)
{
	if (at <= m->start || at >= m->end)
		return 0;
	uint64_t end = m->end;
	m->end = at;
	if (!new_map(m->f, m->tf, at, end, m->off + (at - m->start), m->prot, m->maywrite)) {
		m->end = end;
		return -ENOMEM;
	}
	return 0;
}

/* When no memory is left for one more record (a hole in the middle),
 * the pages go and the record stays. */
void uk_vmap_unmap(uint64_t lo, uint64_t hi)
{
	for (struct uk_vmap **pp = &maps, *m; (m = *pp) && m->start < hi;) {
		if (m->end <= lo) {
			pp = &m->next;
		} else if (m->start < lo) { /* the part before stays; the rest is next */
			if (split(m, lo))
				hide(lo, hi < m->end ? hi : m->end);
			pp = &m->next;
		} else if (m->end > hi && split(m, hi)) {
			hide(m->start, hi);
			pp = &m->next;
		} else {
			drop(m); /* *pp is the next one */
		}
	}
}

int uk_vmap_covered(uint64_t lo, uint64_t hi)
{
	for (struct uk_vmap *m = maps; m && lo < hi; m = m->next) {
		if (m->end <= lo)
			continue;
		if (m->start > lo)
			return 0;
		lo = m->end;
	}
	return lo >= hi;
}

long uk_vmap_map(struct uk_file *f, struct tfile *tf, uint64_t addr, int fixed, int noreplace,
		 uint64_t len, unsigned prot, uint64_t off)
{
	if (fixed) {
		if (noreplace && !is_free(addr, addr + len))
			return -EEXIST;
		uk_vmap_unmap(addr, addr + len);
	} else if (!(addr = find_free(len))) {
		return -ENOMEM;
	}
	unsigned maywrite = (f->flags & UK_O_ACCMODE) == UK_O_RDWR;
	struct uk_vmap *m = new_map(f, tf, addr, addr + len, off, prot, maywrite);
	if (!m)
		return -ENOMEM;
	if (show(m, m->start, m->end)) {
		drop(m);
		return -ENOMEM;
	}
	return (long)addr;
}

long uk_vmap_protect(uint64_t lo, uint64_t hi, unsigned prot)
{
	if (!uk_vmap_covered(lo, hi))
		return -ENOMEM;
	for (struct uk_vmap *m = maps; m && m->start < hi; m = m->next)
		if (m->end > lo && (prot & PROT_WRITE) && !m->maywrite)
			return -EACCES; /* a shared mapping of a read-only descriptor */
	if (uk_mman_wx_refused(prot))
		return -EACCES;
	long r = 0;
	for (struct uk_vmap *m = maps; m && m->start < hi; m = m->next) {
		if (m->end <= lo)
			continue;
		if ((r = split(m, lo)) || (r = split(m, hi)))
			return r;
		if (m->start < lo) /* the part before: the next one is ours */
			continue;
		m->prot = prot;
		if ((r = show(m, m->start, m->end)))
			return r;
	}
	return 0;
}

/* mremap of a window mapping: the new one shows the same file pages, so
 * nothing is copied; it shrinks in place, grows in place when the window
 * is free after it, else moves. old_size 0 makes a second mapping of the
 * same pages, as Linux does for shared mappings. */
long uk_vmap_remap(uint64_t old, uint64_t oldlen, uint64_t newlen, unsigned flags,
		   uint64_t dst)
{
	struct uk_vmap *m = maps;
	while (m && m->end <= old)
		m = m->next;
	if (!m || m->start > old)
		return -EFAULT;
	if (old + oldlen < old || old + oldlen > m->end)
		return -EFAULT; /* more than one mapping */
	int moving = !!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP));
	if (!oldlen && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if ((dst & (PAGE_SIZE - 1)) || (old + oldlen > dst && dst + newlen > old))
			return -EINVAL;
		if (!uk_vmap_in(dst, newlen))
			return -ENOMEM; /* only the window can show a file's pages */
	} else if (oldlen && !moving && newlen <= oldlen) {
		uk_vmap_unmap(old + newlen, old + oldlen);
		return (long)old;
	}
	uint64_t off = m->off + (old - m->start);
	if (oldlen && !moving && old + oldlen == m->end && uk_vmap_in(old, newlen) &&
	    is_free(m->end, old + newlen)) { /* grows in place */
		uint64_t from = m->end;
		m->end = old + newlen;
		if (show(m, from, m->end)) {
			hide(from, m->end);
			m->end = from;
			return -ENOMEM;
		}
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	struct uk_file *f = uk_file_get(m->f); /* m may go with the old range */
	struct tfile *tf = m->tf;
	unsigned prot = m->prot, maywrite = m->maywrite;
	if (flags & MREMAP_FIXED) {
		if (oldlen > newlen) {
			uk_vmap_unmap(old + newlen, old + oldlen);
			oldlen = newlen;
		}
		uk_vmap_unmap(dst, dst + newlen);
	} else if (!(dst = find_free(newlen))) {
		uk_file_put(f);
		return -ENOMEM;
	}
	long r = -ENOMEM;
	struct uk_vmap *n = new_map(f, tf, dst, dst + newlen, off, prot, maywrite);
	if (n && (r = show(n, n->start, n->end)))
		drop(n);
	if (n && !r) {
		if (oldlen && !(flags & MREMAP_DONTUNMAP))
			uk_vmap_unmap(old, old + oldlen);
		r = (long)dst;
	}
	uk_file_put(f);
	return r;
}

/* Advice changes nothing in a shared mapping: even MADV_DONTNEED leaves
 * the file's bytes, which is what Linux shows afterwards. */
long uk_vmap_advise(uint64_t lo, uint64_t hi)
{
	return uk_vmap_covered(lo, hi) ? 0 : -ENOMEM;
}

int uk_vmap_user(uint64_t a, uint64_t len)
{
	if (!uk_vmap_in(a, len))
		return 0;
	for (uint64_t va = ALIGN_DOWN(a, PAGE_SIZE); va < a + len; va += PAGE_SIZE)
		if (!uk_paging_present(va))
			return 0;
	return 1;
}
