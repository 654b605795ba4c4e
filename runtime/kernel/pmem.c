/* Physical page allocator: a list of free runs sorted by address, each
 * run's header stored in its own first page (all RAM is identity-mapped).
 * Allocation is top-down, leaving the memory just above the image to brk. */
#include "kernel.h"

struct run {
	uint64_t size;
	struct run *next;
};

static struct run *free_list;

static uint64_t end_of(const struct run *r)
{
	return (uint64_t)r + r->size;
}

/* Inserts a free range, merging with its neighbours. */
void uk_pmem_free(uint64_t start, uint64_t size)
{
	uint64_t end = ALIGN_UP(start + size, PAGE_SIZE);
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (end <= start)
		return;
	struct run **pp = &free_list, *prev = 0;
	while (*pp && (uint64_t)*pp < start) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	struct run *next = *pp;
	if (prev && end_of(prev) == start) {
		prev->size += end - start;
		if (next && end_of(prev) == (uint64_t)next) {
			prev->size += next->size;
			prev->next = next->next;
		}
		return;
	}
	struct run *r = (struct run *)start;
	r->size = end - start;
	r->next = next;
	if (next && end == (uint64_t)next) {
		r->size += next->size;
		r->next = next->next;
	}
	*pp = r;
}

void uk_pmem_add(uint64_t start, uint64_t end)
{
	if (start < 0x100000)
		start = 0x100000;
	if (end > start)
		uk_pmem_free(start, end - start);
}

/* Removes [start, end) from the free runs, wherever it overlaps. */
void uk_pmem_reserve(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	struct run **pp = &free_list;
	while (*pp) {
		struct run *r = *pp;
		uint64_t rs = (uint64_t)r, re = end_of(r);
		if (re <= start || rs >= end) {
			pp = &r->next;
			continue;
		}
		struct run *next = r->next;
		*pp = next;
		if (re > end) { /* the part above survives */
			struct run *hi = (struct run *)end;
			hi->size = re - end;
			hi->next = next;
			*pp = hi;
		}
		if (rs < start) { /* the part below survives, keeps its header */
			r->size = start - rs;
			r->next = *pp;
			*pp = r;
			pp = &r->next;
		}
		if (*pp && (uint64_t)*pp >= end)
			break;
	}
}

uint64_t uk_pmem_alloc(uint64_t size, uint64_t limit)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	uint64_t best = 0;
	for (struct run *r = free_list; r; r = r->next) {
		uint64_t top = end_of(r) < limit ? end_of(r) : limit;
		if (top < (uint64_t)r + size)
			continue;
		if (top - size > best || !best)
			best = top - size;
	}
	if (!best)
		return 0;
	uk_pmem_reserve(best, best + size);
	return best;
}

/* Free runs touching each other are always merged: a free range is inside
 * one run. */
int uk_pmem_is_free(uint64_t start, uint64_t end)
{
	for (struct run *r = free_list; r && (uint64_t)r <= start; r = r->next)
		if (end <= end_of(r))
			return 1;
	return 0;
}

int uk_pmem_claim(uint64_t start, uint64_t size)
{
	uint64_t end = ALIGN_UP(start + size, PAGE_SIZE);
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (!uk_pmem_is_free(start, end))
		return -1;
	uk_pmem_reserve(start, end);
	return 0;
}

uint64_t uk_pmem_free_bytes(void)
{
	uint64_t n = 0;
	for (struct run *r = free_list; r; r = r->next)
		n += r->size;
	return n;
}

/* The free memory touching [start, end): *lo is where the free run ending
 * at start begins (start if none), *hi where the one beginning at end ends. */
void uk_pmem_neighbours(uint64_t start, uint64_t end, uint64_t *lo, uint64_t *hi)
{
	*lo = start;
	*hi = end;
	for (struct run *r = free_list; r; r = r->next) {
		if (end_of(r) == start)
			*lo = (uint64_t)r;
		if ((uint64_t)r == end)
			*hi = end_of(r);
	}
}
