/* Ending a Xen guest: SCHEDOP_shutdown. A poweroff prints the status
 * first (Xen reports no exit status); the runtime's own failures (126)
 * and crashes (128 + signal, after a crash report) shut down as a crash, so
 * the toolstack's on_crash applies. Off Xen: debugcon + isa-debug-exit.
 *
 * This file also carries the Xen ELF notes beside the runtime's PVH entry
 * note: it is always linked (everything exits), and the linker keeps the
 * section (component.yaml keep: .note.uk.xen). */
#include <uk/exit.h>

#include "cpu.h"
#include "kernel.h"
#include "xen.h"

#define XEN_NOTE(type, str)                                                    \
	".balign 4\n"                                                          \
	".long 4\n"                                                            \
	".long 2f - 1f\n"                                                      \
	".long " #type "\n"                                                    \
	".asciz \"Xen\"\n"                                                     \
	"1: .asciz \"" str "\"\n"                                              \
	"2: .balign 4\n"

__asm__(".pushsection .note.uk.xen, \"a\", @note\n"
	XEN_NOTE(6, "uk")                       /* GUEST_OS */
	XEN_NOTE(7, UK_RUNTIME_VERSION)         /* GUEST_VERSION */
	XEN_NOTE(5, "xen-3.0")                  /* XEN_VERSION */
	XEN_NOTE(8, "generic")                  /* LOADER */
	".popsection");

unsigned uk_xen_shutdown_reason(int status)
{
	unsigned n = (unsigned)status & 0xff;

	return n == UK_EXIT_PANIC || (n > 128 && n < 128 + 65) ? UK_XEN_SHUTDOWN_CRASH
							       : UK_XEN_SHUTDOWN_POWEROFF;
}

void uk_plat_exit(int status)
{
	struct uk_xen_sched_shutdown sd;

	if (!uk_xen_detect())
		uk_kvm_exit(status);
	sd.reason = uk_xen_shutdown_reason(status);
	if (sd.reason == UK_XEN_SHUTDOWN_POWEROFF)
		uk_printk("uk: exit status %d\n", status & 0xff);
	uk_xen_hypercall(UK_XEN_HC_SCHED_OP, UK_XEN_SCHEDOP_SHUTDOWN, &sd);
	cpu_halt_forever();
}
