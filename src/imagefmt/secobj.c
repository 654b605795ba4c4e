/* Layout: ELF header | section bytes | .symtab | .strtab | .shstrtab |
 * section headers. Everything is fixed by the inputs: the same bytes give
 * the same object. */
#include "imagefmt/secobj.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#ifndef SHF_GNU_RETAIN
#define SHF_GNU_RETAIN (1u << 21)
#endif

#define ALIGN(x, a) (((x) + (a) - 1) & ~(uint64_t)((a) - 1))

enum { S_NULL, S_DATA, S_STACK, S_SYMTAB, S_STRTAB, S_SHSTRTAB, S_COUNT };

void uk_secobj_make(const char *name, const void *data, size_t len, uint64_t align,
		    unsigned char **out, size_t *outlen)
{
	static const char *const fixed[] = { ".note.GNU-stack", ".symtab", ".strtab",
					     ".shstrtab" };
	Elf64_Shdr sh[S_COUNT];
	Elf64_Sym sym[3];
	Elf64_Ehdr eh;
	uint32_t name_at[S_COUNT];
	uint64_t data_off, sym_off, str_off, shs_off, sh_off, shs_len;
	unsigned char *b;

	if (align < 1 || (align & (align - 1)))
		align = 8;
	shs_len = 1 + strlen(name) + 1;
	name_at[S_NULL] = 0;
	name_at[S_DATA] = 1;
	for (size_t i = 0; i < 4; i++) {
		name_at[S_STACK + i] = (uint32_t)shs_len;
		shs_len += strlen(fixed[i]) + 1;
	}
	data_off = ALIGN(sizeof(eh), align);
	sym_off = ALIGN(data_off + len, 8);
	str_off = sym_off + sizeof(sym);
	shs_off = str_off + 1 + strlen(name) + 1; /* .strtab: "", name */
	sh_off = ALIGN(shs_off + shs_len, 8);
	*outlen = (size_t)(sh_off + sizeof(sh));
	b = calloc(1, *outlen);
	if (!b)
		abort();

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = sh_off;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = S_COUNT;
	eh.e_shstrndx = S_SHSTRTAB;
	memcpy(b, &eh, sizeof(eh));
	if (len)
		memcpy(b + data_off, data, len);

	/* The null symbol, the section's own, and one global named like the
	 * section over its bytes: what a component's link_if rule can name to
	 * link the code that reads the section only when it is there. */
	memset(sym, 0, sizeof(sym));
	sym[1].st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION);
	sym[1].st_shndx = S_DATA;
	sym[2].st_name = 1;
	sym[2].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
	sym[2].st_shndx = S_DATA;
	sym[2].st_size = len;
	memcpy(b + sym_off, sym, sizeof(sym));
	memcpy(b + str_off + 1, name, strlen(name) + 1);

	b[shs_off] = '\0';
	memcpy(b + shs_off + 1, name, strlen(name) + 1);
	for (size_t i = 0; i < 4; i++)
		memcpy(b + shs_off + name_at[S_STACK + i], fixed[i], strlen(fixed[i]) + 1);

	memset(sh, 0, sizeof(sh));
	for (size_t i = 1; i < S_COUNT; i++)
		sh[i].sh_name = name_at[i];
	sh[S_DATA].sh_type = SHT_PROGBITS;
	sh[S_DATA].sh_flags = SHF_ALLOC | SHF_GNU_RETAIN;
	sh[S_DATA].sh_offset = data_off;
	sh[S_DATA].sh_size = len;
	sh[S_DATA].sh_addralign = align;
	sh[S_STACK].sh_type = SHT_PROGBITS;
	sh[S_STACK].sh_offset = sym_off;
	sh[S_STACK].sh_addralign = 1;
	sh[S_SYMTAB].sh_type = SHT_SYMTAB;
	sh[S_SYMTAB].sh_offset = sym_off;
	sh[S_SYMTAB].sh_size = sizeof(sym);
	sh[S_SYMTAB].sh_link = S_STRTAB;
	sh[S_SYMTAB].sh_info = 2; /* the first global */
	sh[S_SYMTAB].sh_addralign = 8;
	sh[S_SYMTAB].sh_entsize = sizeof(Elf64_Sym);
	sh[S_STRTAB].sh_type = SHT_STRTAB;
	sh[S_STRTAB].sh_offset = str_off;
	sh[S_STRTAB].sh_size = shs_off - str_off;
	sh[S_STRTAB].sh_addralign = 1;
	sh[S_SHSTRTAB].sh_type = SHT_STRTAB;
	sh[S_SHSTRTAB].sh_offset = shs_off;
	sh[S_SHSTRTAB].sh_size = shs_len;
	sh[S_SHSTRTAB].sh_addralign = 1;
	memcpy(b + sh_off, sh, sizeof(sh));
	*out = b;
}
