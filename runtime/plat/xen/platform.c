/* The rest of the platform on Xen: TSC frequency from Xen's CPUID time
 * leaf, the memory map from XENMEM_memory_map when start_info has none,
 * no legacy interrupt controllers and no wall clock (0: unknown). Off Xen:
 * the kvm platform's PIT, RTC and PICs. */
#include "cpu.h"
#include "kernel.h"
#include "xen.h"

#define MAP_MAX 32

__uk_cold uint64_t uk_plat_tsc_hz(void)
{
	uint32_t r[4];

	if (!uk_xen_detect())
		return uk_kvm_tsc_hz();
	cpuid(uk_xen_cpuid_base() + 3, 0, r); /* ecx: guest TSC kHz */
	return (uint64_t)r[2] * 1000;
}

__uk_cold uint64_t uk_plat_wallclock(void)
{
	return uk_xen_detect() ? 0 : uk_kvm_wallclock();
}

__uk_cold void uk_plat_mask_legacy_irqs(void)
{
	if (!uk_xen_detect())
		uk_kvm_mask_legacy_irqs();
}

__uk_cold void uk_plat_memmap(void (*add)(uint64_t start, uint64_t end))
{
	static struct uk_xen_e820 map[MAP_MAX];
	struct uk_xen_memory_map mm = { .nr_entries = MAP_MAX, .buffer = (uint64_t)map };

	if (!uk_xen_detect() ||
	    uk_xen_hypercall(UK_XEN_HC_MEMORY_OP, UK_XEN_XENMEM_MEMORY_MAP, &mm) != 0)
		return;
	for (uint32_t i = 0; i < mm.nr_entries && i < MAP_MAX; i++)
		if (map[i].type == UK_PVH_MEMMAP_RAM)
			add(map[i].addr, map[i].addr + map[i].size);
}
