/* Time: the TSC is the clock, the local APIC timer wakes the CPU from hlt.
 * TSC frequency, in order of trust: the hypervisor timing leaf
 * 0x40000010, CPUID 0x15 (crystal ratio), the platform timer (PIT),
 * CPUID 0x16 (nominal MHz). All of it happens on first use, not at boot. */
#include <uk/cmdline.h>

#include "cpu.h"
#include "kernel.h"

#define LAPIC_TPR     0x080
#define LAPIC_EOI     0x0b0
#define LAPIC_SVR     0x0f0
#define LAPIC_LVT_TMR 0x320
#define LAPIC_LINT0   0x350
#define LAPIC_LVT_ERR 0x370
#define LAPIC_TMR_INIT 0x380
#define LAPIC_TMR_CUR  0x390
#define LAPIC_TMR_DIV  0x3e0
#define LVT_MASKED    (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define VEC_TIMER     32
#define VEC_SPURIOUS  33 /* any vector since the P6 family */
#define NS            1000000000ull

static uint64_t tsc_hz, ns_mult; /* ns = ticks * ns_mult >> 32 */
static uint64_t bus_hz;          /* from the timing leaf, 0 if unknown */
static uint64_t wall_ns, wall_at;
static volatile uint32_t *lapic;
static uint64_t lapic_hz;
static int deadline_mode;

__uk_cold static uint64_t calibrate(void)
{
	uint32_t r[4], max;
	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) { /* hypervisor present */
		cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010) {
			cpuid(0x40000010, 0, r);
			bus_hz = r[1] * 1000ull;
			if (r[0])
				return r[0] * 1000ull;
		}
	}
	cpuid(0, 0, r);
	max = r[0];
	if (max >= 0x15) {
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2])
			return (uint64_t)r[2] * r[1] / r[0];
	}
	uint64_t hz = uk_plat_tsc_hz();
	if (hz)
		return hz;
	if (max >= 0x16) {
		cpuid(0x16, 0, r);
		if (r[0])
			return r[0] * 1000000ull;
	}
	return 1000000000ull; /* nothing to go by: assume 1 GHz */
}

uint64_t uk_tsc_hz(void)
{
	if (!tsc_hz) {
		tsc_hz = calibrate();
		ns_mult = (NS << 32) / tsc_hz;
	}
	return tsc_hz;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	uk_tsc_hz();
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t uk_monotonic_ns(void)
{
	return ticks_to_ns(rdtsc() - uk_boot_tsc);
}

uint64_t uk_realtime_ns(void)
{
	if (!wall_at) {
		wall_ns = uk_plat_wallclock() * NS;
		wall_at = uk_monotonic_ns() | 1;
	}
	return wall_ns + (uk_monotonic_ns() - wall_at);
}

__uk_cold void uk_bootstats_print(uint64_t tsc_main)
{
	uk_printk(UK_BOOTSTATS_FORMAT,
		  (unsigned long)(ticks_to_ns(tsc_main - uk_boot_tsc) / 1000));
}

static int x2apic; /* the loader left the APIC in x2APIC mode: MSRs */

static void lapic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + reg / 16, v);
	else
		lapic[reg / 4] = v;
}

static uint32_t lapic_read(unsigned reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + reg / 16) : lapic[reg / 4];
}

void uk_timer_irq(void)
{
	lapic_write(LAPIC_EOI, 0);
}

__uk_cold static void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	x2apic = (base >> 10) & 1;
	if (!(base & (1u << 11)))
		wrmsr(MSR_APIC_BASE, base | (1u << 11)); /* xAPIC enabled */
	uint64_t pa = base & 0xfffff000ull;
	if (!x2apic)
		uk_paging_map_mmio(pa);
	lapic = (volatile uint32_t *)pa;
	uk_plat_mask_legacy_irqs();
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERR, LVT_MASKED);
	uk_tsc_hz();

	uint32_t r[4];
	cpuid(1, 0, r);
	if (r[2] & (1u << 24)) {
		deadline_mode = 1;
		lapic_write(LAPIC_LVT_TMR, VEC_TIMER | LVT_TSC_DEADLINE);
		/* the mode switch must be visible before the deadline MSR write */
		__asm__ volatile("mfence" ::: "memory");
		return;
	}
	lapic_write(LAPIC_TMR_DIV, 0xb); /* divide by 1 */
	lapic_write(LAPIC_LVT_TMR, VEC_TIMER | LVT_MASKED);
	if (bus_hz) {
		lapic_hz = bus_hz;
	} else { /* count the APIC timer against 1 ms of TSC */
		lapic_write(LAPIC_TMR_INIT, 0xffffffffu);
		uint64_t t0 = rdtsc(), t1;
		while ((t1 = rdtsc()) - t0 < tsc_hz / 1000)
			cpu_relax();
		uint32_t left = lapic_read(LAPIC_TMR_CUR);
		lapic_write(LAPIC_TMR_INIT, 0);
		lapic_hz = (uint64_t)(0xffffffffu - left) * tsc_hz / (t1 - t0);
		if (!lapic_hz)
			lapic_hz = 1000000000ull;
	}
	lapic_write(LAPIC_LVT_TMR, VEC_TIMER); /* one-shot */
}

/* inline: uk_halt_until stays one function in images without threads */
__attribute__((always_inline)) static inline void arm(uint64_t delta_ns)
{
	if (delta_ns > NS)
		delta_ns = NS; /* keeps the products below in 64 bits */
	if (deadline_mode) {
		wrmsr(MSR_TSC_DEADLINE, rdtsc() + delta_ns * tsc_hz / NS + 1);
		return;
	}
	uint64_t count = delta_ns * lapic_hz / NS + 1;
	lapic_write(LAPIC_TMR_INIT, count > 0xffffffffu ? 0xffffffffu : (uint32_t)count);
}

/* One halt: until the deadline or any interrupt, whichever comes first. */
void uk_halt_until(uint64_t deadline)
{
	if (!lapic)
		lapic_init();
	uint64_t now = uk_monotonic_ns();
	if (now >= deadline)
		return;
	arm(deadline - now);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* The timer interrupt at the deadline (or in a second, at most), without
 * halting: the scheduler's time slices (sched/). now: uk_monotonic_ns(). */
void uk_timer_oneshot(uint64_t now, uint64_t deadline)
{
	if (!lapic)
		lapic_init();
	arm(deadline > now ? deadline - now : 0);
}

/* The CPU halts until the deadline, whatever wakes it before. */
void uk_sleep_until_ns(uint64_t deadline)
{
	while (uk_monotonic_ns() < deadline)
		uk_halt_until(deadline);
}
