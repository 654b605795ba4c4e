/* TSC calibration against the 8254 PIT (1.193182 MHz), used when CPUID
 * tells nothing about the TSC frequency. Channel 0 is read with latch
 * commands, so no gate (port 0x61) and no interrupt is needed. */
#include "cpu.h"
#include "kernel.h"

#define PIT_HZ 1193182ull
#define PIT_CH0 0x40
#define PIT_CMD 0x43

__uk_cold static uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	uint8_t hi = inb(PIT_CH0);
	return (uint16_t)(lo | (hi << 8));
}

__uk_cold uint64_t uk_plat_tsc_hz(void)
{
	outb(PIT_CMD, 0x34); /* channel 0, lo/hi, mode 2, binary */
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
	uint16_t prev = pit_read();
	uint64_t t0 = rdtsc(), ticks = 0, spins = 0;
	/* 2 ms of PIT ticks (0.05% per tick of error); the counter counts
	 * down and reloads at 0xffff */
	while (ticks < PIT_HZ / 500) {
		uint16_t now = pit_read();
		ticks += (uint16_t)(prev - now);
		prev = now;
		if (++spins > 10000000)
			return 0; /* no PIT behind the ports */
	}
	uint64_t t1 = rdtsc();
	return (t1 - t0) * PIT_HZ / ticks;
}

/* The 8259 PICs stay quiet: the runtime uses the local APIC only. */
__uk_cold void uk_plat_mask_legacy_irqs(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}
