/* The link's bump allocator: the many records of a link (symbols, each
 * object's section and symbol arrays, small input files), freed at once.
 * Chunks are fresh anonymous mappings, so they come zeroed and nothing is
 * cleared; the later ones are large and asked to be backed by 2 MiB pages:
 * a big link touches tens of MiB here, and one fault per 4 KiB page was a
 * tenth of its time. The first chunk is small and ordinary, so a small
 * link zeroes no huge page. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "linker/internal.h"

#define FIRST_CHUNK ((size_t)1 << 20)
#define HUGE_PAGE ((size_t)2 << 20)
#define LATER_CHUNK (4 * HUGE_PAGE)

struct lk_chunk {
	struct lk_chunk *next;
	size_t len; /* of the mapping, this header included */
	max_align_t data[];
};

/* len bytes at a 2 MiB boundary (the map trimmed on both sides), so that
 * every 2 MiB of it can be one huge page */
static void *map_aligned(size_t len)
{
	uint8_t *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *q;

	if (p == MAP_FAILED)
		abort(); /* out of memory: nothing sensible to report */
	q = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (q > p)
		munmap(p, (size_t)(q - p));
	munmap(q + len, (size_t)(p + HUGE_PAGE - q));
	madvise(q, len, MADV_HUGEPAGE); /* a hint: without THP, 4 KiB pages */
	return q;
}

static struct lk_chunk *new_chunk(struct lk_arena *a, size_t size)
{
	size_t len = a->head ? LATER_CHUNK : FIRST_CHUNK;
	struct lk_chunk *c;

	if (size + sizeof(*c) > len) /* one record larger than a chunk */
		len = (size + sizeof(*c) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (a->head) {
		c = map_aligned(len);
	} else {
		c = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			abort();
	}
	c->next = a->head;
	c->len = len;
	a->head = c;
	a->used = 0;
	a->cap = len - sizeof(*c);
	return c;
}

void *lk_arena_alloc(struct lk_arena *a, size_t size)
{
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!a->head || a->used + size > a->cap)
		new_chunk(a, size);
	p = (char *)a->head->data + a->used;
	a->used += size;
	return p; /* zero: the chunk's memory has never been used */
}

void lk_arena_free(struct lk_arena *a)
{
	struct lk_chunk *c, *n;

	for (c = a->head; c; c = n) {
		n = c->next;
		munmap(c, c->len);
	}
	memset(a, 0, sizeof(*a));
}
