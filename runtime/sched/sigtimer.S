/* The local APIC timer once a signal timer is armed, before any second
 * thread (sigtimer.c; afterwards switch.S's slice timer stub takes it).
 * Where program code was interrupted, the CPU's frame moves from the
 * interrupt stack to the top of the kernel stack and becomes a whole frame
 * like a system call's (trapframe.h, vector -1, error 1: left by iretq),
 * which uk_sig_timer_frame may rewrite to enter a handler. */
#include "asm_frame.h"

	.section .text.uk_sig_timer_stub, "ax", @progbits
	.globl uk_sig_timer_stub
	.balign 16
uk_sig_timer_stub:
	SAVE_CALLER_SAVED
	cld                     /* program code may have left DF set */
	leaq 72(%rsp), %rdi     /* rip, cs, rflags, rsp, ss */
	call uk_sig_timer
	testl %eax, %eax
	jnz 1f
	RESTORE_CALLER_SAVED
	iretq
1:	IRQ_FRAME_TO_KSTACK
	movq %rsp, %rdi
	call uk_sig_timer_frame
	jmp uk_frame_return

	.section .note.GNU-stack, "", @progbits
