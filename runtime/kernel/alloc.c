/* The runtime's own heap, for kernel objects (open files, descriptor
 * tables, file-system nodes): power-of-two blocks of 32 B to 2 KiB carved
 * from pages, bigger requests as whole page runs. A 16-byte header before
 * each block keeps its size, so uk_free needs nothing else. Memory stays
 * with its size class once carved (kernel objects are small and reused). */
#include "kernel.h"

#define MIN_SHIFT 5
#define CLASSES   7 /* 32 .. 2048 */
#define MAGIC     0x756b6865617021ull

struct hdr {
	uint64_t size; /* block size, header included */
	uint64_t magic;
};
_Static_assert(sizeof(struct hdr) == 16, "blocks stay 16-byte aligned");

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[CLASSES];

static unsigned class_of(size_t total)
{
	unsigned c = 0;
	while (((size_t)1 << (MIN_SHIFT + c)) < total)
		c++;
	return c;
}

static int refill(unsigned c)
{
	uint64_t page = uk_pmem_alloc(PAGE_SIZE, ~0ull);
	if (!page)
		return -1;
	size_t bs = (size_t)1 << (MIN_SHIFT + c);
	for (size_t off = 0; off + bs <= PAGE_SIZE; off += bs) {
		struct free_block *b = (struct free_block *)(page + off);
		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return 0;
}

void *uk_malloc(size_t n)
{
	size_t total = n + sizeof(struct hdr);
	if (total < n)
		return 0;
	struct hdr *h;
	if (total > ((size_t)1 << (MIN_SHIFT + CLASSES - 1))) {
		uint64_t size = ALIGN_UP(total, PAGE_SIZE);
		if (size < total || !(h = (struct hdr *)uk_pmem_alloc(size, ~0ull)))
			return 0;
		h->size = size;
	} else {
		unsigned c = class_of(total);
		if (!free_lists[c] && refill(c))
			return 0;
		h = (struct hdr *)free_lists[c];
		free_lists[c] = free_lists[c]->next;
		h->size = (size_t)1 << (MIN_SHIFT + c);
	}
	h->magic = MAGIC;
	return h + 1;
}

void *uk_zalloc(size_t n)
{
	void *p = uk_malloc(n);
	if (p)
		uk_memset(p, 0, n);
	return p;
}

void uk_free(void *p)
{
	if (!p)
		return;
	struct hdr *h = (struct hdr *)p - 1;
	if (h->magic != MAGIC) {
		uk_printk("uk: bad kernel free of %p\n", p);
		uk_plat_exit(126);
	}
	h->magic = 0;
	if (h->size >= PAGE_SIZE) {
		uk_pmem_free((uint64_t)h, h->size);
		return;
	}
	unsigned c = class_of(h->size);
	struct free_block *b = (struct free_block *)h;
	b->next = free_lists[c];
	free_lists[c] = b;
}
