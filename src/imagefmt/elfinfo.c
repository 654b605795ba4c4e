#include "imagefmt/elfinfo.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* off + len inside [0, total)? without overflow */
static int fits(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

static void read_notes(const unsigned char *buf, uint64_t off, uint64_t size,
		       struct uk_elf_info *info)
{
	uint64_t end = off + size;

	while (off + sizeof(Elf64_Nhdr) <= end && info->nnotes < UK_ELF_MAX_NOTES) {
		Elf64_Nhdr nh;
		uint64_t name_off = off + sizeof(nh), desc_off, next;
		struct uk_elf_note *n = &info->notes[info->nnotes];

		memcpy(&nh, buf + off, sizeof(nh));
		desc_off = name_off + ((nh.n_namesz + 3ull) & ~3ull);
		next = desc_off + ((nh.n_descsz + 3ull) & ~3ull);
		if (next > end || desc_off > end || nh.n_descsz > end - desc_off)
			return;
		memset(n, 0, sizeof(*n));
		memcpy(n->name, buf + name_off,
		       nh.n_namesz < sizeof(n->name) ? nh.n_namesz : sizeof(n->name) - 1);
		n->name[sizeof(n->name) - 1] = '\0';
		n->type = nh.n_type;
		n->descsz = nh.n_descsz;
		memcpy(n->desc, buf + desc_off,
		       nh.n_descsz < sizeof(n->desc) ? nh.n_descsz : sizeof(n->desc));
		if (!strcmp(n->name, "Xen") && n->type == XEN_ELFNOTE_PHYS32_ENTRY &&
		    nh.n_descsz >= 4) {
			uint32_t e32;
			uint64_t e64 = 0;

			if (nh.n_descsz >= 8) {
				memcpy(&e64, n->desc, 8);
			} else {
				memcpy(&e32, n->desc, 4);
				e64 = e32;
			}
			info->has_pvh_entry = 1;
			info->pvh_entry = e64;
		}
		info->nnotes++;
		off = next;
	}
}

int uk_elf_info_parse(const unsigned char *buf, size_t len, const char *name,
		      struct uk_elf_info *info, struct uk_error *err)
{
	Elf64_Ehdr eh;

	memset(info, 0, sizeof(*info));
	info->file_bytes = len;
	if (len < sizeof(eh) || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return uk_errorf(err, "'%s' is not an ELF file", name);
	memcpy(&eh, buf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64)
		return uk_errorf(err, "'%s' is not an x86_64 ELF64 file", name);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !fits(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), len))
		return uk_errorf(err, "'%s': program headers lie outside the file", name);
	info->entry = eh.e_entry;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD)
			info->load_bytes += ph.p_memsz;
		if (ph.p_type == PT_NOTE) {
			if (!fits(ph.p_offset, ph.p_filesz, len))
				return uk_errorf(err, "'%s': a note segment lies outside the file",
						 name);
			read_notes(buf, ph.p_offset, ph.p_filesz, info);
		}
		if (info->nseg < UK_ELF_MAX_SEGMENTS) {
			struct uk_elf_segment *s = &info->seg[info->nseg++];

			s->type = ph.p_type;
			s->flags = ph.p_flags;
			s->vaddr = ph.p_vaddr;
			s->filesz = ph.p_filesz;
			s->memsz = ph.p_memsz;
		}
	}
	return 0;
}

int uk_elf_info_load(const char *path, struct uk_elf_info *info, struct uk_error *err)
{
	char *data;
	size_t len;
	int rc;

	if (uk_read_file(path, &data, &len, err) != 0)
		return -1;
	rc = uk_elf_info_parse((const unsigned char *)data, len, path, info, err);
	free(data);
	return rc;
}
