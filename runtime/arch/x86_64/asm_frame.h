/* Register sequences shared by the assembly ways into the runtime
 * (entry.S, sched/switch.S, sched/sigtimer.S), as assembler macros for
 * .S files to #include. */
#ifndef UK_ASM_FRAME_H
#define UK_ASM_FRAME_H

/* What a C call may clobber (the SysV caller-saved registers): interrupt
 * stubs save it around their C handler. 72 bytes. */
.macro SAVE_CALLER_SAVED
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
.endm
.macro RESTORE_CALLER_SAVED
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
.endm

/* Every general register, in struct uk_trapframe's order (trapframe.h:
 * r15 lowest), below the vector and error already pushed. */
.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

/* An interrupt that landed in program code, its caller-saved registers
 * saved (SAVE_CALLER_SAVED) on the interrupt stack: the CPU's frame (rip,
 * cs, rflags, rsp, ss) moves to the top of the thread's kernel stack and
 * becomes a whole frame like a system call's, error 1 (uk_frame_return
 * leaves by iretq: its error-0 path jumps to rcx, a syscall's rip) and
 * vector -1 (not a system call), with rsp at it. */
.macro IRQ_FRAME_TO_KSTACK
	movq uk_syscall_kstack(%rip), %rdi
	subq $40, %rdi
	leaq 72(%rsp), %rsi
	movl $5, %ecx
	rep movsq
	RESTORE_CALLER_SAVED
	movq uk_syscall_kstack(%rip), %rsp  /* no register is free: rsp moves */
	subq $40, %rsp
	pushq $1
	pushq $-1
	PUSH_GPRS
.endm

#endif
