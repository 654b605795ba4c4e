/* The IOAPIC that QEMU's microvm and q35 (and Firecracker) place at its
 * usual address; it is probed, not looked up in ACPI: a version register
 * that reads as nothing sensible means there is none. */
#include "cpu.h"
#include "irq.h"
#include "kernel.h"

#define IOAPIC_BASE  0xfec00000ull
#define IOAPIC_VER   0x01
#define IOAPIC_REDIR 0x10 /* two registers per line */
#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL  (1u << 15)
#define REDIR_LOW    (1u << 13)

static volatile uint32_t *regs; /* IOREGSEL at 0, IOWIN at 0x10; 0 until probed */
static unsigned lines;          /* 0: none found */

static uint32_t rd(unsigned reg)
{
	regs[0] = reg;
	return regs[4];
}

static void wr(unsigned reg, uint32_t v)
{
	regs[0] = reg;
	regs[4] = v;
}

__uk_cold static void probe(void)
{
	uk_paging_map_mmio(IOAPIC_BASE);
	regs = (volatile uint32_t *)IOAPIC_BASE;
	uint32_t v = rd(IOAPIC_VER);
	unsigned version = v & 0xff, max = (v >> 16) & 0xff;
	if (version >= 0x10 && version <= 0x2f && max >= 15 && max < 0xff)
		lines = max + 1;
}

__uk_cold int uk_ioapic_route(unsigned gsi, unsigned vector, unsigned flags)
{
	if (!regs)
		probe();
	if (gsi >= lines)
		return -1;
	uint32_t r[4];
	cpuid(1, 0, r); /* ebx[31:24]: this CPU's APIC ID */
	uint32_t lo = vector | (flags & UK_IRQ_LEVEL ? REDIR_LEVEL : 0) |
		      (flags & UK_IRQ_LOW ? REDIR_LOW : 0); /* fixed, physical */
	wr(IOAPIC_REDIR + 2 * gsi, lo | REDIR_MASKED);
	wr(IOAPIC_REDIR + 2 * gsi + 1, r[1] & 0xff000000u);
	wr(IOAPIC_REDIR + 2 * gsi, lo);
	return 0;
}
