/* Internal interfaces of the xen platform. Off Xen (CPUID says so), every
 * platform function hands over to the kvm platform's devices, compiled
 * into this archive under uk_kvm_* names (see runtime/Makefile), so the
 * same image also boots under QEMU. */
#ifndef UK_PLAT_XEN_H
#define UK_PLAT_XEN_H

#include <stddef.h>
#include <stdint.h>
#include <uk/xen.h>

/* hypercall.c: 1 on Xen, with the hypercall page set up (decided once) */
int uk_xen_detect(void);
uint32_t uk_xen_cpuid_base(void);
long uk_xen_hypercall(unsigned nr, unsigned long a1, void *a2);

/* ring.c: the console rings, without blocking or notifying */
size_t uk_xencons_put(struct uk_xencons_interface *r, const char *s, size_t n);
int uk_xencons_get(struct uk_xencons_interface *r);

/* exit.c: SHUTDOWN_crash for the runtime's own failure statuses (126,
 * 128 + signal: a crash report was printed), SHUTDOWN_poweroff otherwise */
unsigned uk_xen_shutdown_reason(int status);

/* the kvm platform under other names: the fallback off Xen */
void uk_kvm_console_write(const char *s, size_t n);
int uk_kvm_console_getc(void);
int uk_kvm_console_input(int resync);
__attribute__((noreturn)) void uk_kvm_exit(int status);
uint64_t uk_kvm_tsc_hz(void);
uint64_t uk_kvm_wallclock(void);
void uk_kvm_mask_legacy_irqs(void);

#endif
