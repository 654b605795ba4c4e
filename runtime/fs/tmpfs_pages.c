/* tmpfs file data: a radix tree of 4 KiB pages (512 slots per table page),
 * as deep as the highest page written needs, so a sparse file costs only
 * the pages written. Holes read as zeros; bytes past the size are kept
 * zero. Pages come from the page allocator; a few freed ones are cached.
 * A file with MAP_SHARED mappings (vmap.c) has every page inside its size
 * that a mapping covers, and the mappings are told when pages come inside
 * or go outside the size, before any is freed. */
#include "tmpfs.h"
#include "vmap.h"

#define SLOTS 512
#define CACHE_MAX 256

static void *cache;
static unsigned cached;

static void *page_new(void)
{
	void *p = cache;
	if (p) {
		cache = *(void **)p;
		cached--;
	} else if (!(p = (void *)uk_pmem_alloc(PAGE_SIZE, ~0ull))) {
		return 0;
	}
	uk_memset(p, 0, PAGE_SIZE);
	return p;
}

static void page_free(void *p)
{
	if (cached < CACHE_MAX) {
		*(void **)p = cache;
		cache = p;
		cached++;
	} else {
		uk_pmem_free((uint64_t)p, PAGE_SIZE);
	}
}

/* Pages a tree of depth d covers: 512^(d-1); depth 0 is empty. */
static uint64_t span(unsigned d)
{
	return d ? 1ull << (9 * (d - 1)) : 0;
}

/* The slot holding page idx's pointer, making tables on the way when
 * alloc; 0 when absent (or memory is out). */
static void **slot(struct tfile *f, uint64_t idx, int alloc)
{
	while (idx >= span(f->depth)) {
		if (!alloc)
			return 0;
		if (f->root) {
			void **t = page_new();
			if (!t)
				return 0;
			t[0] = f->root;
			f->root = t;
		}
		f->depth++;
	}
	void **s = &f->root;
	for (unsigned d = f->depth; d > 1; d--) {
		if (!*s && (!alloc || !(*s = page_new())))
			return 0;
		s = (void **)*s + ((idx >> (9 * (d - 2))) & (SLOTS - 1));
	}
	return s;
}

/* Pages a size covers. */
static uint64_t pages(uint64_t size)
{
	return size / PAGE_SIZE + !!(size % PAGE_SIZE);
}

long uk_tmpfs_read(struct tfile *f, void *buf, size_t n, uint64_t off)
{
	if (off >= f->size)
		return 0;
	if (n > f->size - off)
		n = (size_t)(f->size - off);
	char *d = buf;
	for (size_t done = 0; done < n;) {
		uint64_t at = off + done, in = at % PAGE_SIZE;
		size_t k = PAGE_SIZE - in < n - done ? PAGE_SIZE - in : n - done;
		void **s = slot(f, at / PAGE_SIZE, 0);
		if (s && *s)
			uk_memcpy(d + done, (char *)*s + in, k);
		else
			uk_memset(d + done, 0, k);
		done += k;
	}
	return (long)n;
}

long uk_tmpfs_write(struct tfile *f, const void *buf, size_t n, uint64_t off)
{
	if (off >= TMPFS_MAX_SIZE)
		return -EFBIG;
	if (n > TMPFS_MAX_SIZE - off)
		n = (size_t)(TMPFS_MAX_SIZE - off);
	const char *src = buf;
	size_t done = 0;
	while (done < n) {
		uint64_t at = off + done, in = at % PAGE_SIZE;
		size_t k = PAGE_SIZE - in < n - done ? PAGE_SIZE - in : n - done;
		void **s = slot(f, at / PAGE_SIZE, 1);
		if (!s || (!*s && !(*s = page_new())))
			break;
		uk_memcpy((char *)*s + in, src + done, k);
		done += k;
	}
	if (off + done > f->size) {
		uint64_t old = f->size;
		f->size = off + done;
		if (f->maps)
			uk_vmap_sync(f, pages(old), pages(f->size));
	}
	return done || !n ? (long)done : -ENOSPC;
}

static uint64_t free_tree(void *t, unsigned d)
{
	if (d <= 1) {
		page_free(t);
		return 1;
	}
	uint64_t n = 0;
	for (unsigned i = 0; i < SLOTS; i++)
		if (((void **)t)[i])
			n += free_tree(((void **)t)[i], d - 1);
	page_free(t);
	return n;
}

/* Frees the pages at indices >= from under *s, a tree of depth d whose
 * first index is base. */
static void cut(void **s, unsigned d, uint64_t base, uint64_t from)
{
	if (!*s)
		return;
	if (base >= from) {
		free_tree(*s, d);
		*s = 0;
		return;
	}
	if (d <= 1)
		return;
	uint64_t child = span(d - 1);
	for (unsigned i = 0; i < SLOTS; i++) {
		uint64_t b = base + i * child;
		if (b + child > from)
			cut((void **)*s + i, d - 1, b, from);
	}
}

long uk_tmpfs_truncate(struct tfile *f, uint64_t size)
{
	if (size > TMPFS_MAX_SIZE)
		return -EFBIG;
	uint64_t old = f->size;
	f->size = size;
	if (f->maps && pages(old) != pages(size)) /* unmapped before they are freed */
		uk_vmap_sync(f, pages(old < size ? old : size), pages(old < size ? size : old));
	if (size < old) {
		cut(&f->root, f->depth, 0, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
		void **s = size % PAGE_SIZE ? slot(f, size / PAGE_SIZE, 0) : 0;
		if (s && *s)
			uk_memset((char *)*s + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
	}
	return 0;
}

/* Pages the data holds (for st_blocks): counted on demand. */
static uint64_t count(void *t, unsigned d)
{
	if (!t)
		return 0;
	if (d <= 1)
		return 1;
	uint64_t n = 0;
	for (unsigned i = 0; i < SLOTS; i++)
		n += count(((void **)t)[i], d - 1);
	return n;
}

uint64_t uk_tmpfs_pages(struct tfile *f)
{
	return count(f->root, f->depth);
}

void uk_tmpfs_free_data(struct tfile *f)
{
	if (f->root)
		free_tree(f->root, f->depth);
	f->root = 0;
	f->depth = 0;
	f->size = 0;
}

/* Makes sure pages [off, off+len) exist (fallocate): ENOSPC otherwise. */
long uk_tmpfs_alloc(struct tfile *f, uint64_t off, uint64_t len)
{
	if (off + len < off || off + len > TMPFS_MAX_SIZE)
		return -EFBIG;
	for (uint64_t i = off / PAGE_SIZE; len && i <= (off + len - 1) / PAGE_SIZE; i++) {
		void **s = slot(f, i, 1);
		if (!s || (!*s && !(*s = page_new())))
			return -ENOSPC;
	}
	return 0;
}

void *uk_tmpfs_map_page(struct tfile *f, uint64_t idx)
{
	if (idx >= pages(f->size))
		return 0;
	void **s = slot(f, idx, 1);
	if (!s || (!*s && !(*s = page_new())))
		return 0;
	return *s;
}
