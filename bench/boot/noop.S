/* The baseline of bench/boot: the smallest PVH kernel, which exits with
 * status 0 at once through isa-debug-exit (QEMU then exits with 1). */
	.section .note.noop, "a", @note
	.balign 4
	.long 4, 8, 18          /* "Xen", 8-byte descriptor, PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad noop_start

	.text
	.code32
	.globl noop_start
noop_start:
	xorl %eax, %eax
	outb %al, $0xf4
1:	cli
	hlt
	jmp 1b
