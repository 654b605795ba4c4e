/* Ways into the runtime after boot: CPU exceptions, the timer interrupt and
 * the `syscall` instruction. All of them leave the interrupted stack alone
 * (user code keeps a 128-byte red zone below rsp): exceptions and interrupts
 * arrive on IST stacks (cpu.c), syscalls switch to the kernel stack before
 * pushing anything. */
#include "asm_frame.h"


/* Call frame information for debuggers only (the image keeps none). */
	.cfi_sections .debug_frame

/* Exceptions: push a dummy error code where the CPU pushes none, then the
 * vector, then every general register, giving struct uk_trapframe (trap.h).
 * Each vector's stub is 6 bytes at uk_trap_stubs + 6 * vector, plus 2 from
 * vector 16 on (cpu.c): two pushes of a byte and a short jump to the jump
 * to uk_trap_common between stubs 15 and 16 (where every stub reaches it;
 * .org fails the build if a stub grows). Tables of 32 pointers and 16-byte
 * stubs were 768 bytes of every image. */
.macro TRAP_STUB vec
	.if \vec < 16
	.org uk_trap_stubs + 6 * \vec
	.else
	.org uk_trap_stubs + 6 * \vec + 2
	.endif
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	xchg %ax, %ax           /* a 2-byte nop: the CPU pushed an error code */
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp .Ltrap_jump
	.if \vec == 15
	.org uk_trap_stubs + 6 * 16
.Ltrap_jump:
	jmp uk_trap_common
	.endif
.endm

	.section .text.uk_trap_stubs, "ax", @progbits
	.balign 16
	.globl uk_trap_stubs
uk_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	TRAP_STUB \v
	.endr
	.org uk_trap_stubs + 6 * 32 + 2

	.section .text.uk_trap_stubs, "ax", @progbits
uk_trap_common:
	PUSH_GPRS
	movq %rsp, %rdi
	movl $uk_sig_fault, %eax /* the signal group's (weak): a handler of the program's */
	testl %eax, %eax
	jz 1f
	call *%rax              /* 1: it rewrote the frame to enter the handler */
	testl %eax, %eax
	jnz uk_frame_return
	movq %rsp, %rdi
1:	call uk_trap            /* reports and ends the VM */

/* Leaves through a frame (trapframe.h): by iretq with every register as
 * the frame says, unless error is 0 in a system call's frame (its own
 * return, which needs no rcx and r11: popfq and jmp, which are cheaper).
 * C that rewrites a frame sets error to 1 (UK_FRAME_IRET). sched/ leaves
 * interrupts and switched threads through it too. */
	.globl uk_frame_return
uk_frame_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	cmpq $0, 8(%rsp)        /* error */
	jne 1f
	addq $32, %rsp          /* vector, error, rip, cs */
	popfq
	popq %rsp               /* the caller's stack */
	jmp *%rcx               /* rcx: the return rip, as the entry pushed it */
1:	addq $16, %rsp          /* vector, error */
	iretq

/* LAPIC timer: only ever taken inside `sti; hlt` of uk_sleep_until_ns. */
	.section .text.uk_timer_stub, "ax", @progbits
	.globl uk_timer_stub
	.balign 16
uk_timer_stub:
	SAVE_CALLER_SAVED
	call uk_timer_irq
	RESTORE_CALLER_SAVED
	iretq

	.globl uk_spurious_stub
	.balign 16
uk_spurious_stub:
	iretq

/* Device interrupts (irq.c): each stub pushes its slot; the common part
 * saves what C may clobber and calls uk_irq_dispatch(slot). Like the
 * timer, only ever taken inside `sti; hlt`. */
.macro IRQ_STUB n
	.section .text.uk_irq_stubs, "ax", @progbits
	.balign 8
uk_irq_\n:
	pushq $\n
	jmp uk_irq_common
	.section .rodata.uk_irq_stubs, "a", @progbits
	.quad uk_irq_\n
.endm

	.section .rodata.uk_irq_stubs, "a", @progbits
	.balign 8
	.globl uk_irq_stubs
uk_irq_stubs:
	.irp n, 0,1,2,3 /* UK_IRQ_SLOTS (irq.h) */
	IRQ_STUB \n
	.endr

	.section .text.uk_irq_stubs, "ax", @progbits
uk_irq_common:
	SAVE_CALLER_SAVED
	movq 72(%rsp), %rdi     /* the slot */
	subq $8, %rsp           /* 5 words of frame + slot + 9: realign to 16 */
	call uk_irq_dispatch
	addq $8, %rsp
	RESTORE_CALLER_SAVED
	addq $8, %rsp
	iretq

/* syscall: rax = number, args in rdi rsi rdx r10 r8 r9, rcx = return rip,
 * r11 = rflags. Every register but rax, rcx, r11 is preserved. We stay in
 * ring 0, so the return is popfq + jmp instead of sysret. The entry saves
 * a whole frame like an exception's (trapframe.h; vector = the number)
 * for signal delivery: uk_sig_syscall_exit (the signal group, weak) may
 * rewrite it to enter a handler or to return from one (rt_sigreturn). */
	.section .text.uk_syscall_entry, "ax", @progbits
	.globl uk_syscall_entry
	.weak uk_sig_syscall_exit, uk_sig_fault
	.balign 16
uk_syscall_entry:
	.cfi_startproc simple
	.cfi_undefined rip      /* no caller known until the frame is built */
	movq %rsp, uk_syscall_user_rsp(%rip)
	movq uk_syscall_kstack(%rip), %rsp
	pushq $0x10             /* ss: SEL_DATA */
	pushq uk_syscall_user_rsp(%rip)
	pushq %r11              /* rflags */
	pushq $0x08             /* cs: SEL_CODE */
	pushq %rcx              /* rip */
	pushq $0                /* error: 0, leave by popfq + jmp */
	pushq %rax              /* vector: the number, for a restart */
	PUSH_GPRS
	subq $8, %rsp
	pushq %r9               /* 7th C argument */
	/* a debugger's way back to the program: the frame (176 bytes, above
	 * 16 of arguments) holds its registers, rip and rsp included */
	.cfi_def_cfa rsp, 192
	.cfi_offset rip, -40
	.cfi_offset rsp, -16
	.cfi_offset rax, -64
	.cfi_offset rbx, -72
	.cfi_offset rcx, -80
	.cfi_offset rdx, -88
	.cfi_offset rsi, -96
	.cfi_offset rdi, -104
	.cfi_offset rbp, -112
	.cfi_offset r8, -120
	.cfi_offset r9, -128
	.cfi_offset r10, -136
	.cfi_offset r11, -144
	.cfi_offset r12, -152
	.cfi_offset r13, -160
	.cfi_offset r14, -168
	.cfi_offset r15, -176
	movq %r8, %r9
	movq %r10, %r8
	movq %rdx, %rcx
	movq %rsi, %rdx
	movq %rdi, %rsi
	movq %rax, %rdi
	call uk_syscall
	addq $16, %rsp
	.cfi_def_cfa_offset 176
	movq %rax, 112(%rsp)    /* the frame's rax */
	movl $uk_sig_syscall_exit, %eax
	testl %eax, %eax
	jz uk_frame_return
	movq %rsp, %rdi
	call *%rax
	jmp uk_frame_return
	.cfi_endproc

	.section .bss.uk_syscall_vars, "aw", @nobits
	.balign 8
	.globl uk_syscall_user_rsp, uk_syscall_kstack
uk_syscall_user_rsp:
	.skip 8
uk_syscall_kstack:
	.skip 8

	.section .note.GNU-stack, "", @progbits
