/* Reading a built image's ELF headers: segments, entry and notes. Every
 * offset and size is checked against the file before it is used. */
#ifndef UK_IMAGEFMT_ELFINFO_H
#define UK_IMAGEFMT_ELFINFO_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define UK_ELF_MAX_SEGMENTS 16
#define UK_ELF_MAX_NOTES 16

struct uk_elf_segment {
	uint32_t type, flags;
	uint64_t vaddr, filesz, memsz;
};

struct uk_elf_note {
	char name[16];
	uint32_t type;
	uint32_t descsz;
	unsigned char desc[64]; /* the first bytes */
};

struct uk_elf_info {
	uint64_t file_bytes, load_bytes, entry;
	int has_pvh_entry;
	uint64_t pvh_entry;     /* from the Xen note XEN_ELFNOTE_PHYS32_ENTRY */
	struct uk_elf_segment seg[UK_ELF_MAX_SEGMENTS];
	size_t nseg;
	struct uk_elf_note notes[UK_ELF_MAX_NOTES];
	size_t nnotes;
};

int uk_elf_info_load(const char *path, struct uk_elf_info *info, struct uk_error *err);
/* The same, from bytes in memory (for tests). */
int uk_elf_info_parse(const unsigned char *buf, size_t len, const char *name,
		      struct uk_elf_info *info, struct uk_error *err);

#endif
