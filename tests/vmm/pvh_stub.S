/* A minimal PVH kernel for testing uk's VM launcher without the runtime:
 * it writes MESSAGE to COM1, then ends with STATUS through the guest exit
 * protocol (debugcon byte, then isa-debug-exit), or does something else
 * when MODE says so: MODE 1 spins forever (for --timeout), MODE 2 triple
 * faults (for a guest that ends without a status), MODE 3 runs SSE and x87
 * instructions first (the probe of whether KVM can run real guests). */
#ifndef STATUS
#define STATUS 0
#endif
#ifndef MODE
#define MODE 0
#endif

	.section .note.Xen, "a", @note
	.balign 4
	.long 4             /* namesz: "Xen\0" */
	.long 8             /* descsz: the entry, zero-padded to 8 bytes */
	.long 18            /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	mov $message, %esi
1:	movb (%esi), %al
	test %al, %al
	jz 2f
	mov $0x3f8, %dx
	outb %al, %dx
	inc %esi
	jmp 1b
2:
#if MODE == 1
3:	pause
	jmp 3b
#elif MODE == 2
	lidt zero_idt
	ud2
#else
#if MODE == 3
	mov %cr0, %eax
	and $~0xc, %eax         /* EM and TS off */
	or $0x22, %eax          /* MP, NE */
	mov %eax, %cr0
	mov %cr4, %eax
	or $0x600, %eax         /* OSFXSR, OSXMMEXCPT */
	mov %eax, %cr4
	pxor %xmm0, %xmm0
	fld1
#endif
	mov $STATUS, %al
	outb %al, $0xe9
	outb %al, $0xf4
#endif
4:	cli
	hlt
	jmp 4b

	.section .rodata
zero_idt:
	.word 0
	.long 0
message:
	.asciz "pvh-stub: hello\n"
