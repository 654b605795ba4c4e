/* uk's raw-disk boot loader, written from the BIOS interfaces (INT 13h
 * extensions, INT 15h E820) and the PVH boot ABI (runtime/include/uk/pvh.h).
 * Assembled flat at 0x7c00 when uk is built and embedded in uk; the disk
 * writer adds the partition table and the boot configuration (rawboot.h).
 *
 * Stage 1 (the MBR) reads stage 2 from LBA 1. Stage 2, top to bottom:
 *   1. A20 on
 *   2. boot configuration from the partition's first sectors
 *   3. E820 memory map
 *   4. hvm_start_info: version 1, memory map, command line
 *   5. each PT_LOAD: disk -> bounce buffer (real mode) -> its address
 *      (a short trip to 32-bit protected mode per chunk)
 *   6. protected mode for good: zero the bss, ebx = start_info, jump to the
 *      PVH entry
 * Any failure prints "uk-boot: <why>" on COM1 and ends the VM with status
 * 126 through the exit devices of uk/exit.h. */
#include "rawboot.h"

#define COM1 0x3f8
#define EXIT_DEBUGCON 0xe9
#define EXIT_PORT 0xf4
#define SMAP 0x534d4150
#define UK_E820_RAM 1

	.code16
	.section .text
	.globl _start
_start:
	jmp 1f                  /* 2 bytes: the flags byte is at offset 2 */
mbr_flags:
	.byte 0                 /* RB_MBR_FLAGS_OFF: benchmark stops */
1:	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7c00, %sp
	ljmp $0, $2f            /* some BIOSes enter at 07c0:0000 */
2:	movb %dl, boot_drive    /* before rdtsc takes edx */
	rdtsc                   /* the loader's first timestamp */
	movl %eax, tsc_start
	movl %edx, tsc_start + 4
	sti
	cld
	testb $RB_MBR_STOP_START, mbr_flags
	jz 3f
	xorb %al, %al
	jmp exit_al
3:	movb $0x41, %ah
	movw $0x55aa, %bx
	movb boot_drive, %dl
	int $0x13
	jc no_ext
	cmpw $0xaa55, %bx
	jne no_ext
	testb $1, %cl           /* packet (DAP) access supported */
	jz no_ext
	movl $1, %eax
	movw stage2_sectors, %cx  /* only what the loader fills */
	movw $0x07e0, %bx
	call read_sectors
	jmp stage2

no_ext:
	movw $msg_ext, %si
	jmp fatal

/* read_sectors: eax = LBA, cx = count (<= 127), bx = segment (offset 0) */
read_sectors:
	movw %cx, dap_count
	movw $0, dap_off
	movw %bx, dap_seg
	movl %eax, dap_lba
	movl $0, dap_lba + 4
	movw $dap, %si
	movb $0x42, %ah
	movb boot_drive, %dl
	int $0x13
	jc 1f
	ret
1:	movw $msg_read, %si
	/* fall through */

/* fatal: si = message; prints it and ends the VM with status 126 */
fatal:
	pushw %si
	movw $msg_prefix, %si
	call puts
	popw %si
	call puts
	movw $msg_nl, %si
	call puts
	movb $126, %al
exit_al:
	outb %al, $EXIT_DEBUGCON
	outb %al, $EXIT_PORT
	cli
1:	hlt
	jmp 1b

puts:
	lodsb
	testb %al, %al
	jz 2f
	movb %al, %ah
	movw $COM1 + 5, %dx
1:	inb %dx, %al
	testb $0x20, %al
	jz 1b
	movw $COM1, %dx
	movb %ah, %al
	outb %al, %dx
	jmp puts
2:	ret

	.balign 4
dap:
	.byte 16, 0
dap_count:
	.word 0
dap_off:
	.word 0
dap_seg:
	.word 0
dap_lba:
	.quad 0
boot_drive:
	.byte 0
	.balign 4
tsc_start:
	.quad 0
stage2_sectors:
	.word (loader_end - stage2 + RB_SECTOR - 1) / RB_SECTOR
msg_prefix:
	.asciz "uk-boot: "
msg_nl:
	.asciz "\n"
msg_ext:
	.asciz "the BIOS has no INT 13h extensions"
msg_read:
	.asciz "disk read error"

	.org RB_MBR_DISKSIG_OFF /* disk signature and partition table: uk's */
	.fill 510 - RB_MBR_DISKSIG_OFF, 1, 0
	.byte 0x55, 0xaa

/* ---- stage 2, at 0x7e00 -------------------------------------------- */
stage2:
	/* 1. A20 through the "fast A20" port; QEMU has it on already */
	inb $0x92, %al
	orb $2, %al
	andb $0xfe, %al
	outb %al, $0x92

	/* 2. the boot configuration, at the first partition's start */
	movl 0x7c00 + RB_MBR_PART_OFF + 8, %eax
	movl %eax, part_lba
	movw $RB_CONFIG_SECTORS, %cx
	movw $(RB_CONFIG_ADDR >> 4), %bx
	call read_sectors
	movw $(RB_CONFIG_ADDR >> 4), %ax
	movw %ax, %fs
	cmpl $RB_MAGIC0, %fs:0
	jne bad_config
	cmpl $RB_MAGIC1, %fs:4
	jne bad_config
	cmpl $RB_MAX_SEGS, %fs:RB_CFG_NSEG
	ja bad_config

	/* 3. E820: entries straight into the start_info memory map (the
	 * 24-byte ACPI 3 form has the same first 20 bytes; the last four
	 * become the reserved field, cleared) */
	movw $(RB_MEMMAP_ADDR >> 4), %ax
	movw %ax, %es
	xorw %di, %di
	xorl %ebx, %ebx
	xorw %bp, %bp
e820_next:
	movl $1, %es:20(%di)
	movl $0xe820, %eax
	movl $24, %ecx
	movl $SMAP, %edx
	int $0x15
	jc e820_done
	cmpl $SMAP, %eax
	jne e820_done
	cmpl $24, %ecx          /* ACPI 3 attributes: bit 0 clear = ignore */
	jb 2f
	testb $1, %es:20(%di)
	jz 1f
2:	movl $0, %es:20(%di)
	movl %es:8(%di), %eax
	orl %es:12(%di), %eax
	jz 1f                   /* empty entry: overwrite it */
	addw $24, %di
	incw %bp
	cmpw $RB_MEMMAP_MAX, %bp
	jae e820_done
1:	testl %ebx, %ebx
	jnz e820_next
e820_done:
	testw %bp, %bp
	jnz 1f
	movw $msg_e820, %si
	jmp fatal
1:
	/* 4. start_info (uk/pvh.h): magic, version 1, the map, cmdline */
	movw $(RB_INFO_ADDR >> 4), %ax
	movw %ax, %es
	xorw %di, %di
	xorl %eax, %eax
	movw $(56 / 4), %cx
	rep stosl
	movl $0x336ec578, %es:0
	movl $1, %es:4
	movl $(RB_CONFIG_ADDR + RB_CMDLINE_OFF), %es:24 /* cmdline_paddr */
	movl $RB_MEMMAP_ADDR, %es:40                    /* memmap_paddr */
	movw %bp, %es:48                                /* memmap_entries */

	movw %bp, map_count

	/* 5. the segments, in the configuration's order (ascending), each
	 * checked to lie in RAM first */
	movw $RB_CFG_SEGS, seg_ptr
	movl %fs:RB_CFG_NSEG, %eax
	movw %ax, segs_left
seg_next:
	cmpw $0, segs_left
	je segs_done
	movw seg_ptr, %bx
	movl %fs:4(%bx), %eax
	movl %eax, %edx
	addl %fs:12(%bx), %edx
	call check_ram
	jc no_ram
	movw seg_ptr, %bx
	movl %fs:0(%bx), %eax
	addl part_lba, %eax
	movl %eax, cur_lba
	movl %fs:4(%bx), %eax
	movl %eax, cur_dst
	movl %fs:8(%bx), %eax
	movl %eax, cur_left
chunk_next:
	movl cur_left, %eax
	testl %eax, %eax
	jz chunk_done
	movl $(RB_BOUNCE_SECTORS * RB_SECTOR), %ecx
	cmpl %ecx, %eax
	jae 1f
	movl %eax, %ecx         /* the last, partial chunk */
1:	movl %ecx, cur_bytes
	addl $(RB_SECTOR - 1), %ecx
	shrl $9, %ecx
	movl cur_lba, %eax
	movw $(RB_BOUNCE_ADDR >> 4), %bx
	call read_sectors
	movl $RB_BOUNCE_ADDR, %esi
	movl cur_dst, %edi
	movl cur_bytes, %ecx
	call pm_copy
	movl cur_bytes, %eax
	addl %eax, cur_dst
	subl %eax, cur_left
	addl $RB_BOUNCE_SECTORS, cur_lba
	jmp chunk_next
chunk_done:
	addw $RB_SEG_BYTES, seg_ptr
	decw segs_left
	jmp seg_next
segs_done:
	testb $RB_MBR_STOP_KERNEL, mbr_flags
	jz 1f
	xorb %al, %al
	jmp exit_al

	/* 6. protected mode for good */
1:	cli
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmp $0x08, $enter_kernel

bad_config:
	movw $msg_config, %si
	jmp fatal
no_ram:
	movw $msg_ram, %si
	jmp fatal

/* check_ram: CF clear when [eax, edx) lies inside one E820 RAM entry
 * (edx <= 1 GiB: the disk writer checked). Clobbers ebx, ecx, esi, di, es. */
check_ram:
	movw $(RB_MEMMAP_ADDR >> 4), %cx
	movw %cx, %es
	xorw %di, %di
	movw map_count, %cx
1:	jcxz 3f
	cmpl $UK_E820_RAM, %es:16(%di)
	jne 2f
	cmpl $0, %es:4(%di)     /* starts above 4 GiB */
	jne 2f
	cmpl %es:0(%di), %eax
	jb 2f
	movl %es:0(%di), %ebx   /* entry end, 64-bit: ebx + (esi << 32) */
	addl %es:8(%di), %ebx
	movl %es:12(%di), %esi
	adcl $0, %esi
	testl %esi, %esi
	jnz 4f
	cmpl %ebx, %edx
	ja 2f
4:	clc
	ret
2:	addw $24, %di
	decw %cx
	jmp 1b
3:	stc
	ret

/* pm_copy: esi -> edi, ecx bytes, linear addresses; from real mode and
 * back (32-bit protected mode for the copy, then 16-bit segments and real
 * mode again, so the BIOS finds the state it expects). */
pm_copy:
	cli
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmp $0x08, $1f
	.code32
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movzwl %sp, %esp
	rep movsb
	ljmp $0x18, $2f
	.code16
2:	movw $0x20, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr0, %eax
	andl $~1, %eax
	movl %eax, %cr0
	ljmp $0, $3f
3:	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $(RB_CONFIG_ADDR >> 4), %ax
	movw %ax, %fs
	sti
	ret

	.code32
enter_kernel:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $0x7c00, %esp
	/* zero each segment's bss: memsz - filesz bytes after its file bytes */
	movl $(RB_CONFIG_ADDR + RB_CFG_SEGS), %ebx
	movl RB_CONFIG_ADDR + RB_CFG_NSEG, %edx
1:	testl %edx, %edx
	jz 2f
	movl 4(%ebx), %edi
	addl 8(%ebx), %edi
	movl 12(%ebx), %ecx
	subl 8(%ebx), %ecx
	xorl %eax, %eax
	rep stosb
	addl $RB_SEG_BYTES, %ebx
	decl %edx
	jmp 1b
2:	movl tsc_start, %eax    /* both timestamps beside the configuration */
	movl %eax, RB_CONFIG_ADDR + RB_CFG_TSC
	movl tsc_start + 4, %eax
	movl %eax, RB_CONFIG_ADDR + RB_CFG_TSC + 4
	rdtsc
	movl %eax, RB_CONFIG_ADDR + RB_CFG_TSC + 8
	movl %edx, RB_CONFIG_ADDR + RB_CFG_TSC + 12
	movl RB_CONFIG_ADDR + RB_CFG_ENTRY, %eax
	movl $RB_INFO_ADDR, %ebx
	jmp *%eax

	.code16
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff /* 0x10: 32-bit data, flat */
	.quad 0x00009a000000ffff /* 0x18: 16-bit code, base 0 */
	.quad 0x000092000000ffff /* 0x20: 16-bit data, base 0 */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.balign 4
part_lba:
	.long 0
cur_lba:
	.long 0
cur_dst:
	.long 0
cur_left:
	.long 0
cur_bytes:
	.long 0
map_count:
	.word 0
seg_ptr:
	.word 0
segs_left:
	.word 0
msg_e820:
	.asciz "no E820 memory map"
msg_ram:
	.asciz "the kernel does not fit in the VM's RAM (E820); give it more memory"
msg_config:
	.asciz "no uk boot configuration on the disk (rewrite it with uk build -t raw)"
loader_end: /* embed.sh checks that it fits in RB_STAGE2_SECTORS */

	.section .note.GNU-stack, "", @progbits
