/* Device interrupts: a line of the IOAPIC (a GSI; ISA IRQ n is GSI n
 * here, but for the timer, which the runtime does not use) routed to a
 * vector of the IDT and a handler. The CPU takes interrupts only while
 * halted in uk_wait (wait.h), so a handler runs there, with interrupts
 * off, and the waiter's ready() test runs right after it: a handler only
 * has to quiet a level-triggered device; the local APIC's EOI follows it. */
#ifndef UK_ARCH_IRQ_H
#define UK_ARCH_IRQ_H

#include <stdint.h>

#define UK_IRQ_VEC_BASE 34 /* after the exceptions, timer (32), spurious (33) */
#define UK_IRQ_SLOTS    4

#define UK_IRQ_LEVEL 1 /* level-triggered (default: edge) */
#define UK_IRQ_LOW   2 /* active low (default: high) */

/* 0 once gsi raises fn(arg) (fn may be 0: waking is enough), -1 when there
 * is no IOAPIC, no such line or no free vector (then poll the device). */
int uk_irq_register(unsigned gsi, unsigned flags, void (*fn)(void *arg), void *arg);

/* 0 once a device's MSI/MSI-X message, data written to addr, raises
 * fn(arg); -1 when there is no free vector. */
int uk_irq_register_msi(void (*fn)(void *arg), void *arg, uint64_t *addr, uint32_t *data);

/* ioapic.c: points the line at vector (on this CPU) and unmasks it. */
int uk_ioapic_route(unsigned gsi, unsigned vector, unsigned flags);

/* cpu.c: installs an interrupt stub at vector */
void uk_idt_set(unsigned vector, const void *stub);

#endif
