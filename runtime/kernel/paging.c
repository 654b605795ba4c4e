/* Final page tables, refined from the boot tables of arch/x86_64/pvh.S
 * (first 4 GiB, 2 MiB pages, everything writable and executable):
 *  - RAM only, never executable, except the image's PF_X segments;
 *  - the image mapped per segment with 4 KiB pages (text read-only,
 *    rodata read-only, data read-write), page 0 left out (NULL faults);
 *  - RAM above 4 GiB added; guard pages unmapped; MMIO uncached;
 *  - the program's pages (usermem.c) with the rights mprotect/mmap give
 *    them, 4 KiB each: every other page of RAM, free or the runtime's,
 *    stays read-write and not executable, most of it in 2 MiB pages. */
#include <uk/exit.h>

#include "cpu.h"
#include "kernel.h"

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define SZ_2M    0x200000ull
#define BOOT_PDES 2048 /* pvh.S's four PDs, one run: the first 4 GiB */

static uint64_t nx;
static uint64_t guards[8]; /* start | pages (starts are page-aligned) */
static unsigned nguards;

static uint64_t *table(uint64_t e)
{
	return (uint64_t *)(e & PTE_ADDR);
}

static uint64_t alloc_table(void)
{
	uint64_t t = uk_pmem_alloc(PAGE_SIZE, PT_LOW_LIMIT);
	if (t)
		uk_memset((void *)t, 0, PAGE_SIZE);
	return t;
}

__uk_cold static uint64_t new_table(void)
{
	uint64_t t = alloc_table();
	if (!t) {
		uk_printk("uk: out of memory for page tables\n");
		uk_plat_exit(UK_EXIT_PANIC);
	}
	return t;
}

static uint64_t *pde(uint64_t va)
{
	uint64_t *e = &table(read_cr3())[(va >> 39) & 511];
	if (!(*e & PTE_P))
		*e = new_table() | PTE_P | PTE_RW;
	e = &table(*e)[(va >> 30) & 511];
	if (!(*e & PTE_P))
		*e = new_table() | PTE_P | PTE_RW;
	return &table(*e)[(va >> 21) & 511];
}

/* A 2 MiB page as 512 equal 4 KiB ones (the same translations, so no
 * flush); -1 when there is no memory for the table. */
static int split(uint64_t *d, uint64_t t)
{
	if (!t)
		return -1;
	uint64_t *pt = (uint64_t *)t, base = *d & PTE_ADDR & ~(SZ_2M - 1);
	uint64_t flags = *d & (PTE_NX | 0x1f);
	for (unsigned i = 0; i < 512; i++)
		pt[i] = (base + i * PAGE_SIZE) | flags;
	*d = t | PTE_P | PTE_RW;
	return 0;
}

/* The 4 KiB entry for va, splitting a 2 MiB page into 512 equal ones. */
__attribute__((noinline)) static uint64_t *pte(uint64_t va) /* one copy: hello's size */
{
	uint64_t *d = pde(va);
	if (!(*d & PTE_P))
		*d = new_table() | PTE_P | PTE_RW;
	else if (*d & PTE_PS)
		split(d, new_table());
	return &table(*d)[(va >> 12) & 511];
}

__uk_cold static int overlaps_ram(uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < uk_ram_count; i++)
		if (uk_ram[i].start < end && start < uk_ram[i].end)
			return 1;
	return 0;
}

static void flush_tlb(void)
{
	write_cr3(read_cr3());
}

/* The 2 MiB region at base as 4 KiB pages: image pages with their segment's
 * rights, page 0 absent, the rest read-write and not executable. Built
 * completely before it replaces the live entry: we run from this region. */
__uk_cold static void map_image_region(uint64_t base, const struct uk_segment *seg, unsigned n)
{
	uint64_t t = new_table(), *pt = (uint64_t *)t;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t va = base + i * PAGE_SIZE, e = va | PTE_P | PTE_RW | nx;
		for (unsigned s = 0; s < n; s++)
			if (va >= seg[s].start && va < seg[s].end)
				e = va | PTE_P | (seg[s].flags & 2 ? PTE_RW : 0) |
				    (seg[s].flags & 1 ? 0 : nx);
		pt[i] = va ? e : 0;
	}
	*pde(base) = t | PTE_P | PTE_RW;
}

__uk_cold void uk_paging_init(void)
{
	struct uk_segment seg[8];
	unsigned n = uk_image_segments(seg, ARRAY_SIZE(seg));
	uint64_t image_end = uk_image_end();
	uint64_t *boot_pd = (uint64_t *)(uk_boot_tables + 2 * PAGE_SIZE);

	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx = PTE_NX;
	for (uint64_t base = 0; base < image_end; base += SZ_2M)
		map_image_region(base, seg, n);
	for (uint64_t i = 0; i < BOOT_PDES; i++) {
		uint64_t va = i * SZ_2M;
		if (va < image_end)
			continue;
		boot_pd[i] = overlaps_ram(va, va + SZ_2M) ? va | PTE_P | PTE_RW | PTE_PS | nx : 0;
	}
	flush_tlb();
}

__uk_cold void uk_paging_map_ram_high(void)
{
	for (unsigned i = 0; i < uk_ram_count; i++) {
		uint64_t va = uk_ram[i].start, end = uk_ram[i].end;
		if (end <= PT_LOW_LIMIT)
			continue;
		if (va < PT_LOW_LIMIT)
			va = PT_LOW_LIMIT;
		uint64_t from = va;
		while (va < end) {
			if (!(va & (SZ_2M - 1)) && end - va >= SZ_2M) {
				*pde(va) = va | PTE_P | PTE_RW | PTE_PS | nx;
				va += SZ_2M;
			} else {
				*pte(va) = va | PTE_P | PTE_RW | nx;
				va += PAGE_SIZE;
			}
		}
		flush_tlb();
		uk_pmem_free(from, end - from);
	}
}

void uk_paging_unmap(uint64_t va, uint64_t size)
{
	if (nguards < ARRAY_SIZE(guards))
		guards[nguards++] = va | size / PAGE_SIZE;
	for (uint64_t end = va + size; va < end; va += PAGE_SIZE)
		*pte(va) = 0;
	flush_tlb();
}

int uk_paging_is_guard(uint64_t va)
{
	for (unsigned i = 0; i < nguards; i++)
		if (va - (guards[i] & ~0xfffull) < (guards[i] & 0xfff) * PAGE_SIZE)
			return 1;
	return 0;
}

void uk_paging_map_mmio(uint64_t pa)
{
	*pte(pa) = pa | PTE_P | PTE_RW | PTE_PCD | PTE_PWT | nx;
	__asm__ volatile("invlpg (%0)" : : "r"(pa) : "memory");
}

#define RIGHTS (PTE_P | PTE_RW | PTE_NX)

/* PROT_NONE is "not present" (the address stays in the entry); x86 has
 * no write-only or execute-only pages: both are readable, as on Linux. */
static uint64_t rights(unsigned prot)
{
	if (!(prot & 7))
		return 0;
	return PTE_P | (prot & 2 ? PTE_RW : 0) | (prot & 4 ? 0 : nx);
}

int uk_paging_protect(uint64_t start, uint64_t end, unsigned prot)
{
	uint64_t want = rights(prot), rw = PTE_P | PTE_RW | nx, changed = 0;
	for (uint64_t va = start; va < end;) {
		uint64_t *d = pde(va), next = ALIGN_DOWN(va, SZ_2M) + SZ_2M;
		if ((*d & PTE_PS) && want == rw) { /* read-write already */
			va = next;
			continue;
		}
		if ((*d & PTE_PS) && split(d, alloc_table()))
			return -1;
		uint64_t *pt = table(*d);
		for (; va < end && va < next; va += PAGE_SIZE) {
			uint64_t *e = &pt[(va >> 12) & 511];
			if ((*e & RIGHTS) == want)
				continue;
			*e = va | want; /* identity-mapped */
			if (++changed <= 32)
				__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
		}
	}
	if (changed > 32) /* cheaper than one invlpg per page */
		flush_tlb();
	return 0;
}

__uk_cold unsigned uk_paging_prot(uint64_t va)
{
	uint64_t e = *pde(va);
	if ((e & PTE_P) && !(e & PTE_PS))
		e = table(e)[(va >> 12) & 511];
	if (!(e & PTE_P))
		return 0;
	return 1 | (e & PTE_RW ? 2 : 0) | (nx && !(e & PTE_NX) ? 4 : 0);
}

/* The 4 KiB entry of va, tables made on the way; 0 when memory is out.
 * Only for addresses outside RAM (vmap.c's window): no 2 MiB pages there. */
static uint64_t *pte_new(uint64_t va)
{
	uint64_t *e = &table(read_cr3())[(va >> 39) & 511], t;
	for (unsigned shift = 30; shift >= 21; shift -= 9) {
		if (!(*e & PTE_P)) {
			if (!(t = alloc_table()))
				return 0;
			*e = t | PTE_P | PTE_RW;
		}
		e = &table(*e)[(va >> shift) & 511];
	}
	if (!(*e & PTE_P)) {
		if (!(t = alloc_table()))
			return 0;
		*e = t | PTE_P | PTE_RW;
	}
	return &table(*e)[(va >> 12) & 511];
}

int uk_paging_map_page(uint64_t va, uint64_t pa, unsigned prot)
{
	uint64_t *e = pte_new(va), want = pa ? rights(prot) : 0;
	if (!e)
		return -1;
	uint64_t old = *e;
	*e = want ? pa | want : 0;
	if (old & PTE_P) /* a new translation needs no flush (P was 0) */
		__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	return 0;
}

uint64_t uk_paging_present(uint64_t va)
{
	uint64_t e = table(read_cr3())[(va >> 39) & 511];
	for (unsigned shift = 30; shift >= 12; shift -= 9) {
		if (!(e & PTE_P))
			return 0;
		if (shift == 12 && (e & PTE_PS)) /* a 2 MiB page (RAM) */
			return (e & PTE_ADDR & ~(SZ_2M - 1)) + (va & (SZ_2M - 1) & ~(PAGE_SIZE - 1));
		e = table(e)[(va >> shift) & 511];
	}
	return e & PTE_P ? e & PTE_ADDR : 0;
}
