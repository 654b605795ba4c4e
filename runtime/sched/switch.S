/* Switching kernel stacks, and the slice timer's interrupt (sched.c). */
#include "asm_frame.h"

/* void uk_sched_switch(uint64_t *save_ksp, uint64_t ksp): the SysV
 * callee-saved registers stay on the old stack; everything else a thread
 * has is in its system call or interrupt frame further up that stack. */
	.section .text.uk_sched_switch, "ax", @progbits
	.globl uk_sched_switch
	.balign 16
uk_sched_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* The local APIC timer once threads exist (replaces entry.S's stub). It
 * lands in program code (which runs with interrupts on), in a halt, or in
 * the last instructions of the syscall return. uk_sched_timer decides; to
 * preempt, the CPU's frame moves from the interrupt stack to the top of
 * the thread's kernel stack and becomes a whole frame like a system
 * call's (trapframe.h, vector -1, error 1), so the thread can be switched out
 * there, gets its signals (sigframe.c's uk_sig_deliver) and leaves by
 * uk_frame_return, as from a signal handler. */
	.section .text.uk_sched_timer_stub, "ax", @progbits
	.globl uk_sched_timer_stub
	.weak uk_sig_deliver
	.balign 16
uk_sched_timer_stub:
	SAVE_CALLER_SAVED
	cld                     /* program code may have left DF set */
	leaq 72(%rsp), %rdi     /* rip, cs, rflags, rsp, ss */
	call uk_sched_timer
	testl %eax, %eax
	jnz 1f
	RESTORE_CALLER_SAVED
	iretq
1:	IRQ_FRAME_TO_KSTACK
	call uk_sched_preempt   /* switches if uk_sched_timer said so */
	movl $uk_sig_deliver, %eax  /* signal.c's, when linked */
	testl %eax, %eax
	jz 2f
	movq %rsp, %rdi
	call *%rax
2:	jmp uk_frame_return

/* #NM (thread.h's lazy FPU switching): program code used the FPU with
 * CR0.TS set. On the interrupt stack with interrupts off; the runtime
 * itself never traps here (it uses no FPU registers). */
	.section .text.uk_sched_fpu_stub, "ax", @progbits
	.globl uk_sched_fpu_stub
	.balign 16
uk_sched_fpu_stub:
	SAVE_CALLER_SAVED
	cld
	call uk_fpu_own
	RESTORE_CALLER_SAVED
	iretq

	.section .note.GNU-stack, "", @progbits
