/* The window of shared file mappings (vmap.c): virtual addresses above
 * RAM where a MAP_SHARED mapping of a tmpfs file shows the file's own
 * pages, 4 KiB each. RAM is identity-mapped, so scattered pages can be
 * contiguous only here. */
#ifndef UK_VMAP_H
#define UK_VMAP_H

#include "kernel.h"

#define UK_VMAP_BASE (1ull << 40) /* 1 TiB: far above any RAM a guest has */
#define UK_VMAP_END  (2ull << 40)

static inline int uk_vmap_in(uint64_t a, uint64_t len)
{
	return a >= UK_VMAP_BASE && a <= UK_VMAP_END && len <= UK_VMAP_END - a;
}

struct uk_file;
struct tfile;

/* One mapping: [start, end) shows the file's bytes from off. */
struct uk_vmap {
	uint64_t start, end, off;
	unsigned prot;          /* PROT_* */
	unsigned maywrite;      /* the descriptor was O_RDWR: mprotect may add PROT_WRITE */
	struct uk_file *f;      /* a reference */
	struct tfile *tf;
	struct uk_vmap *next;   /* all mappings, by address */
	struct uk_vmap *fnext;  /* the same file's */
};

/* A new mapping of tf (the data of f's node) at a free place, or at addr
 * (fixed: what the window has there is replaced; EEXIST with noreplace).
 * Returns the address or -errno. */
long uk_vmap_map(struct uk_file *f, struct tfile *tf, uint64_t addr, int fixed, int noreplace,
		 uint64_t len, unsigned prot, uint64_t off);
/* tmpfs_pages.c: pages [lo, hi) of tf came inside or went outside its
 * size: the mappings show what is there now. Called before pages that
 * went are freed. */
void uk_vmap_sync(struct tfile *tf, uint64_t lo, uint64_t hi);
/* [lo, hi) is all mapped in the window (no gaps). */
int uk_vmap_covered(uint64_t lo, uint64_t hi);

/* The memory calls on window addresses: weak in the core (only the file
 * systems bring vmap.c), which does not define UK_VMAP_IMPL. */
#ifdef UK_VMAP_IMPL
#define UK_VMAP_WEAK
#else
#define UK_VMAP_WEAK __attribute__((weak))
#endif
UK_VMAP_WEAK void uk_vmap_unmap(uint64_t lo, uint64_t hi);
UK_VMAP_WEAK long uk_vmap_protect(uint64_t lo, uint64_t hi, unsigned prot);
UK_VMAP_WEAK long uk_vmap_remap(uint64_t old, uint64_t oldlen, uint64_t newlen,
				unsigned flags, uint64_t dst);
UK_VMAP_WEAK long uk_vmap_advise(uint64_t lo, uint64_t hi);
/* the buffer [a, a + len) is in the window and all its pages present */
UK_VMAP_WEAK int uk_vmap_user(uint64_t a, uint64_t len);

#endif
