/* The local APIC timer once a signal timer is armed, before any second
 * thread (sigtimer.c; afterwards switch.S's slice timer stub takes it).
 * Where program code was interrupted, the CPU's frame moves from the
 * interrupt stack to the top of the kernel stack and becomes a whole frame
 * like a system call's (trapframe.h, vector -1, error 1: left by iretq),
 * which uk_sig_timer_frame may rewrite to enter a handler. */
	.section .text.uk_sig_timer_stub, "ax", @progbits
	.globl uk_sig_timer_stub
	.balign 16
uk_sig_timer_stub:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	cld                     /* program code may have left DF set */
	leaq 72(%rsp), %rdi     /* rip, cs, rflags, rsp, ss */
	call uk_sig_timer
	testl %eax, %eax
	jnz 1f
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	iretq
1:	movq uk_syscall_kstack(%rip), %rdi
	subq $40, %rdi
	leaq 72(%rsp), %rsi
	movl $5, %ecx
	rep movsq
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	movq uk_syscall_kstack(%rip), %rsp  /* no register is free: rsp moves */
	subq $40, %rsp
	pushq $1                /* error: leave by iretq */
	pushq $-1               /* vector: not a system call */
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
	movq %rsp, %rdi
	call uk_sig_timer_frame
	jmp uk_frame_return

	.section .note.GNU-stack, "", @progbits
