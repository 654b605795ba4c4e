/* PVH entry: the loader enters uk_pvh_start in 32-bit protected mode, paging
 * off, with ebx = physical address of struct uk_pvh_start_info (uk/pvh.h).
 * This file takes the CPU to 64-bit long mode on identity-mapped page tables
 * covering the first 4 GiB with 2 MiB pages (all a PVH loader can put an
 * image, start_info and the tables in), then calls uk_boot() in C, which
 * refines the mapping (kernel/paging.c). The image is linked at 1 MiB, so
 * virtual = physical throughout.
 *
 * The boot page tables (PML4, PDPT, four PDs) are not part of the image,
 * which would load 24 KiB more: they are six pages of the RAM right after the
 * image's last segment, past whatever the loader put there (Xen's puts
 * start_info, the command line and the map just after the kernel; QEMU's,
 * qboot, Firecracker and uk's raw-disk loader put them below 1 MiB). They
 * stay the live tables: uk_image_end() counts them, so the page allocator
 * and brk leave them alone. */

#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define EFER    0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PT_LOAD  1
#define PVH_MAGIC 0x336ec578
#define TABLES   (6 * 4096)     /* PML4, PDPT, 4 PDs */

/* Moves the tables' place (edi) past [esi, eax) when the two overlap;
 * ebp counts the moves. */
.macro AVOID
	leal TABLES(%edi), %ecx
	cmpl %ecx, %esi
	jae 9f
	cmpl %edi, %eax
	jbe 9f
	leal 4095(%eax), %edi
	andl $-4096, %edi
	incl %ebp
9:
.endm

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
	/* The image's end: the highest p_vaddr + p_memsz of its PT_LOADs
	 * (below 4 GiB: the high halves are left out), rounded to a page. */
	movl $__ehdr_start, %esi
	movl 32(%esi), %edx     /* e_phoff */
	addl %esi, %edx
	movzwl 56(%esi), %ecx   /* e_phnum */
	xorl %edi, %edi
2:	cmpl $PT_LOAD, (%edx)
	jne 3f
	movl 16(%edx), %eax     /* p_vaddr */
	addl 40(%edx), %eax     /* + p_memsz */
	cmpl %eax, %edi
	jae 3f
	movl %eax, %edi
3:	addl $56, %edx
	loop 2b
	addl $4095, %edi
	andl $-4096, %edi

	/* Past start_info, its command line and its memory map, until a
	 * pass moves nothing (each can move the place once: it only rises). */
	movl uk_boot_info, %ebx /* cpuid took ebx */
	cmpl $PVH_MAGIC, (%ebx)
	jne 8f
4:	xorl %ebp, %ebp
	movl %ebx, %esi
	leal 56(%ebx), %eax
	AVOID
	movl 24(%ebx), %esi     /* cmdline_paddr, when below 4 GiB */
	testl %esi, %esi
	jz 6f
	cmpl $0, 28(%ebx)
	jne 6f
	movl %esi, %eax
5:	incl %eax
	cmpb $0, -1(%eax)
	jne 5b
	AVOID
6:	cmpl $1, 4(%ebx)        /* version 1: memmap_paddr, memmap_entries */
	jb 7f
	movl 40(%ebx), %esi
	testl %esi, %esi
	jz 7f
	cmpl $0, 44(%ebx)
	jne 7f
	imull $24, 48(%ebx), %eax
	addl %esi, %eax
	AVOID
7:	testl %ebp, %ebp
	jnz 4b

	/* PML4[0] -> PDPT, PDPT[k] -> PD k (k < 4), the PDs' 2048 entries one
	 * run: entry i = 2 MiB page i (present, rw, ps), so an image (its .bss)
	 * may reach past the first GiB; free RAM holds anything, so zero the
	 * six pages first */
8:	movl %edi, uk_boot_tables
	movl %edi, %edx
	xorl %eax, %eax
	movl $(TABLES / 4), %ecx
	rep stosl
	leal 4096 + 3(%edx), %eax
	movl %eax, (%edx)
	leal 4096(%edx), %edi
	leal 8192 + 3(%edx), %eax
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b
	leal 8192(%edx), %edi
	movl $0x83, %eax
	movl $2048, %ecx
2:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl %edx, %cr3

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
	movl uk_boot_tables(%rip), %esp /* the stack: the PML4's upper half */
	addl $4096, %esp
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

	/* The boot tables' address (the PML4; the PDPT and the PD follow).
	 * The boot stack is the PML4's upper half: those entries map the
	 * upper canonical half, which the identity-mapped runtime never uses.
	 * uk_process_start() zeroes it again once it leaves this stack. */
	.globl uk_boot_tables
uk_boot_tables:
	.quad 0

	.section .note.GNU-stack, "", @progbits
