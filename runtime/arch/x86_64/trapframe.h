/* The register frame that every way into the runtime from program code
 * leaves on its stack (arch/x86_64/entry.S): exceptions, and the syscall
 * entry, which builds the same layout (vector = the call's number) so that
 * a signal can be delivered, and rt_sigreturn can return, through it. */
#ifndef UK_ARCH_TRAPFRAME_H
#define UK_ARCH_TRAPFRAME_H

#include <stdint.h>

struct uk_trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct uk_trapframe) == 176, "entry.S pushes 22 words");
/* What C that rewrote a frame stores in error: leave by iretq, restoring
 * every register (a system call's own return skips rcx and r11). */
#define UK_FRAME_IRET 1

/* The frame of the system call in progress: at the top of the kernel stack. */
extern uint64_t uk_syscall_kstack;
static inline struct uk_trapframe *uk_syscall_frame(void)
{
	return (struct uk_trapframe *)uk_syscall_kstack - 1;
}

#endif
