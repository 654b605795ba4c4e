/* uk_irq_register (irq.h): one IDT vector per registered line, its stub
 * (entry.S) calls uk_irq_dispatch with the slot number. */
#include "cpu.h"
#include "file.h"
#include "irq.h"

#define LAPIC_EOI 0x0b0

extern const uint64_t uk_irq_stubs[UK_IRQ_SLOTS];

static struct slot {
	void (*fn)(void *arg);
	void *arg;
} *slots; /* UK_IRQ_SLOTS of them, from the heap: hello's data stays in its page */
static unsigned nslots;
static volatile uint32_t *eoi_reg; /* 0: x2APIC, an MSR */

void uk_irq_dispatch(uint64_t slot)
{
	if (slot < nslots && slots[slot].fn)
		slots[slot].fn(slots[slot].arg);
	if (eoi_reg)
		*eoi_reg = 0;
	else
		wrmsr(0x800 + LAPIC_EOI / 16, 0);
}

/* The next slot's vector set up for fn(arg), -1 when none is free; the
 * caller counts it taken (nslots++) once the interrupt's source is set. */
__uk_cold static int slot_prepare(void (*fn)(void *arg), void *arg)
{
	if (nslots == UK_IRQ_SLOTS || (!slots && !(slots = uk_zalloc(UK_IRQ_SLOTS * sizeof(*slots)))))
		return -1;
	/* the local APIC is set up on the first halt: do it now, so that an
	 * edge arriving before that one is not lost */
	uk_halt_until(0);
	uint64_t base = rdmsr(MSR_APIC_BASE);
	eoi_reg = (base >> 10) & 1 ? 0 : (volatile uint32_t *)((base & 0xfffff000ull) + LAPIC_EOI);
	unsigned slot = nslots;
	slots[slot].fn = fn;
	slots[slot].arg = arg;
	uk_idt_set(UK_IRQ_VEC_BASE + slot, (const void *)uk_irq_stubs[slot]);
	return (int)slot;
}

__uk_cold int uk_irq_register(unsigned gsi, unsigned flags, void (*fn)(void *arg), void *arg)
{
	int slot = slot_prepare(fn, arg);
	if (slot < 0 || uk_ioapic_route(gsi, UK_IRQ_VEC_BASE + (unsigned)slot, flags) != 0)
		return -1;
	nslots++;
	return 0;
}

/* MSI and MSI-X: the device writes data to addr, this CPU's local APIC
 * (0xfee00000, its APIC ID in bits 19:12), fixed delivery on the edge. */
__uk_cold int uk_irq_register_msi(void (*fn)(void *arg), void *arg, uint64_t *addr,
				  uint32_t *data)
{
	int slot = slot_prepare(fn, arg);
	if (slot < 0)
		return -1;
	uint32_t r[4];
	cpuid(1, 0, r); /* ebx[31:24]: this CPU's APIC ID */
	*addr = 0xfee00000ull | (uint64_t)(r[1] >> 24) << 12;
	*data = UK_IRQ_VEC_BASE + (unsigned)slot;
	nslots++;
	return 0;
}
