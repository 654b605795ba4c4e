/* bench/rawboot: prints the raw-disk loader's timestamps (left beside its
 * boot configuration, src/imagefmt/boot/rawboot.h RB_CFG_TSC), the
 * runtime's PVH-entry timestamp and main's, all guest TSC. The program
 * runs in ring 0 on identity-mapped memory, so it reads them directly. */
#include <stdint.h>
#include <stdio.h>

#define RB_CONFIG_ADDR 0x20000
#define RB_CFG_TSC 240

extern uint64_t uk_boot_tsc; /* runtime/arch/x86_64/pvh.S */

int main(void)
{
	uint64_t now = __builtin_ia32_rdtsc();
	const volatile uint64_t *t = (const volatile uint64_t *)(RB_CONFIG_ADDR + RB_CFG_TSC);

	printf("tsc loader-start %llu loader-end %llu entry %llu main %llu\n",
	       (unsigned long long)t[0], (unsigned long long)t[1],
	       (unsigned long long)uk_boot_tsc, (unsigned long long)now);
	return 0;
}
