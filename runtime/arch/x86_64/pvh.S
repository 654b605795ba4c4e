/* PVH entry: the loader enters uk_pvh_start in 32-bit protected mode, paging
 * off, with ebx = physical address of struct uk_pvh_start_info (uk/pvh.h).
 * This file takes the CPU to 64-bit long mode on identity-mapped page tables
 * covering the first GiB with 2 MiB pages, then calls uk_boot() in C, which
 * refines the mapping (kernel/paging.c). The image is linked at 1 MiB, so
 * virtual = physical throughout. */

#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define EFER    0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

/* The note announcing the entry point to the loader (uk/pvh.h). */
	.section .note.uk.pvh, "a", @note
	.balign 4
	.long 4                 /* name size: "Xen\0" */
	.long 8                 /* descriptor size */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad uk_pvh_start      /* 32-bit entry, zero-padded to 8 bytes */

	.section .text.uk_pvh_start, "ax", @progbits
	.code32
	.globl uk_pvh_start
	.type uk_pvh_start, @function
uk_pvh_start:
	cli
	cld
	rdtsc                   /* first thing: the boot-time reference */
	movl %eax, uk_boot_tsc
	movl %edx, uk_boot_tsc + 4
	movl %ebx, uk_boot_info

	/* Memory is uncached until the MTRRs say otherwise, and not every
	 * loader enables them (QEMU microvm's does not): default to write-back. */
	movl $1, %eax
	cpuid
	testl $(1 << 12), %edx
	jz 1f
	movl $0x2ff, %ecx       /* IA32_MTRR_DEF_TYPE */
	rdmsr
	testl $(1 << 11), %eax
	jnz 1f
	movl $((1 << 11) | 6), %eax
	xorl %edx, %edx
	wrmsr
1:
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = 2 MiB page i (present, rw, ps) */
	movl $uk_boot_pdpt + 3, uk_boot_pml4
	movl $uk_boot_pd + 3, uk_boot_pdpt
	movl $uk_boot_pd, %edi
	movl $0x83, %eax
	movl $512, %ecx
2:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $uk_boot_pml4, %eax
	movl %eax, %cr3

	/* EFER: long mode, syscall; NX only where the CPU has it */
	movl $0x80000001, %eax
	cpuid
	movl $(EFER_LME | EFER_SCE), %esi
	testl $(1 << 20), %edx
	jz 3f
	orl $EFER_NXE, %esi
3:	movl $EFER, %ecx
	rdmsr
	orl %esi, %eax
	wrmsr

	movl %cr0, %eax
	orl $(CR0_PE | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt uk_gdt_ptr
	ljmp $0x08, $uk_long_mode

	.code64
uk_long_mode:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	lgdt uk_gdt_ptr         /* again, now with a 64-bit base */
	leaq uk_boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movl uk_boot_info(%rip), %edi
	call uk_boot
	ud2
	.size uk_pvh_start, . - uk_pvh_start

	.section .data.uk_gdt, "aw", @progbits
	.balign 16
	.globl uk_gdt
uk_gdt:
	.quad 0
	.quad 0x00af9b000000ffff /* 0x08: 64-bit code, ring 0 */
	.quad 0x00cf93000000ffff /* 0x10: data, ring 0 */
	.quad 0, 0               /* 0x18: TSS, filled by cpu.c */
uk_gdt_end:
	.balign 8
	.globl uk_gdt_ptr
uk_gdt_ptr:
	.word uk_gdt_end - uk_gdt - 1
	.quad uk_gdt

	.section .data.uk_boot_vars, "aw", @progbits
	.balign 8
	.globl uk_boot_tsc
uk_boot_tsc:
	.quad 0
uk_boot_info:
	.quad 0

	/* The boot stack is the upper half of the PML4: those entries map the
	 * upper canonical half, which the identity-mapped runtime never uses.
	 * uk_process_start() zeroes it again once it leaves this stack. */
	.section .bss.uk_boot_tables, "aw", @nobits
	.balign 4096
	.globl uk_boot_pml4, uk_boot_pdpt, uk_boot_pd, uk_boot_stack_top
uk_boot_pml4:
	.skip 4096
uk_boot_stack_top:
uk_boot_pdpt:
	.skip 4096
uk_boot_pd:
	.skip 4096

	.section .note.GNU-stack, "", @progbits
