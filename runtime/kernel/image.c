/* The loaded image, seen through its own ELF and program headers. The
 * linker must place the headers inside the first PT_LOAD and define
 * __ehdr_start there (GNU ld does; uk's linker does the same). */
#include "kernel.h"

struct elf_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
_Static_assert(sizeof(struct elf_ehdr) == 64, "ELF header");
_Static_assert(sizeof(struct elf_phdr) == 56, "ELF program header");

#define PT_LOAD 1

extern const struct elf_ehdr __ehdr_start;

uint64_t uk_image_phdr(void)
{
	return (uint64_t)&__ehdr_start + __ehdr_start.phoff;
}

unsigned uk_image_phnum(void)
{
	return __ehdr_start.phnum;
}

__uk_cold unsigned uk_image_segments(struct uk_segment *seg, unsigned max)
{
	const struct elf_phdr *ph = (const void *)uk_image_phdr();
	unsigned n = 0;
	for (unsigned i = 0; i < __ehdr_start.phnum && n < max; i++) {
		if (ph[i].type != PT_LOAD || !ph[i].memsz)
			continue;
		seg[n].start = ALIGN_DOWN(ph[i].vaddr, PAGE_SIZE);
		seg[n].end = ALIGN_UP(ph[i].vaddr + ph[i].memsz, PAGE_SIZE);
		seg[n].flags = ph[i].flags;
		n++;
	}
	return n;
}

/* Where the image ends, with the boot page tables that pvh.S put after
 * it (and whatever of the loader's it skipped for them): nothing up to
 * there is free memory. */
__uk_cold uint64_t uk_image_end(void)
{
	struct uk_segment seg[8];
	unsigned n = uk_image_segments(seg, ARRAY_SIZE(seg));
	uint64_t end = uk_boot_tables + UK_BOOT_TABLES_SIZE;
	for (unsigned i = 0; i < n; i++)
		if (seg[i].end > end)
			end = seg[i].end;
	return end;
}
