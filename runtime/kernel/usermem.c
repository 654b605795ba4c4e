/* Which pages of RAM are the program's: one bit per 4 KiB page, set by
 * mmap and brk, cleared by munmap. Memory is identity-mapped, so the
 * program's mappings are physical pages the allocator gave it, and every
 * other page (free, the runtime's, the image) must never be freed,
 * protected or replaced on the program's behalf. The map is made on the
 * first mapping (1 bit per page: 4 KiB of map per 128 MiB of RAM), with a
 * spare word at the end that stays clear, so an owned run always ends
 * inside the map. */
#include "syscall.h"
#include "vmap.h"

static uint64_t *bits;
static uint64_t nwords;

__uk_cold static int make_map(void)
{
	uint64_t words = uk_ram_top / PAGE_SIZE / 64 + 2;
	uint64_t size = ALIGN_UP(words * 8, PAGE_SIZE);
	uint64_t p = uk_pmem_alloc(size, ~0ull);
	if (!p)
		return -1;
	uk_memset((void *)p, 0, size);
	bits = (uint64_t *)p;
	nwords = words;
	return 0;
}

int uk_umem_init(void)
{
	return bits ? 0 : make_map();
}

uint64_t uk_umem_run(uint64_t start, uint64_t end, int *owned)
{
	uint64_t i = start / PAGE_SIZE, n = end / PAGE_SIZE, k = i / 64;
	if (k >= nwords) {
		*owned = 0;
		return end;
	}
	/* the first bit from i on that differs from bit i */
	uint64_t flip = (bits[k] >> (i % 64) & 1) ? ~0ull : 0;
	uint64_t w = (bits[k] ^ flip) & (~0ull << (i % 64));
	*owned = flip != 0;
	while (!w && ++k < nwords && k * 64 < n)
		w = bits[k] ^ flip;
	if (!w)
		return end;
	uint64_t j = k * 64 + (uint64_t)__builtin_ctzll(w);
	return j < n ? j * PAGE_SIZE : end;
}

/* A bit at a time: ranges are a few pages in the hot paths, and the loop
 * is a fraction of the zeroing or freeing that comes with it. */
void uk_umem_mark(uint64_t start, uint64_t end, int owned)
{
	for (uint64_t i = start / PAGE_SIZE; i < end / PAGE_SIZE; i++) {
		uint64_t m = 1ull << (i % 64);
		bits[i / 64] = owned ? bits[i / 64] | m : bits[i / 64] & ~m;
	}
}

int uk_bad_user(long p, uint64_t len)
{
	uint64_t a = (uint64_t)p;
	if (a < PAGE_SIZE || a + len < a)
		return 1;
	return a + len > uk_ram_top && (!uk_vmap_user || !uk_vmap_user(a, len));
}
