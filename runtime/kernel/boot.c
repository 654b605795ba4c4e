/* From the PVH entry (arch/x86_64/pvh.S, now in long mode on the boot page
 * tables) to the program's _start, one step at a time. */
#include <uk/pvh.h>

#include "file.h"

__uk_cold static void uk_boot_report(const struct uk_pvh_start_info *si)
{
	uk_printk("uk: start_info version %u, %u memory map entries\n", si->version,
		  si->version >= 1 ? si->memmap_entries : 0);
	for (unsigned i = 0; i < uk_ram_count; i++)
		uk_printk("uk: ram %lx-%lx\n", (unsigned long)uk_ram[i].start,
			  (unsigned long)uk_ram[i].end);
	uk_printk("uk: image end %lx, free %lu KiB\n", (unsigned long)uk_image_end(),
		  (unsigned long)(uk_pmem_free_bytes() >> 10));
}

__uk_cold void uk_boot(uint32_t start_info)
{
	static const struct uk_pvh_start_info none = {.magic = UK_PVH_MAGIC};
	const struct uk_pvh_start_info *si = (const void *)(uint64_t)start_info;
	if (!si || si->magic != UK_PVH_MAGIC)
		si = &none; /* not PVH-booted: no map, no command line */

	/* 1. memory: the loader's map feeds the page allocator */
	uk_mem_init(si);
	/* 2. paging: NX everywhere but text, page 0 unmapped, all RAM mapped */
	uk_paging_init();
	uk_paging_map_ram_high();
	/* 3. options and arguments, before they are needed (stack size) */
	uk_cmdline_parse((const char *)si->cmdline_paddr);
	if (uk_opt.verbose)
		uk_boot_report(si);
	/* 4. stacks with guard pages: main, kernel (syscalls), IST */
	uk_stacks_init();
	/* 5. CPU: FPU/SSE/AVX, TSS, IDT, then the syscall MSRs */
	uk_cpu_init(uk_ist_tops);
	uk_syscall_init(uk_kernel_stack.top);
	/* 6. descriptors 0, 1, 2: the console */
	uk_console_init_fds();
	/* 7. the process: initial stack, then the C library's _start */
	uk_process_start();
}
