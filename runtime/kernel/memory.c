/* The RAM the loader reports, and the first feeding of the page allocator.
 * start_info version 0 has no memory map: then the runtime assumes the
 * smallest machine it supports, 2 MiB, which is always safe to use. */
#include "kernel.h"

struct uk_mem_region uk_ram[16];
unsigned uk_ram_count;
uint64_t uk_ram_top;

__uk_cold static void add_ram(uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (end <= start || uk_ram_count == ARRAY_SIZE(uk_ram))
		return;
	uk_ram[uk_ram_count].start = start;
	uk_ram[uk_ram_count].end = end;
	uk_ram_count++;
	if (end > uk_ram_top)
		uk_ram_top = end;
}

__uk_cold static void reserve_str(uint64_t p)
{
	if (p)
		uk_pmem_reserve(p, p + uk_strlen((const char *)p) + 1);
}

__attribute__((weak)) __uk_cold void uk_plat_memmap(void (*add)(uint64_t, uint64_t))
{
	(void)add;
}

__uk_cold void uk_mem_init(const struct uk_pvh_start_info *si)
{
	if (si->version >= 1 && si->memmap_paddr && si->memmap_entries) {
		const struct uk_pvh_memmap_entry *m = (const void *)si->memmap_paddr;
		for (uint32_t i = 0; i < si->memmap_entries; i++)
			if (m[i].type == UK_PVH_MEMMAP_RAM)
				add_ram(m[i].addr, m[i].addr + m[i].size);
	}
	if (!uk_ram_count && si->version < 1)
		uk_plat_memmap(add_ram);
	if (!uk_ram_count) {
		add_ram(0, 0x9f000);
		add_ram(0x100000, 0x200000);
	}

	/* Only what the boot page tables map can be handed out now; the rest
	 * joins after uk_paging_map_ram_high(). */
	for (unsigned i = 0; i < uk_ram_count; i++)
		uk_pmem_add(uk_ram[i].start, uk_ram[i].end < PT_LOW_LIMIT ? uk_ram[i].end : PT_LOW_LIMIT);

	/* Never hand out: the image, and whatever the loader put elsewhere.
	 * (The first MiB, with firmware tables and page 0, never joins.) */
	uk_pmem_reserve(0x100000, uk_image_end());
	uk_pmem_reserve((uint64_t)si, (uint64_t)si + sizeof(*si));
	if (si->version >= 1 && si->memmap_paddr)
		uk_pmem_reserve(si->memmap_paddr,
				si->memmap_paddr +
					si->memmap_entries * sizeof(struct uk_pvh_memmap_entry));
	reserve_str(si->cmdline_paddr);
}
